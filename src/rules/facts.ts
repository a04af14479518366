/**
 * The facts a service accepts: a model built from its declarations, the zod validator for incoming facts,
 * defaults, and derived facts computed once per decision (ages on the decision date, extra copies, …).
 */
import { z } from 'zod';
import { ageOn, isCalendarDate, todayInVietnam } from './dates.ts';
import { FactError } from './errors.ts';
import type { DerivedFact, Expr, FactDecl, ServiceFile } from './schema.ts';

export type FactType = 'boolean' | 'integer' | 'number' | 'string' | 'date';
export type Facts = Record<string, unknown>;

export interface FactInfo {
  name: string;
  type: FactType;
  kind: 'input' | 'derived';
  decl?: FactDecl;
  derived?: DerivedFact;
}

/** Every fact name a service knows, with its type; top-level ids are either scalars or objects. */
export class FactModel {
  readonly facts = new Map<string, FactInfo>();
  /** Top-level fact id → 'scalar' or 'object' (a parent of dotted names). */
  readonly tops = new Map<string, 'scalar' | 'object'>();

  constructor(service: Pick<ServiceFile, 'facts' | 'derived'>) {
    for (const decl of service.facts) this.add({ name: decl.name, type: decl.type, kind: 'input', decl });
    for (const derived of service.derived ?? []) {
      this.add({ name: derived.name, type: derived.type, kind: 'derived', derived });
    }
  }

  private add(info: FactInfo): void {
    if (!this.facts.has(info.name)) this.facts.set(info.name, info);
    const top = info.name.split('.')[0]!;
    const shape = info.name.includes('.') ? 'object' : 'scalar';
    if (!this.tops.has(top)) this.tops.set(top, shape);
  }

  get(name: string): FactInfo | undefined {
    return this.facts.get(name);
  }

  /** The dotted name a json-rules-engine reference (`fact` + `$.path`) reads. */
  static nameOf(fact: string, path: string | undefined): string {
    return path ? fact + path.slice(1) : fact;
  }

  inputDecls(): FactDecl[] {
    return [...this.facts.values()].filter((f) => f.kind === 'input').map((f) => f.decl!);
  }

  derivedFacts(): DerivedFact[] {
    return [...this.facts.values()].filter((f) => f.kind === 'derived').map((f) => f.derived!);
  }
}

/** Names a derived expression reads. */
export function exprReads(expr: Expr, out: string[] = []): string[] {
  if (typeof expr === 'number') return out;
  if (typeof expr === 'string') {
    out.push(expr);
    return out;
  }
  if ('age' in expr) {
    out.push(expr.age.of, expr.age.on);
    return out;
  }
  const args =
    'add' in expr
      ? expr.add
      : 'sub' in expr
        ? expr.sub
        : 'mul' in expr
          ? expr.mul
          : 'min' in expr
            ? expr.min
            : expr.max;
  for (const a of args) exprReads(a, out);
  return out;
}

/** Facts a declaration's default or bound reads. */
export function declReads(decl: FactDecl): string[] {
  const out: string[] = [];
  const d = decl.default as unknown;
  if (d && typeof d === 'object' && 'fact' in d) out.push((d as { fact: string }).fact);
  if (decl.type === 'date' && decl.notAfter) out.push(decl.notAfter);
  return out;
}

/** Orders names so each comes after the names it depends on; returns null names caught in a cycle. */
export function topoOrder(
  names: string[],
  deps: (name: string) => string[],
): { order: string[]; cycle: string[] } {
  const order: string[] = [];
  const state = new Map<string, 1 | 2>();
  const cycle: string[] = [];
  const set = new Set(names);
  const visit = (n: string): void => {
    const s = state.get(n);
    if (s === 2) return;
    if (s === 1) {
      cycle.push(n);
      return;
    }
    state.set(n, 1);
    for (const d of deps(n)) if (set.has(d)) visit(d);
    state.set(n, 2);
    order.push(n);
  };
  for (const n of names) visit(n);
  return { order, cycle };
}

