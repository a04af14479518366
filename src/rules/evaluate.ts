/**
 * One decision: validate and complete the facts, pick the rules in force on the decision date, run them,
 * and fold their events into the envelope of contracts §3. The fast path is synchronous compiled
 * predicates; with `trace`, json-rules-engine itself runs the same rules and its result is the trace.
 */
import { type CompiledRule, type CompiledService, segmentFor } from './compile.ts';
import type { Decision } from './decision.ts';
import { RulesError } from './errors.ts';
import type { Facts } from './facts.ts';
import { traceWithEngine } from './jre.ts';
import type { Lang } from './schema.ts';

export interface EvaluateOptions {
  /** Decision date (Vietnam time); overrides the `on` fact. Default: the `on` fact, else today. */
  on?: string | undefined;
  lang?: Lang | undefined;
  trace?: boolean | undefined;
}

export interface Firing {
  on: string;
  facts: Facts;
  fired: CompiledRule[];
  considered: CompiledRule[];
}

/** Facts completed and the rules that fire; no envelope yet. */
export function fire(svc: CompiledService, rawFacts: unknown, on?: string): Firing {
  return fireNormalized(svc, svc.normalizer.normalize(rawFacts, { on }));
}

/** Same, for facts already completed by a normaliser with the same declarations. */
export function fireNormalized(svc: CompiledService, facts: Facts): Firing {
  const day = facts.on as string;
  if (svc.coverageFrom && day < svc.coverageFrom) {
    throw new RulesError(
      'HOSO_ERR_RULES_DATE_OUT_OF_RANGE',
      `Rule set ${svc.id} ${svc.ruleSet.version} answers from ${svc.coverageFrom}, not for ${day}`,
    );
  }
  const considered = segmentFor(svc, day).rules;
  const fired: CompiledRule[] = [];
  for (const r of considered) if (r.test(facts)) fired.push(r);
  return { on: day, facts, fired, considered };
}

// Half away from zero, so a discount and its charge round to the same magnitude.
function roundDong(x: number): number {
  const r = Math.sign(x) * Math.round(Math.abs(x));
  return r === 0 ? 0 : r;
}

export function buildDecision(svc: CompiledService, firing: Firing, lang: Lang): Decision {
  const reasons: { code: string; message: string }[] = [];
  const documents: { code: string; message: string }[] = [];
  const lines: { code: string; amount: number }[] = [];
  const percents: CompiledRule[] = [];
  let sum = 0;
  let processing: { days: number; unit: 'working' | 'calendar' } | null = null;
  let authority: string | null = null;
  for (const r of firing.fired) {
    switch (r.type) {
      case 'deny':
        if (!reasons.some((x) => x.code === r.code)) reasons.push({ code: r.code!, message: r.label![lang] });
        break;
      case 'require':
        if (!documents.some((x) => x.code === r.code))
          documents.push({ code: r.code!, message: r.label![lang] });
        break;
      case 'fee': {
        const fee = r.fee!;
        if (fee.kind === 'percent') {
          percents.push(r);
          break;
        }
        const amount =
          fee.kind === 'amount' ? fee.amount : roundDong(fee.unitAmount * Number(fee.units(firing.facts)));
        lines.push({ code: r.code!, amount });
        sum += amount;
        break;
      }
      case 'processing':
        if (!processing || r.processing!.days > processing.days) processing = { ...r.processing! };
        break;
      case 'authority':
        authority ??= r.label![lang];
        break;
    }
  }
  let total = sum;
  for (const r of percents) {
    const amount = roundDong((sum * (r.fee as { percent: number }).percent) / 100);
    lines.push({ code: r.code!, amount });
    total += amount;
  }
  return {
    service: svc.id,
    ruleSet: { version: svc.ruleSet.version, hash: svc.ruleSet.hash },
    on: firing.on,
    eligible: reasons.length === 0,
    reasons,
    documents,
    fee: { total, currency: 'VND', lines },
    processing,
    authority,
  };
}

/** A decision without trace, synchronously: what impact reports and hot paths use. */
export function decideSync(svc: CompiledService, rawFacts: unknown, options: EvaluateOptions = {}): Decision {
  return buildDecision(svc, fire(svc, rawFacts, options.on), options.lang ?? 'vi');
}

/** The decision envelope of contracts §3; with `trace`, every rule considered as json-rules-engine saw it. */
export async function evaluate(
  svc: CompiledService,
  rawFacts: unknown,
  options: EvaluateOptions = {},
): Promise<Decision> {
  const firing = fire(svc, rawFacts, options.on);
  const decision = buildDecision(svc, firing, options.lang ?? 'vi');
  if (!options.trace) return decision;
  const { trace, fired } = await traceWithEngine(svc, firing.considered, firing.facts);
  const mine = firing.fired.map((r) => r.id).join(',');
  const theirs = firing.considered
    .filter((r) => fired.has(r.id))
    .map((r) => r.id)
    .join(',');
  if (mine !== theirs) {
    throw new RulesError(
      'HOSO_ERR_RULES_ENGINE_MISMATCH',
      `Compiled rules and json-rules-engine disagree for ${svc.id}: [${mine}] vs [${theirs}]`,
    );
  }
  return { ...decision, trace };
}
