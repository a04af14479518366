/**
 * `hoso rules lint | test | eval | impact | explain | schema | propose | publish` (contracts §1). JSON goes to stdout alone,
 * diagnostics to stderr; the exit code says whether the command succeeded.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { KeyValueStore } from '../store/types.ts';
import { type Catalog, catalogFromSource, loadCatalog, loadServiceSource } from './catalog.ts';
import type { CompiledService } from './compile.ts';
import { can, RulesAccounts, type RulesRole } from './console/accounts.ts';
import { isCalendarDate } from './dates.ts';
import { CatalogError, PublishRefusedError, RulesError } from './errors.ts';
import { impactReport } from './impact.ts';
import { catalogJsonSchemaText } from './json-schema.ts';
import { hasErrors, lintCatalogSource } from './lint.ts';
import { RulesAdmin, summarize } from './publish.ts';
import { runScenarios } from './scenarios.ts';
import { readCatalogDir } from './source.ts';
import { type Actor, RuleVersionStore } from './versions.ts';

export interface CommandIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

const USAGE = `usage:
  hoso rules lint [DIR]
  hoso rules test [DIR]
  hoso rules eval SERVICE --facts FILE|JSON [--trace] [--lang vi|en] [--on YYYY-MM-DD] [--dir DIR]
  hoso rules explain SERVICE --facts FILE|JSON [--lang vi|en] [--on YYYY-MM-DD] [--dir DIR]
  hoso rules impact SERVICE --from DIR|VERSION --to DIR [--sample N] [--seed N]
                  (a VERSION is read from the records database: DATABASE_URL, or the embedded one under DATA_DIR)
  hoso rules schema [--write | --check]   (rules/schema.json, generated from the zod schema)
  hoso rules propose SERVICE --user NAME [--dir DIR]
                  (a drafter uploads DIR/SERVICE as a draft and proposes it; it must pass the gate:
                   lint clean, every scenario passing, every rule seen firing and not firing)
  hoso rules publish SERVICE VERSION --user NAME [--at ISO-DATETIME] [--waive SCENARIO,...]
                  (a different approver publishes a proposed version, now or at a date and time; a
                   scenario of the version in force that the draft drops must be waived)
  NAME is an account of the rules console (hoso rules-users), with its role for SERVICE; its password is
  read from standard input (first line). Four eyes as in the console: whoever wrote or proposed a draft
  cannot publish it.
`;

class UsageError extends Error {}

interface Parsed {
  positional: string[];
  flags: Map<string, string | true>;
}

const BOOLEAN_FLAGS = new Set(['trace', 'write', 'check']);

function parseArgs(args: string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq > 0 ? eq : undefined);
    if (eq > 0) flags.set(name, a.slice(eq + 1));
    else if (BOOLEAN_FLAGS.has(name)) flags.set(name, true);
    else {
      const v = args[i + 1];
      if (v === undefined) throw new UsageError(`--${name} needs a value`);
      flags.set(name, v);
      i++;
    }
  }
  return { positional, flags };
}

function flag(p: Parsed, name: string): string | undefined {
  const v = p.flags.get(name);
  if (v === true) throw new UsageError(`--${name} needs a value`);
  return v;
}

const json = (x: unknown): string => `${JSON.stringify(x, null, 2)}\n`;

function defaultDir(): string {
  return resolve('rules');
}

function schemaPath(): string {
  return new URL('../../rules/schema.json', import.meta.url).pathname;
}

async function readFacts(value: string): Promise<unknown> {
  let text = value;
  if (!value.trimStart().startsWith('{')) {
    try {
      text = await readFile(value, 'utf8');
    } catch (err) {
      throw new UsageError(`--facts: cannot read ${value}: ${(err as Error).message}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--facts is not valid JSON: ${(err as Error).message}`);
  }
}

function langOf(p: Parsed): 'vi' | 'en' {
  const lang = flag(p, 'lang') ?? 'vi';
  if (lang !== 'vi' && lang !== 'en') throw new UsageError('--lang must be vi or en');
  return lang;
}

function onOf(p: Parsed): string | undefined {
  const on = flag(p, 'on');
  if (on !== undefined && !isCalendarDate(on)) throw new UsageError('--on must be a date YYYY-MM-DD');
  return on;
}

async function lint(p: Parsed, io: CommandIo): Promise<number> {
  const source = await readCatalogDir(p.positional[0] ?? defaultDir());
  const { findings } = lintCatalogSource(source);
  const errors = findings.filter((f) => f.severity === 'error').length;
  io.stdout(json({ ok: errors === 0, errors, warnings: findings.length - errors, findings }));
  return errors === 0 ? 0 : 1;
}

async function test(p: Parsed, io: CommandIo): Promise<number> {
  const source = await readCatalogDir(p.positional[0] ?? defaultDir());
  const { findings, services } = lintCatalogSource(source);
  let passed = 0;
  let failed = 0;
  if (hasErrors(findings)) {
    io.stderr(
      json({
        error: 'catalog has errors; scenarios cannot run',
        findings: findings.filter((f) => f.severity === 'error'),
      }),
    );
    for (const s of services) failed += s.parsed?.scenarios.length ?? 0;
  } else {
    const catalog = catalogFromSource(source);
    for (const svc of catalog.services) {
      for (const r of await runScenarios(svc.compiled)) {
        if (r.passed) passed++;
        else {
          failed++;
          io.stderr(
            `${JSON.stringify({ failed: `${r.service}/${r.id}`, file: r.file, failures: r.failures })}\n`,
          );
        }
      }
    }
  }
  io.stdout(`${passed} passed, ${failed} failed\n`);
  return failed === 0 && !hasErrors(findings) ? 0 : 1;
}

async function serviceFrom(p: Parsed): Promise<{ catalog: Catalog; id: string }> {
  const id = p.positional[0];
  if (!id) throw new UsageError('SERVICE is required');
  return { catalog: await loadCatalog(flag(p, 'dir') ?? defaultDir()), id };
}

async function evalCommand(p: Parsed, io: CommandIo): Promise<number> {
  const factsArg = flag(p, 'facts');
  if (!factsArg) throw new UsageError('--facts FILE|JSON is required');
  const facts = await readFacts(factsArg);
  const options = { lang: langOf(p), on: onOf(p), trace: p.flags.get('trace') === true };
  const { catalog, id } = await serviceFrom(p);
  io.stdout(json(await catalog.get(id).decide(facts, options)));
  return 0;
}

async function explainCommand(p: Parsed, io: CommandIo): Promise<number> {
  const factsArg = flag(p, 'facts');
  if (!factsArg) throw new UsageError('--facts FILE|JSON is required');
  const facts = await readFacts(factsArg);
  const lang = langOf(p);
  const { catalog, id } = await serviceFrom(p);
  const service = catalog.get(id);
  const decision = await service.decide(facts, { lang, on: onOf(p), trace: true });
  io.stdout(
    json({
      service: id,
      on: decision.on,
      eligible: decision.eligible,
      explanation: service.explain(decision, lang),
    }),
  );
  return 0;
}

export interface RulesCommandOptions {
  /** The store holding rule-set versions (default: the one configured by the environment). */
  store?: KeyValueStore;
  /** Where the password of `--user` is read (first line); the process's standard input by default. */
  stdin?: Readable;
}