export function describeFact(decl: FactDecl): string {
  switch (decl.type) {
    case 'boolean':
      return 'true or false';
    case 'integer':
      if (decl.enum) return `one of ${decl.enum.join(', ')}`;
      if (decl.min !== undefined && decl.max !== undefined)
        return `an integer from ${decl.min} to ${decl.max}`;
      if (decl.min !== undefined) return `an integer of at least ${decl.min}`;
      if (decl.max !== undefined) return `an integer of at most ${decl.max}`;
      return 'an integer';
    case 'string':
      if (decl.enum) return `one of ${decl.enum.join(', ')}`;
      if (decl.pattern) return `a text matching ${decl.pattern}`;
      return 'a text';
    case 'date':
      return 'a date YYYY-MM-DD';
  }
}

function leafSchema(decl: FactDecl): z.ZodType {
  switch (decl.type) {
    case 'boolean':
      return z.boolean();
    case 'integer': {
      if (decl.enum) return z.literal(decl.enum as [number, ...number[]]);
      let s = z.int();
      if (decl.min !== undefined) s = s.min(decl.min);
      if (decl.max !== undefined) s = s.max(decl.max);
      return s;
    }
    case 'string':
      if (decl.enum) return z.enum(decl.enum as [string, ...string[]]);
      return decl.pattern ? z.string().regex(new RegExp(decl.pattern)) : z.string();
    case 'date':
      // isCalendarDate checks the YYYY-MM-DD shape itself.
      return z.string().refine(isCalendarDate);
  }
}

interface Node {
  decl?: FactDecl;
  children: Map<string, Node>;
}

function requiredBelow(node: Node): boolean {
  if (node.decl) return node.decl.required === true;
  for (const c of node.children.values()) if (requiredBelow(c)) return true;
  return false;
}

/** The dotted name of the first required fact at or below a node: what a missing object really lacks. */
function firstRequiredBelow(node: Node, name: string): string | undefined {
  if (node.decl) return node.decl.required === true ? name : undefined;
  for (const [key, child] of node.children) {
    const found = firstRequiredBelow(child, `${name}.${key}`);
    if (found) return found;
  }
  return undefined;
}

function nodeSchema(node: Node): z.ZodType {
  if (node.decl) return node.decl.required ? leafSchema(node.decl) : leafSchema(node.decl).optional();
  const shape: Record<string, z.ZodType> = {};
  for (const [key, child] of node.children) shape[key] = nodeSchema(child);
  // Unknown keys are refused by `unknownFact` before zod runs: zod's strict objects skip its fast path.
  const obj = z.object(shape);
  return requiredBelow(node) ? obj : obj.optional();
}

/** The first key of the input that names no declared fact, as a dotted name. */
function unknownFact(node: Node, input: Facts, prefix: string): string | undefined {
  for (const key in input) {
    const child = node.children.get(key);
    const name = prefix + key;
    if (!child) return name;
    const value = input[key];
    if (!child.decl && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const deeper = unknownFact(child, value as Facts, `${name}.`);
      if (deeper) return deeper;
    }
  }
  return undefined;
}

type Getter = (o: Facts) => unknown;
type Setter = (o: Facts, v: unknown) => void;

export function getterFor(name: string): Getter {
  const keys = name.split('.');
  const [k0, k1, k2] = keys as [string, string?, string?];
  if (keys.length === 1) return (o) => o[k0];
  if (keys.length === 2) {
    return (o) => {
      const p = o[k0] as Facts | undefined;
      return p == null ? undefined : p[k1!];
    };
  }
  if (keys.length === 3) {
    return (o) => {
      const p = o[k0] as Facts | undefined;
      const q = p == null ? undefined : (p[k1!] as Facts | undefined);
      return q == null ? undefined : q[k2!];
    };
  }
  return (o) => {
    let v: unknown = o;
    for (const k of keys) {
      if (v == null || typeof v !== 'object') return undefined;
      v = (v as Facts)[k];
    }
    return v;
  };
}

