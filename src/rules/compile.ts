/**
 * Compiling a checked service once: facts normaliser, rules grouped into date segments (the days between
 * two window boundaries share one rule list), each rule a synchronous predicate with its outcome prepared.
 */
import { ConditionCompiler, type Predicate } from './conditions.ts';
import { addDays } from './dates.ts';
import { FactModel, FactNormalizer, type Facts, getterFor } from './facts.ts';
import { contentHash } from './hash.ts';
import type { ParsedService } from './parse.ts';
import type { EventType, Input, LocalizedText, Rule, ServiceFile, TopCondition } from './schema.ts';

export type FeeAmount =
  | { kind: 'amount'; amount: number }
  | { kind: 'unit'; unitAmount: number; units: (f: Facts) => unknown }
  | { kind: 'percent'; percent: number };

export interface CompiledRule {
  id: string;
  file: string;
  rule: Rule;
  order: number;
  type: EventType;
  test: Predicate;
  /** Reason, document, fee-line, authority or notice code. */
  code: string | undefined;
  label: LocalizedText | undefined;
  fee: FeeAmount | undefined;
  processing: { days: number; unit: 'working' | 'calendar' } | undefined;
}

export interface Segment {
  from: string;
  /** Last day included; null when open-ended. */
  to: string | null;
  rules: CompiledRule[];
}

export interface RuleSetRef {
  version: string;
  hash: string;
}

export interface CompiledService {
  id: string;
  ruleSet: RuleSetRef;
  /** Hash of the fact declarations: two rule sets with the same one normalise facts identically. */
  factsHash: string;
  title: LocalizedText;
  description: LocalizedText | undefined;
  inputs: readonly Input[];
  coverageFrom: string | undefined;
  service: ServiceFile;
  parsed: ParsedService;
  model: FactModel;
  normalizer: FactNormalizer;
  named: Readonly<Record<string, TopCondition>>;
  rules: CompiledRule[];
  segments: Segment[];
  /** Start date of each segment, ascending, for binary search. */
  starts: string[];
  compiler: ConditionCompiler;
}

function labelFor(
  service: ServiceFile,
  rule: Rule,
): { code: string | undefined; label: LocalizedText | undefined } {
  const m = service.messages;
  const pick = (
    table: Record<string, { vi?: string | undefined; en?: string | undefined }> | undefined,
    code: string,
  ) => {
    const t = table?.[code];
    return { code, label: t?.vi && t.en ? { vi: t.vi, en: t.en } : undefined };
  };
  const ev = rule.event;
  switch (ev.type) {
    case 'deny':
      return pick(m.reasons, ev.params.reason);
    case 'require':
      return pick(m.documents, ev.params.document);
    case 'fee':
      return pick(m.fees, ev.params.code);
    case 'authority':
      return 'code' in ev.params
        ? pick(m.authorities, ev.params.code)
        : { code: undefined, label: ev.params };
    case 'notice':
      return pick(m.notices, ev.params.code);
    case 'processing':
      return { code: undefined, label: undefined };
  }
}

/** The content a rule set's hash covers: what changes decisions (scenarios and file names do not). */
export function ruleSetContent(parsed: ParsedService): unknown {
  const { $schema: _schema, ...service } = parsed.service;
  return { service, rules: parsed.rules.map((r) => r.rule) };
}

export function compileService(parsed: ParsedService): CompiledService {
  const service = parsed.service;
  const model = new FactModel(service);
  const named = service.conditions ?? {};
  const compiler = new ConditionCompiler(named);
  const rules: CompiledRule[] = parsed.rules.map(({ rule, file }, order) => {
    const ev = rule.event;
    let fee: FeeAmount | undefined;
    if (ev.type === 'fee') {
      const p = ev.params;
      fee =
        'amount' in p
          ? { kind: 'amount', amount: p.amount }
          : 'percent' in p
            ? { kind: 'percent', percent: p.percent }
            : { kind: 'unit', unitAmount: p.unitAmount, units: getterFor(p.units) };
    }
    return {
      id: rule.id,
      file,
      rule,
      order,
      type: ev.type,
      test: compiler.compile(rule.conditions),
      ...labelFor(service, rule),
      fee,
      processing: ev.type === 'processing' ? ev.params : undefined,
    };
  });

  const bounds = new Set<string>();
  if (service.coverage) bounds.add(service.coverage.from);
  for (const r of rules) {
    bounds.add(r.rule.effective.from);
    if (r.rule.effective.to) bounds.add(addDays(r.rule.effective.to, 1));
  }
  const starts = [...bounds].sort();
  const segments: Segment[] = starts.map((from, i) => {
    const next = starts[i + 1];
    const to = next ? addDays(next, -1) : null;
    return {
      from,
      to,
      rules: rules.filter(
        (r) => r.rule.effective.from <= from && (!r.rule.effective.to || r.rule.effective.to >= from),
      ),
    };
  });

  return {
    id: parsed.id,
    ruleSet: { version: service.version, hash: contentHash(ruleSetContent(parsed)) },
    factsHash: contentHash({ facts: service.facts, derived: service.derived ?? [] }),
    title: service.title,
    description: service.description,
    inputs: service.inputs,
    coverageFrom: service.coverage?.from,
    service,
    parsed,
    model,
    normalizer: new FactNormalizer(model),
    named,
    rules,
    segments,
    starts,
    compiler,
  };
}

const EMPTY: Segment = { from: '0000-01-01', to: null, rules: [] };

/** The rules in force on a day (binary search over the segment starts). */
export function segmentFor(svc: CompiledService, on: string): Segment {
  const { starts, segments } = svc;
  let lo = 0;
  let hi = starts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid]! <= on) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found < 0 ? EMPTY : segments[found]!;
}
