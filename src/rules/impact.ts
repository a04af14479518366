/**
 * Impact of a rule change: the same deterministic sample of fictional requests decided by two rule sets,
 * with the number of decisions that flip (eligibility, fee total, documents, processing, notices, …), which
 * way (eligible ↔ not, documents added or dropped, fee up or down and by how much), grouped by cause — the
 * changed rules that decide differently for that request — each group with example requests.
 */
import type { CompiledRule, CompiledService } from './compile.ts';
import { addDays } from './dates.ts';
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

/** Which way decisions moved, over the whole sample or one cause. */
export interface ImpactDirections {
  eligibility: { gained: number; lost: number };
  /** Requests in which each document code became required (added) or no longer required (removed). */
  documents: { added: Record<string, number>; removed: Record<string, number> };
  /** Requests whose fee total went up or down, and the sum of the changes in đồng (up ≥ 0, down ≤ 0). */
  fee: { up: number; down: number; upBy: number; downBy: number };
}

/** A rule whose change makes some sampled decisions differ. */
export interface ImpactCauseRule {
  id: string;
  title: string;
  change: 'added' | 'removed' | 'changed';
}

/**
 * The requests whose decision one changed rule changes, counted only in what that rule decides (a fee rule's
 * group counts fees, a refusal's eligibility and reasons): a request two changed rules touch is in both groups.
 */
