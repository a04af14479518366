/**
 * json-rules-engine, configured the way the measurements in stack.md §5 recommend: a plain property-walk
 * path resolver (JSONPath costs about 3×) and one engine per date segment.
 */
import { Engine, type EngineResult, type PathResolver, type RuleProperties } from 'json-rules-engine';
import type { CompiledRule, CompiledService } from './compile.ts';
import type { TraceEntry } from './decision.ts';
import type { Facts } from './facts.ts';
import type { Condition, TopCondition } from './schema.ts';

const splitCache = new Map<string, string[]>();

/** `$.a.b` → value.a.b; the catalog only allows such paths (checked by the linter). */
export const walkPath: PathResolver = (value, path) => {
  let keys = splitCache.get(path);
  if (!keys) {
    keys = path.slice(2).split('.');
    splitCache.set(path, keys);
  }
  let v: unknown = value;
  for (const k of keys) {
    if (v == null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
};

/**
 * An engine holding the given rules and the service's named conditions. The engine copies conditions into
 * its own objects and evaluates on per-run copies, so the catalog's objects are passed as they are.
 */
export function buildEngine(
  rules: readonly CompiledRule[],
  named: Readonly<Record<string, TopCondition>>,
  options: { defaultPaths?: boolean } = {},
): Engine {
  const engine = new Engine([], options.defaultPaths ? {} : { pathResolver: walkPath });
  for (const [name, cond] of Object.entries(named)) engine.setCondition(name, cond as never);
  for (const r of rules) {
    engine.addRule({
      name: r.id,
      conditions: r.rule.conditions as RuleProperties['conditions'],
      event: { type: r.rule.event.type, params: { ...r.rule.event.params } },
    });
  }
  return engine;
}

/** The ids of rules whose events fired, from an engine run. */
export function firedIds(result: EngineResult): Set<string> {
  return new Set(result.results.map((r) => r.name));
}

function readFacts(cond: unknown, out: Record<string, unknown>): void {
  if (!cond || typeof cond !== 'object') return;
  const c = cond as Record<string, unknown> & Partial<Condition>;
  for (const key of ['all', 'any'] as const) {
    const list = c[key];
    if (Array.isArray(list)) for (const x of list) readFacts(x, out);
  }
  if (c.not) readFacts(c.not, out);
  if (typeof c.fact === 'string' && 'factResult' in c) {
    const name = typeof c.path === 'string' ? c.fact + c.path.slice(1) : c.fact;
    out[name] = c.factResult;
  }
}

/**
 * Runs the rules in force through json-rules-engine and turns every rule result into a trace entry.
 * A fresh engine per call: a shared engine's run status is global, so overlapping runs could skip rules.
 */
export async function traceWithEngine(
  svc: CompiledService,
  considered: readonly CompiledRule[],
  facts: Facts,
): Promise<{ trace: TraceEntry[]; fired: Set<string> }> {
  const engine = buildEngine(considered, svc.named);
  // The engine throws on a fact it has never heard of; an optional fact left out is simply undefined here.
  const runFacts: Facts = { ...facts };
  for (const top of svc.model.tops.keys()) if (!(top in runFacts)) runFacts[top] = undefined;
  const result = await engine.run(runFacts);
  const byName = new Map([...result.results, ...result.failureResults].map((r) => [r.name, r]));
  const trace: TraceEntry[] = considered.map((r) => {
    const rr = byName.get(r.id);
    const json = rr ? (rr.toJSON(false) as unknown as { conditions: unknown; result: boolean }) : undefined;
    const read: Record<string, unknown> = {};
    readFacts(json?.conditions, read);
    const entry: TraceEntry = {
      rule: r.id,
      fired: json?.result === true,
      event: { type: r.rule.event.type, params: { ...r.rule.event.params } },
      effective: { ...r.rule.effective },
      basis: r.rule.basis.map((b) => ({ ...b })),
      certainty: r.rule.certainty ?? 'confirmed',
      facts: read,
      conditions: json?.conditions,
    };
    if (r.rule.note) entry.note = r.rule.note;
    if (r.rule.title && typeof r.rule.title === 'object') entry.title = { ...r.rule.title };
    if (r.label) entry.label = { ...r.label };
    return entry;
  });
  return { trace, fired: firedIds(result) };
}
