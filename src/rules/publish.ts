/**
 * Managing rule-set versions: seed from the catalog folder, upload drafts, lint, test, impact, publish
 * behind a gate (lint clean and every scenario passing), roll back, and an audit entry for every action.
 */
import { loadServiceSource } from './catalog.ts';
import { type CompiledService, compileService, ruleSetContent } from './compile.ts';
import { describeDiff } from './diff-words.ts';
import { DraftInvalidError, PublishRefusedError, RulesError } from './errors.ts';
import { coverageFindings } from './gate.ts';
import { contentHash } from './hash.ts';
import { type ImpactReport, impactReport } from './impact.ts';
import { hasErrors, lintServiceSource } from './lint.ts';
import type { Finding } from './lint-types.ts';
import { runScenarios } from './scenarios.ts';
import { readCatalogDir, type ServiceSource } from './source.ts';
import {
  type Actor,
  type AuditEntry,
  type RuleVersionStore,
  type Schedule,
  VERSION_RE,
  type VersionDoc,
} from './versions.ts';

const FILE_RE = /^(service\.json|(rules|scenarios)\/[A-Za-z0-9_.-]+\.json)$/;

export interface VersionSummary {
  service: string;
  version: string;
  hash: string;
  status: VersionDoc['status'];
  inForce: boolean;
  createdAt: string;
  createdBy: Actor;
  publishedAt?: string;
  publishedBy?: Actor;
  errors: number;
  warnings: number;
  tests?: { passed: number; failed: number };
  impact?: { sample: number; changed: number; flips: ImpactReport['flips'] };
}

export function summarize(doc: VersionDoc, current: string | null): VersionSummary {
  const errors = doc.findings.filter((f) => f.severity === 'error').length;
  const impact = doc.impact as ImpactReport | undefined;
  return {
    service: doc.service,
    version: doc.version,
    hash: doc.hash,
    status: doc.status,
    inForce: doc.version === current,
    createdAt: doc.createdAt,
    createdBy: doc.createdBy,
    ...(doc.publishedAt ? { publishedAt: doc.publishedAt } : {}),
    ...(doc.publishedBy ? { publishedBy: doc.publishedBy } : {}),
    errors,
    warnings: doc.findings.length - errors,
    ...(doc.tests ? { tests: { passed: doc.tests.passed, failed: doc.tests.failed } } : {}),
    ...(impact ? { impact: { sample: impact.sample, changed: impact.changed, flips: impact.flips } } : {}),
  };
}

/** Roles that may waive a dropped scenario. */
const WAIVER_ROLES = new Set(['approver', 'admin']);

export interface PublishOptions {
  /** Scenario ids of the version in force that this draft may drop (approvers only; audited). */
  waive?: readonly string[];
}

export interface RulesAdminOptions {
  versions: RuleVersionStore;
  /** Requests sampled for the impact report kept with a published version. */
  impactSample?: number;
  now?: () => Date;
  /** Called after a publish or roll back, so this process serves the change before the announcement arrives. */
  onChange?: (service: string) => Promise<void>;
  log?: RulesAdminLogger;
}

/** The part of a pino logger the admin uses. */
export interface RulesAdminLogger {
  error(fields: Record<string, unknown>, message: string): void;
}

export class RulesAdmin {
  readonly versions: RuleVersionStore;
  private readonly impactSample: number;
  private readonly now: () => Date;
  private readonly onChange: (service: string) => Promise<void>;
  private readonly log: RulesAdminOptions['log'];

  constructor(options: RulesAdminOptions) {
    this.versions = options.versions;
    this.log = options.log;
    this.impactSample = options.impactSample ?? 10_000;
    this.now = options.now ?? (() => new Date());
    this.onChange = options.onChange ?? (async () => {});
  }

  private async audit(entry: Omit<AuditEntry, 'at'>): Promise<void> {
    await this.versions.audit({ at: this.now().toISOString(), ...entry });
  }

  private async doc(service: string, version: string): Promise<VersionDoc> {
    const doc = await this.versions.get(service, version);
    if (!doc) throw new RulesError('HOSO_ERR_RULES_UNKNOWN_VERSION', `No version ${version} of ${service}`);
    return doc;
  }