export function setterFor(name: string): Setter {
  const keys = name.split('.');
  const last = keys.pop()!;
  return (o, v) => {
    let p = o;
    for (const k of keys) {
      let next = p[k] as Facts | undefined;
      if (next == null) {
        next = {};
        p[k] = next;
      }
      p = next;
    }
    p[last] = v;
  };
}

/**
 * A copy of `facts` with one dotted fact set, or removed when `value` is undefined. Objects on the path are
 * copied and the rest shared, so the facts given are never changed.
 */
export function withFact(facts: Facts, name: string, value: unknown): Facts {
  const keys = name.split('.');
  const last = keys.pop()!;
  const out: Facts = { ...facts };
  let p = out;
  for (const k of keys) {
    const current = p[k];
    const next: Facts = current !== null && typeof current === 'object' ? { ...(current as Facts) } : {};
    p[k] = next;
    p = next;
  }
  if (value === undefined) delete p[last];
  else p[last] = value;
  return out;
}

function compileExpr(expr: Expr): (f: Facts) => number | undefined {
  if (typeof expr === 'number') return () => expr;
  if (typeof expr === 'string') {
    const get = getterFor(expr);
    return (f) => get(f) as number | undefined;
  }
  if ('age' in expr) {
    const of = getterFor(expr.age.of);
    const on = getterFor(expr.age.on);
    return (f) => {
      const a = of(f);
      const b = on(f);
      return typeof a === 'string' && typeof b === 'string' ? ageOn(a, b) : undefined;
    };
  }
  const reduce = (args: Expr[], op: (a: number, b: number) => number) => {
    const fns = args.map(compileExpr);
    return (f: Facts) => {
      let acc: number | undefined;
      for (const fn of fns) {
        const v = fn(f);
        if (v === undefined) return undefined;
        acc = acc === undefined ? v : op(acc, v);
      }
      return acc;
    };
  };
  if ('add' in expr) return reduce(expr.add, (a, b) => a + b);
  if ('sub' in expr) return reduce(expr.sub, (a, b) => a - b);
  if ('mul' in expr) return reduce(expr.mul, (a, b) => a * b);
  if ('min' in expr) return reduce(expr.min, Math.min);
  return reduce(expr.max, Math.max);
}

interface DefaultStep {
  name: string;
  get: Getter;
  set: Setter;
  value: (f: Facts) => unknown;
}

interface BoundStep {
  name: string;
  bound: string;
  get: Getter;
  getBound: Getter;
}

/**
 * Validates incoming facts against the declarations and completes them: defaults, then derived facts.
 * Built once per rule set; `normalize` runs once per decision.
 */
export class FactNormalizer {
  private readonly schema: z.ZodType;
  private readonly tree: Node = { children: new Map() };
  private readonly defaults: DefaultStep[] = [];
  private readonly bounds: BoundStep[] = [];
  private readonly derived: { set: Setter; fn: (f: Facts) => number | undefined }[] = [];
  private readonly objectTops: string[] = [];
  readonly model: FactModel;