/** The record store of the configured deployment (PostgreSQL or PGlite), announcing changes on Redis. */
async function configuredRecords(): Promise<{ store: KeyValueStore; close: () => Promise<void> }> {
  const { loadConfig } = await import('../config.ts');
  const { createStore } = await import('../store/create-store.ts');
  const { openRecords } = await import('../db/records.ts');
  const { default: pino } = await import('pino');
  if (existsSync('.env')) process.loadEnvFile('.env');
  const cfg = loadConfig();
  const bus = createStore({ redisUrl: cfg.REDIS_URL, prefix: cfg.REDIS_KEY_PREFIX });
  const records = await openRecords({
    url: cfg.DATABASE_URL,
    dataDir: cfg.DATA_DIR,
    bus,
    log: pino({ level: 'warn' }, pino.destination(2)),
  });
  return {
    store: records.store,
    close: async () => {
      await records.close();
      await bus.close();
    },
  };
}

async function withRecords<T>(
  options: RulesCommandOptions,
  fn: (store: KeyValueStore) => Promise<T>,
): Promise<T> {
  if (options.store) return fn(options.store);
  const { store, close } = await configuredRecords();
  try {
    return await fn(store);
  } finally {
    await close();
  }
}

async function firstLine(input: Readable): Promise<string> {
  let data = '';
  for await (const chunk of input) {
    data += String(chunk);
    if (data.includes('\n')) break;
  }
  return data.split(/\r?\n/)[0] ?? '';
}