  /**
   * First start: every service of the catalog folder becomes its own first version, in force. A service
   * that already has a version in force is left alone, so later starts never override published rules.
   * The folder passes the publish gate like any draft (lint clean, every scenario passing); a service that
   * fails it is not put in force — whatever was in force keeps serving — and the refusal is logged and
   * audited with every finding and failing scenario.
   */
  async seed(dir: string): Promise<string[]> {
    const catalog = await readCatalogDir(dir);
    const seeded: string[] = [];
    const actor = { name: 'catalog', role: 'system' };
    if (catalog.services.length === 0) {
      this.log?.error(
        { dir, findings: catalog.findings },
        'rule catalog folder holds no service; nothing seeded',
      );
    }
    for (const source of catalog.services) {
      if (await this.versions.current(source.id)) continue;
      // Files of this service that could not be read at all (not JSON) count against it too.
      const unreadable = catalog.findings.filter((f) => f.file.startsWith(`${source.id}/`));
      const linted = lintServiceSource(source, { incomplete: unreadable.length > 0 });
      const findings = [...unreadable, ...linted.findings];
      const { parsed } = linted;
      let compiled: CompiledService | undefined;
      let failures: { id: string; failures: string[] }[] = [];
      if (parsed && !hasErrors(findings)) {
        compiled = compileService(parsed);
        findings.push(...coverageFindings(compiled));
        failures = (await runScenarios(compiled))
          .filter((r) => !r.passed)
          .map((r) => ({ id: r.id, failures: r.failures }));
      }
      if (!compiled || failures.length > 0 || hasErrors(findings)) {
        const errors = findings.filter((f) => f.severity === 'error');
        const detail =
          compiled && failures.length > 0
            ? `${failures.length} scenario(s) fail: ${failures.map((f) => f.id).join(', ')}`
            : `${errors.length} lint error(s): ${errors.map((f) => `${f.file} ${f.rule ?? ''} ${f.code}`).join('; ')}`;
        this.log?.error(
          { service: source.id, dir, findings: errors, failures },
          `rule catalog ${source.id} refused at seeding (${detail}); it is not put in force`,
        );
        await this.audit({
          actor,
          action: 'seed_refused',
          service: source.id,
          ...(parsed ? { version: parsed.service.version } : {}),
          outcome: 'refused',
          detail,
        });
        continue;
      }
      const doc: VersionDoc = {
        service: source.id,
        version: compiled.ruleSet.version,
        hash: compiled.ruleSet.hash,
        status: 'published',
        source,
        createdAt: this.now().toISOString(),
        createdBy: actor,
        findings,
        tests: { passed: compiled.parsed.scenarios.length, failed: 0, failures: [] },
        publishedAt: this.now().toISOString(),
        publishedBy: actor,
      };
      await this.versions.create(doc);
      if (await this.versions.setCurrent(source.id, doc.version, { onlyIfUnset: true })) {
        await this.audit({
          actor,
          action: 'seed',
          service: source.id,
          version: doc.version,
          hash: doc.hash,
          outcome: 'ok',
        });
        seeded.push(source.id);
      }
    }
    return seeded;
  }