  constructor(model: FactModel) {
    this.model = model;
    const decls = model.inputDecls();
    for (const decl of decls) {
      let node = this.tree;
      for (const key of decl.name.split('.')) {
        let child = node.children.get(key);
        if (!child) {
          child = { children: new Map() };
          node.children.set(key, child);
        }
        node = child;
      }
      node.decl = decl;
    }
    const shape: Record<string, z.ZodType> = {};
    for (const [key, child] of this.tree.children) {
      shape[key] = nodeSchema(child);
      if (!child.decl) this.objectTops.push(key);
    }
    this.schema = z.object(shape);

    const byName = new Map(decls.map((d) => [d.name, d]));
    const { order } = topoOrder(
      decls.map((d) => d.name),
      (n) => declReads(byName.get(n)!),
    );
    for (const name of order) {
      const decl = byName.get(name)!;
      const d = decl.default as unknown;
      if (d === undefined) continue;
      let value: (f: Facts) => unknown;
      if (d && typeof d === 'object' && 'fact' in d) value = getterFor((d as { fact: string }).fact);
      else if (d && typeof d === 'object' && 'today' in d) value = () => todayInVietnam();
      else value = () => d;
      this.defaults.push({ name, get: getterFor(name), set: setterFor(name), value });
    }
    for (const decl of decls) {
      if (decl.type === 'date' && decl.notAfter) {
        this.bounds.push({
          name: decl.name,
          bound: decl.notAfter,
          get: getterFor(decl.name),
          getBound: getterFor(decl.notAfter),
        });
      }
    }
    const derived = model.derivedFacts();
    const byDerived = new Map(derived.map((d) => [d.name, d]));
    const { order: dOrder } = topoOrder(
      derived.map((d) => d.name),
      (n) => exprReads(byDerived.get(n)!.expr),
    );
    for (const name of dOrder) {
      const d = byDerived.get(name)!;
      this.derived.push({ set: setterFor(name), fn: compileExpr(d.expr) });
    }
  }

  /**
   * Facts ready for the rules. `partial` (for deciding which question to ask next) tolerates missing
   * required facts and leaves what cannot be computed undefined.
   */
  normalize(raw: unknown, options: { on?: string | undefined; partial?: boolean } = {}): Facts {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      throw new FactError('', 'Facts must be a JSON object');
    }
    const input = options.on === undefined ? raw : { ...(raw as Facts), on: options.on };
    const unknown = unknownFact(this.tree, input as Facts, '');
    if (unknown) throw new FactError(unknown, `Unknown fact "${unknown}"`);
    const result = options.partial ? this.partialSchema().safeParse(input) : this.schema.safeParse(input);
    if (!result.success) throw this.factError(result.error, input as Facts);
    const facts = result.data as Facts;
    for (const top of this.objectTops) if (facts[top] == null) facts[top] = {};
    for (const step of this.defaults) {
      if (step.get(facts) === undefined) {
        const v = step.value(facts);
        if (v !== undefined) step.set(facts, v);
      }
    }
    for (const b of this.bounds) {
      const v = b.get(facts);
      const bound = b.getBound(facts);
      if (typeof v === 'string' && typeof bound === 'string' && v > bound) {
        throw new FactError(b.name, `Fact "${b.name}" (${v}) is later than "${b.bound}" (${bound})`);
      }
    }
    for (const d of this.derived) d.set(facts, d.fn(facts));
    return facts;
  }

  private partial: z.ZodType | undefined;
  private partialSchema(): z.ZodType {
    if (!this.partial) {
      const strip = (node: Node): Node => ({
        ...(node.decl ? { decl: { ...node.decl, required: false } as FactDecl } : {}),
        children: new Map([...node.children].map(([k, c]) => [k, strip(c)])),
      });
      const shape: Record<string, z.ZodType> = {};
      for (const [key, child] of this.tree.children) shape[key] = nodeSchema(strip(child));
      this.partial = z.object(shape);
    }
    return this.partial;
  }

  private factError(error: z.ZodError, input: Facts): FactError {
    const issue = error.issues[0]!;
    const at = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      const name = [...at, issue.keys[0]].join('.');
      return new FactError(name, `Unknown fact "${name}"`);
    }
    const name = at.join('.');
    const decl = this.model.get(name)?.decl;
    const received = getterFor(name)(input);
    if (received === undefined) {
      // A missing object of facts ("requester") is reported by the fact the caller has to give.
      const node = at.reduce<Node | undefined>((n, k) => n?.children.get(k), this.tree);
      const missing = (node && firstRequiredBelow(node, name)) ?? name;
      return new FactError(missing, `Fact "${missing}" is required`);
    }
    if (!decl)
      return new FactError(
        name,
        `Fact "${name}" must be an object of facts; got ${JSON.stringify(received)}`,
      );
    return new FactError(
      name,
      `Fact "${name}" must be ${describeFact(decl)}; got ${JSON.stringify(received)}`,
    );
  }
}
