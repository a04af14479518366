/**
 * The loader the rest of the app uses: a validated, linted, compiled catalog. Loading refuses a catalog
 * with any error finding (CatalogError lists them all), so a bad rule set never serves.
 */
import { type CompiledRule, type CompiledService, compileService } from './compile.ts';
import { conditionReads } from './conditions.ts';
import { isCalendarDate, todayInVietnam } from './dates.ts';
import type { Decision } from './decision.ts';
import { CatalogError, RulesError } from './errors.ts';
import { decideSync, type EvaluateOptions, evaluate, fire } from './evaluate.ts';
import { defaultPhrases, explain } from './explain.ts';
import { exprReads, type Facts, getterFor, withFact } from './facts.ts';
import { hasErrors, lintCatalogSource, lintServiceSource } from './lint.ts';
import type { Finding } from './lint-types.ts';
import { parseExplain } from './parse.ts';
import type { Input, Lang, LocalizedText, Phrases } from './schema.ts';
import { type CatalogSource, readCatalogDir, type ServiceSource } from './source.ts';

export type AnswerResult = { ok: true; facts: Facts; value: unknown } | { ok: false; error: RulesError };

export interface LoadedService {
  readonly id: string;
  readonly title: LocalizedText;
  readonly description: LocalizedText | undefined;
  /** What the conversation asks, in order; an input with `when` is asked only when it holds. */
  readonly inputs: readonly Input[];
  readonly ruleSet: { version: string; hash: string };
  readonly compiled: CompiledService;
  /** Warnings the linter left (errors prevent loading). */
  readonly findings: readonly Finding[];
  decide(facts: unknown, options?: EvaluateOptions): Promise<Decision>;
  decideSync(facts: unknown, options?: Omit<EvaluateOptions, 'trace'>): Decision;
  explain(decision: Decision, lang: Lang): string;
  /** The next question for facts known so far, or undefined when nothing is left to ask. */
  nextInput(known: Facts, options?: { on?: string }): Input | undefined;
  /** Checks one answer against its input and returns the facts with the answer filled in. */
  applyAnswer(known: Facts, inputId: string, value: unknown): AnswerResult;
  /** The inputs that do not apply on these answers (their `when` fails), among `inputIds`. */
  inapplicable(known: Facts, inputIds: readonly string[], options?: { on?: string }): string[];
  /** The reason to prove identity again before filing, when the request touches sensitive data. */
  sensitiveReason(known: Facts, options?: { on?: string }): string | undefined;
  /** Whether the service declares this fact (a conversation fills only declared facts). */
  declares(fact: string): boolean;
  /**
   * Refusals no later answer can lift: reasons whose rule fired reading only facts already known (or derived
   * from them). A conversation stops at once on these instead of asking questions that cannot help.
   */
  settledRefusals(known: Facts, options?: { on?: string; lang?: Lang }): Promise<Decision['reasons']>;
}

function answerError(input: Input, message: string): AnswerResult {
  return { ok: false, error: new RulesError('HOSO_ERR_RULES_ANSWER_INVALID', `${input.id}: ${message}`) };
}