  /** Stores a draft from the files of a service folder (paths relative to it). Lint findings come back with it. */
  async upload(service: string, files: Record<string, unknown>, actor: Actor): Promise<VersionDoc> {
    const bad = Object.keys(files).filter((p) => !FILE_RE.test(p));
    const pathFindings: Finding[] = bad.map((p) => ({
      severity: 'error',
      file: p,
      rule: null,
      path: '$',
      code: 'bad_file_name',
      message: 'files are service.json, rules/<name>.json or scenarios/<name>.json',
    }));
    const source: ServiceSource = {
      id: service,
      files: Object.entries(files).map(([path, content]) => ({ path: `${service}/${path}`, content })),
    };
    const { parsed, findings } = lintServiceSource(source);
    const all = [...pathFindings, ...findings];
    if (!parsed || bad.length > 0 || all.some((f) => f.code === 'service_id_mismatch')) {
      throw new DraftInvalidError(`The upload is not a rule set of ${service}`, all);
    }
    const version = parsed.service.version;
    if (!VERSION_RE.test(version)) {
      throw new DraftInvalidError(
        `Version "${version}" must be 1–64 letters, digits, dots, dashes or underscores`,
        all,
      );
    }
    const doc: VersionDoc = {
      service,
      version,
      hash: contentHash(ruleSetContent(parsed)),
      status: 'draft',
      source,
      createdAt: this.now().toISOString(),
      createdBy: actor,
      findings: all,
    };
    if (!(await this.versions.create(doc))) {
      throw new RulesError(
        'HOSO_ERR_RULES_VERSION_EXISTS',
        `${service} already has a version ${version}; raise "version" in service.json`,
      );
    }
    await this.audit({ actor, action: 'upload', service, version, hash: doc.hash, outcome: 'ok' });
    return doc;
  }

  async lint(service: string, version: string, actor: Actor): Promise<Finding[]> {
    const doc = await this.doc(service, version);
    const { findings } = lintServiceSource(doc.source);
    await this.versions.update({ ...doc, findings });
    await this.audit({
      actor,
      action: 'lint',
      service,
      version,
      hash: doc.hash,
      outcome: hasErrors(findings) ? 'refused' : 'ok',
    });
    return findings;
  }

  private compiled(doc: VersionDoc): CompiledService {
    const { parsed, findings } = lintServiceSource(doc.source);
    if (!parsed || hasErrors(findings)) {
      throw new PublishRefusedError(`${doc.service} ${doc.version} has lint errors`, findings, []);
    }
    return compileService(parsed);
  }

  async test(service: string, version: string, actor: Actor): Promise<NonNullable<VersionDoc['tests']>> {
    const doc = await this.doc(service, version);
    const results = await runScenarios(this.compiled(doc));
    const tests = {
      passed: results.filter((r) => r.passed).length,
      failed: results.filter((r) => !r.passed).length,
      failures: results.filter((r) => !r.passed).map((r) => ({ id: r.id, failures: r.failures })),
    };
    await this.versions.update({ ...doc, tests });
    await this.audit({
      actor,
      action: 'test',
      service,
      version,
      hash: doc.hash,
      outcome: tests.failed ? 'refused' : 'ok',
    });
    return tests;
  }

  /** Which decisions this version would change against the one in force. */
  async impact(service: string, version: string, actor: Actor, sample?: number): Promise<ImpactReport> {
    const doc = await this.doc(service, version);
    const current = await this.versions.current(service);
    const to = this.compiled(doc);
    const from = current ? this.compiled(await this.doc(service, current)) : to;
    const report = impactReport(from, to, { sample: sample ?? this.impactSample });
    await this.audit({
      actor,
      action: 'impact',
      service,
      version,
      hash: doc.hash,
      outcome: 'ok',
      detail: `${report.changed} of ${report.sample} change`,
    });
    return report;
  }