/**
 * The console account named by `--user`, checked with its password and its role for `service`: the CLI
 * signs the audit with a person, never a name typed freely, so four eyes mean two people.
 */
async function signIn(
  p: Parsed,
  store: KeyValueStore,
  service: string,
  role: RulesRole,
  options: RulesCommandOptions,
): Promise<Actor> {
  const username = flag(p, 'user');
  if (!username) throw new UsageError('--user NAME is required (an account of hoso rules-users)');
  const password = await firstLine(options.stdin ?? process.stdin);
  const account = await new RulesAccounts(store).verify(username, password);
  if (!account)
    throw new RulesError('HOSO_ERR_RULES_LOGIN_FAILED', `Wrong username or password for ${username}`);
  if (!can(account, service, role)) {
    throw new RulesError(
      'HOSO_ERR_RULES_FORBIDDEN',
      `${username} is not ${role === 'approver' ? 'an approver' : `a ${role}`} of ${service}`,
    );
  }
  return { name: account.username, role: account.grants[service]! };
}

async function propose(p: Parsed, io: CommandIo, options: RulesCommandOptions): Promise<number> {
  const id = p.positional[0];
  if (!id) throw new UsageError('SERVICE is required');
  const dir = flag(p, 'dir') ?? defaultDir();
  const source = (await readCatalogDir(dir)).services.find((s) => s.id === id);
  if (!source) throw new UsageError(`${dir} has no service folder "${id}"`);
  const files = Object.fromEntries(source.files.map((f) => [f.path.slice(id.length + 1), f.content]));
  return withRecords(options, async (store) => {
    const actor = await signIn(p, store, id, 'drafter', options);
    const admin = new RulesAdmin({ versions: new RuleVersionStore(store) });
    const draft = await admin.upload(id, files, actor);
    const proposed = await admin.propose(id, draft.version, actor);
    io.stdout(json({ ...summarize(proposed, null), proposedBy: proposed.proposedBy }));
    return 0;
  });
}

