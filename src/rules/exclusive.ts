/**
 * Can two conditions hold for the same facts? Used to prove that two fee lines with the same code (or two
 * authorities) never fire together. Sound but incomplete: "maybe" whenever the proof is out of reach.
 * The same machinery finds facts for which none of several conditions holds (a hole in the base fee, the
 * authority or the processing time of some day).
 */
import { isFactRef, isLeaf, parseOperator } from './conditions.ts';
import { exprReads, FactModel } from './facts.ts';
import type { Condition, TopCondition } from './schema.ts';

type Literal =
  | { name: string; kind: 'in' | 'notIn'; values: unknown[] }
  | { name: string; kind: 'lt' | 'lte' | 'gt' | 'gte'; bound: number };
type Term = Literal[];
type Dnf = Term[];

const MAX_TERMS = 512;

class TooBig extends Error {}

const NEGATE = { in: 'notIn', notIn: 'in', lt: 'gte', gte: 'lt', lte: 'gt', gt: 'lte' } as const;

/** Facts for which none of the conditions holds; `exact` is false when an unmodelled leaf was assumed. */
export interface Gap {
  witness: string;
  exact: boolean;
}

export class ExclusivityChecker {
  private readonly model: FactModel;
  private readonly named: Readonly<Record<string, TopCondition>>;
  /** Set while building a DNF when a leaf could not be modelled and was taken as "may hold either way". */
  private approximated = false;

  constructor(model: FactModel, named: Readonly<Record<string, TopCondition>> = {}) {
    this.model = model;
    this.named = named;
  }

  /** true: never both true; false: may be both true; null: too large to decide. */
  exclusive(a: Condition, b: Condition): boolean | null {
    let da: Dnf;
    let db: Dnf;
    try {
      da = this.dnf(a, false, new Set());
      db = this.dnf(b, false, new Set());
    } catch (err) {
      if (err instanceof TooBig) return null;
      throw err;
    }
    for (const ta of da) for (const tb of db) if (this.satisfiable([...ta, ...tb])) return false;
    return true;
  }

  /**
   * Facts for which every one of the conditions is false: null when there are none (proven), the first
   * such combination otherwise, undefined when the proof is too large to attempt.
   */
  gap(conds: readonly Condition[]): Gap | null | undefined {
    this.approximated = false;
    let terms: Dnf;
    try {
      // "none holds" = all of the negations; an empty list leaves every request uncovered.
      terms = conds.length === 0 ? [[]] : this.dnf({ any: [...conds] }, true, new Set());
    } catch (err) {
      if (err instanceof TooBig) return undefined;
      throw err;
    }
    for (const term of terms) {
      if (this.satisfiable(term)) return { witness: describeTerm(term), exact: !this.approximated };
    }
    return null;
  }

  private dnf(cond: Condition, negate: boolean, seen: Set<string>): Dnf {
    if (isLeaf(cond)) return this.leaf(cond, negate);
    if ('not' in cond) return this.dnf(cond.not, !negate, seen);
    if ('condition' in cond) {
      const target = this.named[cond.condition];
      if (!target || seen.has(cond.condition)) {
        this.approximated = true;
        return [[]];
      }
      return this.dnf(target, negate, new Set([...seen, cond.condition]));
    }
    const children = 'all' in cond ? cond.all : cond.any;
    // An empty group always holds in json-rules-engine, `any` included.
    if (children.length === 0) return negate ? [] : [[]];
    const conjunctive = 'all' in cond !== negate;
    const parts = children.map((c) => this.dnf(c, negate, seen));
    if (conjunctive) {
      let acc: Dnf = [[]];
      for (const p of parts) {
        const next: Dnf = [];
        for (const t1 of acc) for (const t2 of p) next.push([...t1, ...t2]);
        if (next.length > MAX_TERMS) throw new TooBig();
        acc = next;
      }
      return acc;
    }
    const union = parts.flat();
    if (union.length > MAX_TERMS) throw new TooBig();
    return union;
  }

  private leaf(
    leaf: { fact: string; path?: string | undefined; operator: string; value: unknown },
    negate: boolean,
  ): Dnf {
    const name = FactModel.nameOf(leaf.fact, leaf.path);
    const parsed = parseOperator(leaf.operator);
    const type = this.model.get(name)?.type;
    if (!parsed || parsed.decorators.length > 0 || isFactRef(leaf.value) || !type) {
      this.approximated = true;
      return [[]];
    }
    let lit: Literal | undefined;
    const v = leaf.value;
    switch (parsed.base) {
      case 'equal':
        lit = { name, kind: 'in', values: [v] };
        break;
      case 'notEqual':
        lit = { name, kind: 'notIn', values: [v] };
        break;
      case 'in':
        if (Array.isArray(v)) lit = { name, kind: 'in', values: v };
        break;
      case 'notIn':
        if (Array.isArray(v)) lit = { name, kind: 'notIn', values: v };
        break;
      case 'lessThan':
      case 'lessThanInclusive':
      case 'greaterThan':
      case 'greaterThanInclusive':
        // Numeric operators are false on non-numbers, so their negation is only exact for numeric facts
        // that always have a value.
        if (typeof v === 'number' && (type === 'integer' || type === 'number') && !this.mayBeMissing(name)) {
          const kind = (
            {
              lessThan: 'lt',
              lessThanInclusive: 'lte',
              greaterThan: 'gt',
              greaterThanInclusive: 'gte',
            } as const
          )[parsed.base];
          lit = { name, kind, bound: v };
        }
        break;
    }
    if (!lit) {
      this.approximated = true;
      return [[]];
    }
    if (negate) lit = { ...lit, kind: NEGATE[lit.kind] } as Literal;
    return [[lit]];
  }