  /**
   * Puts a draft in force, only if lint is clean, every scenario passes, no scenario of the version in
   * force is dropped (unless `waive` names it and the actor is an approver; the waiver is audited) and
   * every rule is seen firing and not firing; keeps the impact report with it.
   */
  async publish(
    service: string,
    version: string,
    actor: Actor,
    options: PublishOptions = {},
  ): Promise<VersionDoc> {
    const waive = [...new Set(options.waive ?? [])];
    if (waive.length > 0 && !WAIVER_ROLES.has(actor.role)) {
      await this.audit({
        actor,
        action: 'publish_refused',
        service,
        version,
        outcome: 'refused',
        detail: `waiver of ${waive.join(', ')} refused: only an approver may waive a scenario`,
      });
      throw new RulesError(
        'HOSO_ERR_RULES_WAIVER_FORBIDDEN',
        `Only an approver may waive a scenario of the version in force (${waive.join(', ')})`,
      );
    }
    const result = await this.versions.withLock(service, async () => {
      const doc = await this.doc(service, version);
      const currentId = await this.versions.current(service);
      if (currentId === version)
        throw new RulesError('HOSO_ERR_RULES_ALREADY_IN_FORCE', `${service} ${version} is already in force`);
      const refuse = async (err: PublishRefusedError): Promise<never> => {
        await this.audit({
          actor,
          action: 'publish_refused',
          service,
          version,
          hash: doc.hash,
          outcome: 'refused',
          detail: err.message,
        });
        throw err;
      };
      const { parsed, findings } = lintServiceSource(doc.source);
      if (!parsed || hasErrors(findings)) {
        return refuse(new PublishRefusedError(`${service} ${version} has lint errors`, findings, []));
      }
      const to = compileService(parsed);
      const previous = currentId ? await this.doc(service, currentId) : null;
      const publishedScenarios = previous
        ? (lintServiceSource(previous.source).parsed?.scenarios.map((s) => s.scenario.id) ?? [])
        : [];
      const gaps = coverageFindings(to, { publishedScenarios, waived: waive });
      if (gaps.length > 0) {
        const all = [...findings, ...gaps];
        await this.versions.update({ ...doc, findings: all });
        return refuse(
          new PublishRefusedError(
            `${service} ${version} does not cover what the version in force tests: ${gaps.map((g) => g.code + (g.rule ? ` ${g.rule}` : '')).join('; ')}`,
            all,
            [],
          ),
        );
      }
      const results = await runScenarios(to);
      const failures = results.filter((r) => !r.passed).map((r) => ({ id: r.id, failures: r.failures }));
      const tests = { passed: results.length - failures.length, failed: failures.length, failures };
      if (failures.length > 0) {
        await this.versions.update({ ...doc, findings, tests });
        return refuse(
          new PublishRefusedError(
            `${failures.length} scenario(s) of ${service} ${version} fail`,
            findings,
            failures,
          ),
        );
      }
      const dropped = publishedScenarios.filter((id) => waive.includes(id));
      const waived = dropped.filter((id) => !to.parsed.scenarios.some((s) => s.scenario.id === id));
      if (waived.length > 0) {
        await this.audit({
          actor,
          action: 'waiver',
          service,
          version,
          hash: doc.hash,
          outcome: 'ok',
          detail: `scenarios of ${previous?.version} dropped with the approver's waiver: ${waived.join(', ')}`,
        });
      }
      const impact = previous
        ? impactReport(this.compiled(previous), to, { sample: this.impactSample })
        : undefined;
      const published: VersionDoc = {
        ...doc,
        status: 'published',
        findings,
        tests,
        ...(impact ? { impact } : {}),
        publishedAt: this.now().toISOString(),
        publishedBy: actor,
      };
      await this.versions.update(published);
      await this.versions.setCurrent(service, version);
      await this.audit({
        actor,
        action: 'publish',
        service,
        version,
        hash: doc.hash,
        ...(previous ? { previous: { version: previous.version, hash: previous.hash } } : {}),
        outcome: 'ok',
        ...(impact ? { detail: `${impact.changed} of ${impact.sample} sampled decisions change` } : {}),
        diff: describeDiff(previous?.source ?? null, doc.source),
      });
      await this.versions.announce(service, version, doc.hash);
      return published;
    });
    if (!result)
      throw new RulesError('HOSO_ERR_RULES_BUSY', `Another change to ${service} is under way; try again`);
    await this.onChange(service);
    return result;
  }