async function publish(p: Parsed, io: CommandIo, options: RulesCommandOptions): Promise<number> {
  const [id, version] = p.positional;
  if (!id || !version) {
    throw new UsageError(
      'SERVICE and VERSION are required: a drafter proposes first (hoso rules propose), then another person publishes',
    );
  }
  const waive = (flag(p, 'waive') ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  const atFlag = flag(p, 'at');
  const at = atFlag === undefined ? undefined : new Date(atFlag);
  if (at && Number.isNaN(at.getTime()))
    throw new UsageError('--at must be a date and time, e.g. 2027-01-01T00:00:00+07:00');
  return withRecords(options, async (store) => {
    const actor = await signIn(p, store, id, 'approver', options);
    const admin = new RulesAdmin({ versions: new RuleVersionStore(store) });
    const result = await admin.approve(id, version, actor, { waive, ...(at ? { at } : {}) });
    const published = result.published;
    io.stdout(
      json(
        published
          ? { ...summarize(published, published.version), impact: published.impact }
          : { scheduled: result.scheduled },
      ),
    );
    return 0;
  });
}

/** A rule set given as a catalog folder, or as a version kept in the store. */
async function ruleSet(service: string, ref: string, options: RulesCommandOptions): Promise<CompiledService> {
  if (existsSync(ref) && statSync(ref).isDirectory()) return (await loadCatalog(ref)).get(service).compiled;
  let store = options.store;
  let close: (() => Promise<void>) | undefined;
  if (!store) {
    // Versions are records: read from the deployment's records database.
    const records = await configuredRecords();
    store = records.store;
    close = records.close;
  }
  try {
    const doc = await new RuleVersionStore(store).get(service, ref);
    if (!doc)
      throw new RulesError(
        'HOSO_ERR_RULES_UNKNOWN_VERSION',
        `"${ref}" is neither a folder nor a stored version of ${service}`,
      );
    return loadServiceSource(doc.source).compiled;
  } finally {
    await close?.();
  }
}

async function impact(p: Parsed, io: CommandIo, options: RulesCommandOptions): Promise<number> {
  const id = p.positional[0];
  const fromDir = flag(p, 'from');
  const toDir = flag(p, 'to');
  if (!id || !fromDir || !toDir) throw new UsageError('SERVICE, --from DIR and --to DIR are required');
  const sample = Number(flag(p, 'sample') ?? 10_000);
  const seed = Number(flag(p, 'seed') ?? 1);
  if (!Number.isInteger(sample) || sample < 1) throw new UsageError('--sample must be a positive integer');
  if (!Number.isInteger(seed)) throw new UsageError('--seed must be an integer');
  const [from, to] = await Promise.all([ruleSet(id, fromDir, options), ruleSet(id, toDir, options)]);
  io.stdout(json(impactReport(from, to, { sample, seed })));
  return 0;
}

async function schema(p: Parsed, io: CommandIo): Promise<number> {
  const text = catalogJsonSchemaText();
  if (p.flags.get('write') === true) {
    await writeFile(schemaPath(), text);
    io.stdout(json({ written: schemaPath() }));
    return 0;
  }
  if (p.flags.get('check') === true) {
    const current = await readFile(schemaPath(), 'utf8').catch(() => '');
    const fresh = current === text;
    io.stdout(json({ path: schemaPath(), fresh }));
    if (!fresh) io.stderr('rules/schema.json is stale: run `hoso rules schema --write`\n');
    return fresh ? 0 : 1;
  }
  io.stdout(text);
  return 0;
}

const COMMANDS: Record<string, (p: Parsed, io: CommandIo, options: RulesCommandOptions) => Promise<number>> =
  {
    lint,
    test,
    eval: evalCommand,
    explain: explainCommand,
    impact,
    schema,
    propose,
    publish,
  };

/** The refusal in lines a person reads at a terminal: one per blocking finding or failing scenario. */
function refusalLines(err: PublishRefusedError): string {
  const lines = [
    `publication refused: ${err.message}`,
    ...err.findings
      .filter((f) => f.severity === 'error')
      .map((f) => `  ${f.file} ${f.rule ?? ''} [${f.code}] ${f.message}`),
    ...err.failures.map((f) => `  scenario ${f.id}: ${f.failures.join('; ')}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** Runs `hoso rules …` with the arguments after `rules`; returns the exit code. */
export async function runRulesCommand(
  args: string[],
  io: CommandIo,
  options: RulesCommandOptions = {},
): Promise<number> {
  const [name, ...rest] = args;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    io.stderr(USAGE);
    return 2;
  }
  try {
    return await command(parseArgs(rest), io, options);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`${err.message}\n${USAGE}`);
      return 2;
    }
    if (err instanceof CatalogError || err instanceof RulesError) {
      io.stderr(json({ error: err.toJSON() }));
      if (err instanceof PublishRefusedError) io.stderr(refusalLines(err));
      return 1;
    }
    throw err;
  }
}