  /** An optional fact without a default stays undefined, which `notIn` and `notEqual` accept. */
  private mayBeMissing(name: string, seen = new Set<string>()): boolean {
    const info = this.model.get(name);
    if (!info || seen.has(name)) return true;
    seen.add(name);
    if (info.kind === 'derived') return exprReads(info.derived!.expr).some((n) => this.mayBeMissing(n, seen));
    const decl = info.decl!;
    if (decl.required) return false;
    const d = decl.default as unknown;
    if (d === undefined) return true;
    return d !== null && typeof d === 'object' && 'fact' in d
      ? this.mayBeMissing((d as { fact: string }).fact, seen)
      : false;
  }

  private domain(name: string): unknown[] | null {
    const info = this.model.get(name);
    if (!info) return null;
    const missing = this.mayBeMissing(name) ? [undefined] : [];
    if (info.type === 'boolean') return [true, false, ...missing];
    const decl = info.decl;
    if (decl && (decl.type === 'string' || decl.type === 'integer') && decl.enum)
      return [...decl.enum, ...missing];
    return null;
  }

  private satisfiable(term: Term): boolean {
    const byName = new Map<string, Literal[]>();
    for (const lit of term) {
      const list = byName.get(lit.name);
      if (list) list.push(lit);
      else byName.set(lit.name, [lit]);
    }
    for (const [name, lits] of byName) if (!this.satisfiableFor(name, lits)) return false;
    return true;
  }

  private satisfiableFor(name: string, lits: Literal[]): boolean {
    let allowed: unknown[] | null = this.domain(name);
    const excluded = new Set<unknown>();
    let lo = Number.NEGATIVE_INFINITY;
    let loStrict = false;
    let hi = Number.POSITIVE_INFINITY;
    let hiStrict = false;
    for (const lit of lits) {
      if (lit.kind === 'in')
        allowed = allowed ? allowed.filter((x) => lit.values.includes(x)) : [...lit.values];
      else if (lit.kind === 'notIn') for (const x of lit.values) excluded.add(x);
      else if (lit.kind === 'lt' || lit.kind === 'lte') {
        if (lit.bound < hi || (lit.bound === hi && lit.kind === 'lt')) {
          hi = lit.bound;
          hiStrict = lit.kind === 'lt';
        }
      } else if (lit.kind === 'gt' || lit.kind === 'gte') {
        if (lit.bound < lo || (lit.bound === lo && lit.kind === 'gte')) continue;
        lo = lit.bound;
        loStrict = lit.kind === 'gt';
      }
    }
    const inRange = (x: unknown): boolean => {
      const hasBounds = lo !== Number.NEGATIVE_INFINITY || hi !== Number.POSITIVE_INFINITY;
      if (!hasBounds) return true;
      if (typeof x !== 'number') return false;
      return (loStrict ? x > lo : x >= lo) && (hiStrict ? x < hi : x <= hi);
    };
    if (allowed) return allowed.some((x) => !excluded.has(x) && inRange(x));
    const integer = this.model.get(name)?.type === 'integer';
    if (!integer) return loStrict || hiStrict ? lo < hi : lo <= hi;
    const first = loStrict ? Math.floor(lo) + 1 : Math.ceil(lo);
    const last = hiStrict ? Math.ceil(hi) - 1 : Math.floor(hi);
    if (first > last) return false;
    if (last - first > 10_000) return true;
    for (let x = first; x <= last; x++) if (!excluded.has(x)) return true;
    return false;
  }
}

const SHOW = { in: 'in', notIn: 'not in', lt: '<', lte: '<=', gt: '>', gte: '>=' } as const;

/** `feeCategory not in ["poor"] and subject.age >= 16`, or "any request" for an empty term. */
function describeTerm(term: Term): string {
  if (term.length === 0) return 'any request';
  return term
    .map((l) =>
      'values' in l
        ? `${l.name} ${SHOW[l.kind]} ${JSON.stringify(l.values)}`
        : `${l.name} ${SHOW[l.kind]} ${l.bound}`,
    )
    .join(' and ');
}