  /** Puts a previously published version back in force (by default the one before the current). */
  async rollback(service: string, actor: Actor, to?: string): Promise<VersionDoc> {
    const result = await this.versions.withLock(service, async () => {
      const currentId = await this.versions.current(service);
      const history = (await this.versions.history(service)).filter((d) => d.status === 'published');
      const index = history.findIndex((d) => d.version === currentId);
      const target = to ? history.find((d) => d.version === to) : history[index - 1];
      if (!target) {
        throw new RulesError(
          to ? 'HOSO_ERR_RULES_UNKNOWN_VERSION' : 'HOSO_ERR_RULES_NOTHING_TO_ROLL_BACK',
          to ? `${service} has no published version ${to}` : `${service} has no earlier published version`,
        );
      }
      if (target.version === currentId)
        throw new RulesError(
          'HOSO_ERR_RULES_ALREADY_IN_FORCE',
          `${service} ${target.version} is already in force`,
        );
      this.compiled(target);
      await this.versions.setCurrent(service, target.version);
      const previous = currentId ? await this.versions.get(service, currentId) : null;
      await this.audit({
        actor,
        action: 'rollback',
        service,
        version: target.version,
        hash: target.hash,
        ...(previous ? { previous: { version: previous.version, hash: previous.hash } } : {}),
        outcome: 'ok',
        diff: describeDiff(previous?.source ?? null, target.source),
      });
      await this.versions.announce(service, target.version, target.hash);
      return target;
    });
    if (!result)
      throw new RulesError('HOSO_ERR_RULES_BUSY', `Another change to ${service} is under way; try again`);
    await this.onChange(service);
    return result;
  }

  /** Four eyes, first pair: a drafter puts a draft forward; it must already pass the gate. */
  async propose(service: string, version: string, actor: Actor): Promise<VersionDoc> {
    const doc = await this.doc(service, version);
    if (doc.status !== 'draft')
      throw new RulesError('HOSO_ERR_RULES_ALREADY_IN_FORCE', `${service} ${version} was already published`);
    try {
      // Dropped scenarios do not stop a proposal: only an approver may waive them, at approval.
      await this.check(doc, [], { allowDropped: true });
    } catch (err) {
      await this.audit({
        actor,
        action: 'propose',
        service,
        version,
        hash: doc.hash,
        outcome: 'refused',
        detail: (err as Error).message,
      });
      throw err;
    }
    const proposed: VersionDoc = { ...doc, proposedAt: this.now().toISOString(), proposedBy: actor };
    await this.versions.update(proposed);
    const current = await this.versions.current(service);
    const previous = current ? await this.versions.get(service, current) : null;
    await this.audit({
      actor,
      action: 'propose',
      service,
      version,
      hash: doc.hash,
      outcome: 'ok',
      diff: describeDiff(previous?.source ?? null, doc.source),
    });
    return proposed;
  }

  /**
   * Four eyes, second pair: an approver who neither wrote nor proposed the draft publishes it, now or at
   * `at` (then every process carries it out once due, see runDue). The gate runs now and again when due.
   */
  async approve(
    service: string,
    version: string,
    actor: Actor,
    options: PublishOptions & { at?: Date } = {},
  ): Promise<{ published?: VersionDoc; scheduled?: Schedule }> {
    const doc = await this.doc(service, version);
    if (!doc.proposedBy) {
      // A publication in one step (the hole four eyes closes) is refused, and who tried is on record.
      await this.audit({
        actor,
        action: 'publish_refused',
        service,
        version,
        hash: doc.hash,
        outcome: 'refused',
        detail: 'not proposed: a drafter proposes, another person publishes',
      });
      throw new RulesError('HOSO_ERR_RULES_NOT_PROPOSED', `${service} ${version} has not been proposed yet`);
    }
    if (actor.name === doc.proposedBy.name || actor.name === doc.createdBy.name) {
      await this.audit({
        actor,
        action: 'publish_refused',
        service,
        version,
        hash: doc.hash,
        outcome: 'refused',
        detail: 'four eyes: the approver wrote or proposed this draft',
      });
      throw new RulesError(
        'HOSO_ERR_RULES_FOUR_EYES',
        `${actor.name} wrote or proposed ${service} ${version}; another approver must publish it`,
      );
    }
    const waive = [...(options.waive ?? [])];
    if (options.at && options.at.getTime() > this.now().getTime()) {
      if (waive.length > 0 && !WAIVER_ROLES.has(actor.role)) {
        throw new RulesError('HOSO_ERR_RULES_WAIVER_FORBIDDEN', 'Only an approver may waive a scenario');
      }
      await this.check(doc, waive);
      const scheduled: Schedule = { version, at: options.at.toISOString(), by: actor, waive };
      await this.versions.setSchedule(service, scheduled);
      await this.audit({
        actor,
        action: 'schedule',
        service,
        version,
        hash: doc.hash,
        outcome: 'ok',
        detail: `in force from ${scheduled.at}`,
      });
      return { scheduled };
    }
    return { published: await this.publish(service, version, actor, { waive }) };
  }