export interface ImpactCause extends ImpactDirections {
  /** The rule id, or "other" when no rule's own firing explains the change (fact declarations changed). */
  key: string;
  rule: ImpactCauseRule | null;
  /** Other changed rules that also changed some of these decisions. */
  with: string[];
  changed: number;
  flips: Record<FlipKind, number>;
  examples: ImpactExample[];
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
  directions: ImpactDirections;
  /** Largest group first. */
  causes: ImpactCause[];
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
type Decided = { summary: DecisionSummary; fired: CompiledRule[] } | { error: string };
type Normalized = { ok: true; facts: Facts } | { ok: false; error: string };

function normalize(svc: CompiledService, facts: Facts): Normalized {
  try {
    return { ok: true, facts: svc.normalizer.normalize(facts) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

function decide(svc: CompiledService, n: Normalized): Decided {
  if (!n.ok) return { error: n.error };
  try {
    const firing = fireNormalized(svc, n.facts);
    return { summary: summarize(firing), fired: firing.fired };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** Both decisions for one request; facts are normalised once when both rule sets declare the same facts. */
function decideBoth(from: CompiledService, to: CompiledService, facts: Facts): [Decided, Decided] {
  const a = normalize(from, facts);
  const b = from.factsHash === to.factsHash ? a : normalize(to, facts);
  return [decide(from, a), decide(to, b)];
}

const outcome = (d: Decided): Outcome => ('error' in d ? d : d.summary);

/** What of a rule decides: a changed title, basis or message does not change a decision. */
const decisive = (r: CompiledRule): string =>
  JSON.stringify([r.rule.conditions, r.rule.event, r.rule.effective]);

const titleOf = (r: CompiledRule): string =>
  typeof r.rule.title === 'string' ? r.rule.title : (r.rule.title?.vi ?? r.id);

/** Rules added, removed or changed in what they decide, by id. */
function changedRules(from: CompiledService, to: CompiledService): Map<string, ImpactCauseRule> {
  const before = new Map(from.rules.map((r) => [r.id, r]));
  const after = new Map(to.rules.map((r) => [r.id, r]));
  const title = titleOf;
  const out = new Map<string, ImpactCauseRule>();
  for (const [id, r] of after) {
    const old = before.get(id);
    if (!old) out.set(id, { id, title: title(r), change: 'added' });
    else if (decisive(old) !== decisive(r)) out.set(id, { id, title: title(r), change: 'changed' });
  }
  for (const [id, r] of before) if (!after.has(id)) out.set(id, { id, title: title(r), change: 'removed' });
  return out;
}

/**
 * The rules behind one changed decision: those that fire under one rule set and not the other, and changed
 * rules that fire under both (a new amount). Rules that fire alike and did not change explain nothing.
 */
function causeOf(a: CompiledRule[], b: CompiledRule[], changed: ReadonlyMap<string, unknown>): string[] {
  const ids = new Set<string>();
  const inA = new Set(a.map((r) => r.id));
  const inB = new Set(b.map((r) => r.id));
  for (const id of inA) if (!inB.has(id) || changed.has(id)) ids.add(id);
  for (const id of inB) if (!inA.has(id) || changed.has(id)) ids.add(id);
  return [...ids].sort();
}

/**
 * The last day on which a changed rule starts or stops applying: a change announced for a later date
 * (a circular in force from 1 January) must be met by sampled requests, so the sample reaches a year past it.
 */
function lastChangeDay(
  from: CompiledService,
  to: CompiledService,
  changes: ReadonlyMap<string, ImpactCauseRule>,
): string | undefined {
  let last: string | undefined;
  for (const r of [...from.rules, ...to.rules]) {
    if (!changes.has(r.id)) continue;
    for (const day of [r.rule.effective.from, r.rule.effective.to])
      if (day && (!last || day > last)) last = day;
  }
  return last;
}

/** What a rule's event can change in a decision. */
const KINDS_OF: Record<CompiledRule['type'], readonly FlipKind[]> = {
  deny: ['eligibility', 'reasons'],
  require: ['documents'],
  fee: ['feeTotal'],
  processing: ['processing'],
  authority: ['authority'],
  notice: ['notices'],
};

function emptyDirections(): ImpactDirections {
  return {
    eligibility: { gained: 0, lost: 0 },
    documents: { added: {}, removed: {} },
    fee: { up: 0, down: 0, upBy: 0, downBy: 0 },
  };
}

function addDirections(
  d: ImpactDirections,
  a: DecisionSummary,
  b: DecisionSummary,
  kinds: readonly FlipKind[] = FLIP_KINDS,
): void {
  if (kinds.includes('eligibility')) {
    if (!a.eligible && b.eligible) d.eligibility.gained++;
    if (a.eligible && !b.eligible) d.eligibility.lost++;
  }
  if (kinds.includes('documents')) {
    for (const code of b.documents)
      if (!a.documents.includes(code)) d.documents.added[code] = (d.documents.added[code] ?? 0) + 1;
    for (const code of a.documents)
      if (!b.documents.includes(code)) d.documents.removed[code] = (d.documents.removed[code] ?? 0) + 1;
  }
  const delta = kinds.includes('feeTotal') ? b.feeTotal - a.feeTotal : 0;
  if (delta > 0) {
    d.fee.up++;
    d.fee.upBy += delta;
  } else if (delta < 0) {
    d.fee.down++;
    d.fee.downBy += delta;
  }
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
  const changes = changedRules(from, to);
  const until = lastChangeDay(from, to, changes);
  const next = sampler(from.service, {
    seed,
    ...(coverage.length ? { from: coverage[coverage.length - 1] } : {}),
    ...(until ? { until: addDays(until, 365) } : {}),
  });
  const flips = Object.fromEntries(FLIP_KINDS.map((k) => [k, 0])) as Record<FlipKind, number>;
  const examples: ImpactReport['examples'] = {};
  const errors = { from: 0, to: 0 };
  let changed = 0;
  const directions = emptyDirections();
  const causes = new Map<string, ImpactCause>();
  const ruleById = new Map([...from.rules, ...to.rules].map((r) => [r.id, r]));
  const causeFor = (id: string | null): ImpactCause => {
    const key = id ?? 'other';
    let c = causes.get(key);
    if (!c) {
      const r = id ? ruleById.get(id) : undefined;
      c = {
        key,
        rule: id ? (changes.get(id) ?? { id, title: r ? titleOf(r) : id, change: 'changed' }) : null,
        with: [],
        changed: 0,
        flips: Object.fromEntries(FLIP_KINDS.map((k) => [k, 0])) as Record<FlipKind, number>,
        ...emptyDirections(),
        examples: [],
      };
      causes.set(key, c);
    }
    return c;
  };
  const example = (kind: FlipKind | 'error', e: ImpactExample): void => {
    const list = examples[kind] ?? [];
    examples[kind] = list;
    if (list.length < keep) list.push(e);
  };
  for (let i = 0; i < n; i++) {
    const facts = next();
    const [da, db] = decideBoth(from, to, facts);
    if ('error' in da || 'error' in db) {
      if ('error' in da) errors.from++;
      if ('error' in db) errors.to++;
      if ('error' in da !== 'error' in db) {
        changed++;
        example('error', { facts, from: outcome(da), to: outcome(db) });
      }
      continue;
    }
    const a = da.summary;
    const b = db.summary;
    const kinds = flipsBetween(a, b);
    if (kinds.length === 0) continue;
    changed++;
    const e = { facts, from: a, to: b };
    for (const k of kinds) {
      flips[k]++;
      example(k, e);
    }
    addDirections(directions, a, b);
    // Each rule behind the change is credited with the part of it that its kind of event decides.
    const credited = causeOf(da.fired, db.fired, changes)
      .map((id) => ({ id, kinds: KINDS_OF[ruleById.get(id)!.type].filter((k) => kinds.includes(k)) }))
      .filter((c) => c.kinds.length > 0);
    const groups = credited.length
      ? credited.map((c) => ({ cause: causeFor(c.id), kinds: c.kinds }))
      : [{ cause: causeFor(null), kinds }];
    for (const { cause, kinds: own } of groups) {
      cause.changed++;
      for (const k of own) cause.flips[k]++;
      addDirections(cause, a, b, own);
      if (cause.examples.length < keep) cause.examples.push(e);
      for (const other of credited)
        if (other.id !== cause.key && !cause.with.includes(other.id)) cause.with.push(other.id);
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
    directions,
    causes: [...causes.values()].sort((x, y) => y.changed - x.changed || x.key.localeCompare(y.key)),
  };
}
