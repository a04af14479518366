/**
 * Impact of a rule change: the same deterministic sample of fictional requests decided by two rule sets,
 * with the number of decisions that flip (eligibility, fee total, documents, processing, notices, …) and
 * examples.
 */
import type { CompiledService } from './compile.ts';
import { type Firing, fireNormalized, foldEvents } from './evaluate.ts';
import type { Facts } from './facts.ts';
import { sampler } from './sample.ts';

export const FLIP_KINDS = [
  'eligibility',
  'reasons',
  'feeTotal',
  'documents',
  'processing',
  'authority',
  'notices',
] as const;
export type FlipKind = (typeof FLIP_KINDS)[number];

export interface DecisionSummary {
  eligible: boolean;
  reasons: string[];
  documents: string[];
  feeTotal: number;
  processing: string | null;
  authority: string | null;
  /** Notice codes: a warning that appears or goes away changes what the citizen is told. */
  notices: string[];
}

export interface ImpactExample {
  facts: Facts;
  from: DecisionSummary | { error: string };
  to: DecisionSummary | { error: string };
}

export interface ImpactReport {
  service: string;
  from: { version: string; hash: string };
  to: { version: string; hash: string };
  sample: number;
  seed: number;
  /** Requests whose decision changed in at least one respect. */
  changed: number;
  flips: Record<FlipKind, number>;
  /** Requests one rule set refused to decide (invalid facts for it, or a date it does not cover). */
  errors: { from: number; to: number };
  examples: Partial<Record<FlipKind | 'error', ImpactExample[]>>;
}

export interface ImpactOptions {
  sample?: number;
  seed?: number;
  /** Examples kept per kind of flip. */
  examples?: number;
}

/** What a decision amounts to, compared across rule sets by codes (messages may be reworded). */
function summarize(firing: Firing): DecisionSummary {
  const o = foldEvents(firing);
  const p = o.processing?.processing;
  return {
    eligible: o.reasons.length === 0,
    reasons: o.reasons.map((r) => r.code!).sort(),
    documents: o.documents.map((r) => r.code!).sort(),
    feeTotal: o.total,
    processing: p ? `${p.days} ${p.unit}` : null,
    authority: o.authority ? (o.authority.code ?? o.authority.label!.vi) : null,
    notices: o.notices.map((r) => r.code!).sort(),
  };
}

type Outcome = DecisionSummary | { error: string };
type Normalized = { ok: true; facts: Facts } | { ok: false; error: string };

function normalize(svc: CompiledService, facts: Facts): Normalized {
  try {
    return { ok: true, facts: svc.normalizer.normalize(facts) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

function decide(svc: CompiledService, n: Normalized): Outcome {
  if (!n.ok) return { error: n.error };
  try {
    return summarize(fireNormalized(svc, n.facts));
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** Both decisions for one request; facts are normalised once when both rule sets declare the same facts. */
function decideBoth(from: CompiledService, to: CompiledService, facts: Facts): [Outcome, Outcome] {
  const a = normalize(from, facts);
  const b = from.factsHash === to.factsHash ? a : normalize(to, facts);
  return [decide(from, a), decide(to, b)];
}

function flipsBetween(a: DecisionSummary, b: DecisionSummary): FlipKind[] {
  const out: FlipKind[] = [];
  if (a.eligible !== b.eligible) out.push('eligibility');
  if (a.reasons.join() !== b.reasons.join()) out.push('reasons');
  if (a.feeTotal !== b.feeTotal) out.push('feeTotal');
  if (a.documents.join() !== b.documents.join()) out.push('documents');
  if (a.processing !== b.processing) out.push('processing');
  if (a.authority !== b.authority) out.push('authority');
  if (a.notices.join() !== b.notices.join()) out.push('notices');
  return out;
}

export function impactReport(
  from: CompiledService,
  to: CompiledService,
  options: ImpactOptions = {},
): ImpactReport {
  const n = options.sample ?? 10_000;
  const seed = options.seed ?? 1;
  const keep = options.examples ?? 3;
  const coverage = [from.coverageFrom, to.coverageFrom].filter((x): x is string => Boolean(x)).sort();
  const next = sampler(from.service, {
    seed,
    ...(coverage.length ? { from: coverage[coverage.length - 1] } : {}),
  });
  const flips = Object.fromEntries(FLIP_KINDS.map((k) => [k, 0])) as Record<FlipKind, number>;
  const examples: ImpactReport['examples'] = {};
  const errors = { from: 0, to: 0 };
  let changed = 0;
  const example = (kind: FlipKind | 'error', e: ImpactExample): void => {
    const list = examples[kind] ?? [];
    examples[kind] = list;
    if (list.length < keep) list.push(e);
  };
  for (let i = 0; i < n; i++) {
    const facts = next();
    const [a, b] = decideBoth(from, to, facts);
    if ('error' in a || 'error' in b) {
      if ('error' in a) errors.from++;
      if ('error' in b) errors.to++;
      if ('error' in a !== 'error' in b) {
        changed++;
        example('error', { facts, from: a, to: b });
      }
      continue;
    }
    const kinds = flipsBetween(a, b);
    if (kinds.length === 0) continue;
    changed++;
    for (const k of kinds) {
      flips[k]++;
      example(k, { facts, from: a, to: b });
    }
  }
  return {
    service: to.id,
    from: { ...from.ruleSet },
    to: { ...to.ruleSet },
    sample: n,
    seed,
    changed,
    flips,
    errors,
    examples,
  };
}