  async cancelSchedule(service: string, actor: Actor): Promise<void> {
    const scheduled = await this.versions.schedule(service);
    if (!scheduled) return;
    await this.versions.setSchedule(service, null);
    await this.audit({
      actor,
      action: 'schedule_cancelled',
      service,
      version: scheduled.version,
      outcome: 'ok',
      detail: `was set for ${scheduled.at}`,
    });
  }

  /** Carries out every publication whose time has come; any process may call it, only one publishes. */
  async runDue(): Promise<string[]> {
    const done: string[] = [];
    for (const service of await this.versions.services()) {
      const scheduled = await this.versions.schedule(service);
      if (!scheduled || Date.parse(scheduled.at) > this.now().getTime()) continue;
      try {
        await this.publish(service, scheduled.version, scheduled.by, { waive: scheduled.waive });
        done.push(service);
      } catch (err) {
        // Busy: another process is publishing it right now; leave the schedule for it (or the next tick).
        if (err instanceof RulesError && err.code === 'HOSO_ERR_RULES_BUSY') continue;
        if (!(err instanceof RulesError && err.code === 'HOSO_ERR_RULES_ALREADY_IN_FORCE')) {
          this.log?.error(
            { service, version: scheduled.version, err: (err as Error).message },
            'scheduled publication refused; the version in force keeps serving',
          );
        }
      }
      const still = await this.versions.schedule(service);
      if (still && still.version === scheduled.version && still.at === scheduled.at) {
        await this.versions.setSchedule(service, null);
      }
    }
    return done;
  }

  /** Checks every process's schedule every `ms` milliseconds; returns a stop function. */
  startScheduler(ms: number): () => void {
    const timer = setInterval(() => {
      this.runDue().catch((err: Error) =>
        this.log?.error({ err: err.message }, 'could not run scheduled rule publications'),
      );
    }, ms);
    timer.unref();
    return () => clearInterval(timer);
  }

  /**
   * The gate without publishing: throws PublishRefusedError with every reason. With `allowDropped`, scenarios
   * of the version in force that the draft leaves out are listed only when something else blocks it too.
   */
  private async check(
    doc: VersionDoc,
    waive: readonly string[],
    options: { allowDropped?: boolean } = {},
  ): Promise<void> {
    const { parsed, findings } = lintServiceSource(doc.source);
    if (!parsed || hasErrors(findings)) {
      throw new PublishRefusedError(`${doc.service} ${doc.version} has lint errors`, findings, []);
    }
    const to = compileService(parsed);
    const currentId = await this.versions.current(doc.service);
    const previous = currentId ? await this.versions.get(doc.service, currentId) : null;
    const publishedScenarios = previous
      ? (lintServiceSource(previous.source).parsed?.scenarios.map((s) => s.scenario.id) ?? [])
      : [];
    const gaps = coverageFindings(to, { publishedScenarios, waived: waive });
    const failures = (await runScenarios(to))
      .filter((r) => !r.passed)
      .map((r) => ({ id: r.id, failures: r.failures }));
    const blocking = options.allowDropped ? gaps.filter((g) => g.code !== 'scenario_dropped') : gaps;
    if (blocking.length > 0 || failures.length > 0) {
      throw new PublishRefusedError(
        `${doc.service} ${doc.version} does not pass the gate`,
        [...findings, ...gaps],
        failures,
      );
    }
  }

  async history(service: string): Promise<VersionSummary[]> {
    const current = await this.versions.current(service);
    return (await this.versions.history(service)).map((d) => summarize(d, current));
  }

  async version(service: string, version: string): Promise<VersionDoc> {
    return this.doc(service, version);
  }

  /** A stored version as a loaded service (for deciding on it). */
  async load(service: string, version: string) {
    return loadServiceSource((await this.doc(service, version)).source);
  }
}