function checkAnswer(
  input: Input,
  value: unknown,
): { ok: true; value: unknown } | { ok: false; message: string } {
  switch (input.type) {
    case 'choice': {
      // Options that depend on the citizen are checked by whoever offered them; the fact's own shape still holds.
      if (input.optionsFrom !== undefined)
        return typeof value === 'string' || typeof value === 'number'
          ? { ok: true, value }
          : { ok: false, message: 'not an option' };
      const option = input.options.find((o) => o.value === value);
      return option ? { ok: true, value: option.value } : { ok: false, message: 'not one of the options' };
    }
    case 'integer': {
      if (typeof value !== 'number' || !Number.isInteger(value))
        return { ok: false, message: 'not a whole number' };
      if (input.min !== undefined && value < input.min)
        return { ok: false, message: `less than ${input.min}` };
      if (input.max !== undefined && value > input.max)
        return { ok: false, message: `more than ${input.max}` };
      return { ok: true, value };
    }
    case 'date': {
      if (typeof value !== 'string' || !isCalendarDate(value))
        return { ok: false, message: 'not a date YYYY-MM-DD' };
      if (input.notInFuture && value > todayInVietnam()) return { ok: false, message: 'in the future' };
      if (input.min && value < input.min) return { ok: false, message: `before ${input.min}` };
      if (input.max && value > input.max) return { ok: false, message: `after ${input.max}` };
      return { ok: true, value };
    }
    case 'yesno':
      return typeof value === 'boolean' ? { ok: true, value } : { ok: false, message: 'not yes or no' };
    case 'text': {
      if (typeof value !== 'string') return { ok: false, message: 'not a text' };
      const text = (input.uppercase ? value.toUpperCase() : value).normalize('NFC').trim();
      if (input.maxLength !== undefined && text.length > input.maxLength)
        return { ok: false, message: 'too long' };
      if (input.pattern && !new RegExp(input.pattern).test(text))
        return { ok: false, message: 'wrong format' };
      return { ok: true, value: text };
    }
  }
}

class Service implements LoadedService {
  readonly id: string;
  readonly title: LocalizedText;
  readonly description: LocalizedText | undefined;
  readonly inputs: readonly Input[];
  readonly ruleSet: { version: string; hash: string };
  readonly compiled: CompiledService;
  readonly findings: readonly Finding[];
  private readonly phrases: { vi: Phrases; en: Phrases } | undefined;
  private readonly whens: ((f: Facts) => boolean)[];
  private readonly sensitive: { test: (f: Facts) => boolean; reason: string } | undefined;

  constructor(
    compiled: CompiledService,
    findings: readonly Finding[],
    phrases: { vi: Phrases; en: Phrases } | undefined,
  ) {
    this.compiled = compiled;
    this.id = compiled.id;
    this.title = compiled.title;
    this.description = compiled.description;
    this.inputs = compiled.inputs;
    this.ruleSet = compiled.ruleSet;
    this.findings = findings;
    this.phrases = phrases;
    this.whens = this.inputs.map((i) => (i.when ? compiled.compiler.compile(i.when) : () => true));
    const sensitive = compiled.parsed.service.sensitive;
    this.sensitive = sensitive && {
      test: sensitive.when ? compiled.compiler.compile(sensitive.when) : () => true,
      reason: sensitive.reason,
    };
  }

  decide(facts: unknown, options?: EvaluateOptions): Promise<Decision> {
    return evaluate(this.compiled, facts, options);
  }

  decideSync(facts: unknown, options?: Omit<EvaluateOptions, 'trace'>): Decision {
    return decideSync(this.compiled, facts, options);
  }

  explain(decision: Decision, lang: Lang): string {
    return explain(decision, lang, { title: this.title, phrases: this.phrases });
  }

  nextInput(known: Facts, options: { on?: string } = {}): Input | undefined {
    const facts = this.compiled.normalizer.normalize(known, { partial: true, on: options.on });
    for (const [i, input] of this.inputs.entries()) {
      if (getterFor(input.fills)(known) !== undefined) continue;
      if (!this.whens[i]!(facts)) continue;
      return input;
    }
    return undefined;
  }

  inapplicable(known: Facts, inputIds: readonly string[], options: { on?: string } = {}): string[] {
    // One normalisation for all of them: this runs after every answer.
    const facts = this.compiled.normalizer.normalize(known, { partial: true, on: options.on });
    return inputIds.filter((id) => {
      const i = this.inputs.findIndex((x) => x.id === id);
      return i !== -1 && !this.whens[i]!(facts);
    });
  }

