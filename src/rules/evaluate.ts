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

/** The events of the fired rules folded into one outcome, before any message is chosen. */
export interface Outcome {
  reasons: CompiledRule[];
  documents: CompiledRule[];
  lines: { rule: CompiledRule; amount: number }[];
  total: number;
  processing: CompiledRule | null;
  authority: CompiledRule | null;
}

/**
 * Reasons and documents once per code, in rule order; amount and per-unit fee lines, then percent lines
 * on their sum; the longest processing time; the first authority (the linter keeps authorities exclusive).
 */
export function foldEvents(firing: Firing): Outcome {
  const out: Outcome = { reasons: [], documents: [], lines: [], total: 0, processing: null, authority: null };
  const percents: CompiledRule[] = [];
  let sum = 0;
  for (const r of firing.fired) {
    switch (r.type) {
      case 'deny':
        if (!out.reasons.some((x) => x.code === r.code)) out.reasons.push(r);
        break;
      case 'require':
        if (!out.documents.some((x) => x.code === r.code)) out.documents.push(r);
        break;
      case 'fee': {
        const fee = r.fee!;
        if (fee.kind === 'percent') {
          percents.push(r);
          break;
        }
        const amount =
          fee.kind === 'amount' ? fee.amount : roundDong(fee.unitAmount * Number(fee.units(firing.facts)));
        out.lines.push({ rule: r, amount });
        sum += amount;
        break;
      }
      case 'processing':
        if (!out.processing || r.processing!.days > out.processing.processing!.days) out.processing = r;
        break;
      case 'authority':
        out.authority ??= r;
        break;
    }
  }
  out.total = sum;
  for (const r of percents) {
    const amount = roundDong((sum * (r.fee as { percent: number }).percent) / 100);
    out.lines.push({ rule: r, amount });
    out.total += amount;
  }
  // A discount without the charge it discounts (a gap between two base-fee windows, say) is a catalog
  // defect: refusing to answer beats telling a citizen the state owes them money.
  if (out.total < 0) {
    throw new RulesError(
      'HOSO_ERR_RULES_FEE_NEGATIVE',
      `Fee total of ${out.total} đồng on ${firing.on} (lines: ${out.lines
        .map((l) => `${l.rule.id} ${l.amount}`)
        .join(', ')}); the rule set is missing a charge`,
    );
  }
  return out;
}

export function buildDecision(svc: CompiledService, firing: Firing, lang: Lang): Decision {
  const o = foldEvents(firing);
  return {
    service: svc.id,
    ruleSet: { version: svc.ruleSet.version, hash: svc.ruleSet.hash },
    on: firing.on,
    eligible: o.reasons.length === 0,
    reasons: o.reasons.map((r) => ({ code: r.code!, message: r.label![lang] })),
    documents: o.documents.map((r) => ({ code: r.code!, message: r.label![lang] })),
    fee: {
      total: o.total,
      currency: 'VND',
      lines: o.lines.map((l) => ({ code: l.rule.code!, amount: l.amount })),
    },
    processing: o.processing ? { ...o.processing.processing! } : null,
    authority: o.authority ? o.authority.label![lang] : null,
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