  sensitiveReason(known: Facts, options: { on?: string } = {}): string | undefined {
    if (!this.sensitive) return undefined;
    const facts = this.compiled.normalizer.normalize(known, { partial: true, on: options.on });
    return this.sensitive.test(facts) ? this.sensitive.reason : undefined;
  }

  declares(fact: string): boolean {
    return this.compiled.model.get(fact)?.kind === 'input';
  }

  async settledRefusals(
    known: Facts,
    options: { on?: string; lang?: Lang } = {},
  ): Promise<Decision['reasons']> {
    let firing: ReturnType<typeof fire>;
    let decision: Decision;
    try {
      firing = fire(this.compiled, known, options.on);
      decision = this.decideSync(known, options);
    } catch (error) {
      // Facts still missing (a required one not yet asked): nothing is settled yet.
      if (error instanceof RulesError) return [];
      throw error;
    }
    const settled = (name: string): boolean => {
      if (getterFor(name)(known) !== undefined) return true;
      const info = this.compiled.model.get(name);
      return info?.kind === 'derived' && exprReads(info.derived!.expr).every(settled);
    };
    // Every fact a refusal's conditions could read must be known, so nothing still to ask could lift it.
    const codes = new Set(
      firing.fired.filter((r) => r.type === 'deny' && [...this.readsOf(r)].every(settled)).map((r) => r.code),
    );
    return decision.reasons.filter((r) => codes.has(r.code));
  }

  private readonly reads = new Map<CompiledRule, Set<string>>();

  private readsOf(rule: CompiledRule): Set<string> {
    let found = this.reads.get(rule);
    if (!found) {
      found = conditionReads(rule.rule.conditions, this.compiled.named);
      this.reads.set(rule, found);
    }
    return found;
  }

  applyAnswer(known: Facts, inputId: string, value: unknown): AnswerResult {
    const input = this.inputs.find((i) => i.id === inputId);
    if (!input) {
      return {
        ok: false,
        error: new RulesError('HOSO_ERR_RULES_UNKNOWN_INPUT', `${this.id} has no input "${inputId}"`),
      };
    }
    const checked = checkAnswer(input, value);
    if (!checked.ok) return answerError(input, checked.message);
    return { ok: true, facts: withFact(known, input.fills, checked.value), value: checked.value };
  }
}

export class Catalog {
  readonly services: readonly LoadedService[];
  readonly findings: readonly Finding[];
  private readonly byId: Map<string, LoadedService>;

  constructor(services: readonly LoadedService[], findings: readonly Finding[]) {
    this.services = services;
    this.findings = findings;
    this.byId = new Map(services.map((s) => [s.id, s]));
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  get(id: string): LoadedService {
    const s = this.byId.get(id);
    if (!s) {
      throw new RulesError(
        'HOSO_ERR_RULES_UNKNOWN_SERVICE',
        `Unknown service "${id}"; known: ${[...this.byId.keys()].join(', ')}`,
      );
    }
    return s;
  }
}

/** One service from plain source (a directory read, or a version kept in the store). */
export function loadServiceSource(
  source: ServiceSource,
  phrases: { vi: Phrases; en: Phrases } | undefined = undefined,
): LoadedService {
  const { parsed, findings } = lintServiceSource(source);
  if (!parsed || hasErrors(findings)) throw new CatalogError(findings);
  return new Service(compileService(parsed), findings, phrases);
}

export function catalogFromSource(source: CatalogSource): Catalog {
  const { findings, services } = lintCatalogSource(source);
  if (hasErrors(findings)) throw new CatalogError(findings);
  const phrases = source.explain ? parseExplain(source.explain).explain?.phrases : defaultPhrases();
  const loaded = services.map((s) => new Service(compileService(s.parsed!), s.findings, phrases));
  return new Catalog(loaded, findings);
}

/** Reads, lints and compiles the catalog in `dir`; throws CatalogError listing every finding if any is an error. */
export async function loadCatalog(dir: string): Promise<Catalog> {
  return catalogFromSource(await readCatalogDir(dir));
}
