/**
 * Static checks of a catalog. json-rules-engine accepts many mistakes silently (a typo in a path reads
 * `undefined` and a `notIn` rule then fires; an unknown operator only fails when evaluated), so every
 * reference is checked here. A catalog with any error is never loaded.
 */
import { conditionReads, isFactRef, NUMERIC_OPERATORS, parseOperator, walkCondition } from './conditions.ts';
import { addDays } from './dates.ts';
import { ExclusivityChecker } from './exclusive.ts';
import { declReads, exprReads, type FactInfo, FactModel, FactNormalizer, topoOrder } from './facts.ts';
import type { Finding, Severity } from './lint-types.ts';
import { type LocatedRule, type ParsedService, parseExplain, parseService } from './parse.ts';
import type { Condition, Expr, FactDecl, Input, ServiceFile, TopCondition } from './schema.ts';
import { type CatalogSource, readCatalogDir, type ServiceSource } from './source.ts';

export type { Finding } from './lint-types.ts';

class Findings {
  readonly list: Finding[] = [];
  add(
    severity: Severity,
    file: string,
    rule: string | null,
    path: string,
    code: string,
    message: string,
  ): void {
    this.list.push({ severity, file, rule, path, code, message });
  }
  error(file: string, rule: string | null, path: string, code: string, message: string): void {
    this.add('error', file, rule, path, code, message);
  }
  warn(file: string, rule: string | null, path: string, code: string, message: string): void {
    this.add('warning', file, rule, path, code, message);
  }
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(
        d[i - 1]![j]! + 1,
        d[i]![j - 1]! + 1,
        d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
  }
  return d[a.length]![b.length]!;
}

function suggest(name: string, known: Iterable<string>): string {
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const k of known) {
    const dd = distance(name.toLowerCase(), k.toLowerCase());
    if (dd < bestD) {
      bestD = dd;
      best = k;
    }
  }
  return best && bestD <= Math.max(2, Math.floor(name.length / 3)) ? ` (did you mean "${best}"?)` : '';
}

function typeOfValue(v: unknown): string {
  return Array.isArray(v) ? 'list' : v === null ? 'null' : typeof v;
}

/** Does a literal fit the declared type of a fact? Returns a reason when it does not. */
function valueMismatch(info: FactInfo, v: unknown): string | null {
  const decl = info.decl;
  switch (info.type) {
    case 'boolean':
      return typeof v === 'boolean' ? null : `expected true or false, got ${JSON.stringify(v)}`;
    case 'integer':
    case 'number':
      if (typeof v !== 'number') return `expected a number, got ${JSON.stringify(v)}`;
      if (decl?.type === 'integer' && decl.enum && !decl.enum.includes(v)) {
        return `${v} is not one of ${decl.enum.join(', ')}`;
      }
      return null;
    case 'string':
      if (typeof v !== 'string') return `expected a text, got ${JSON.stringify(v)}`;
      if (decl?.type === 'string' && decl.enum && !decl.enum.includes(v)) {
        return `"${v}" is not one of ${decl.enum.join(', ')}`;
      }
      if (decl?.type === 'string' && decl.pattern && !new RegExp(decl.pattern).test(v)) {
        return `"${v}" does not match ${decl.pattern}`;
      }
      return null;
    case 'date':
      return typeof v === 'string' ? null : `expected a date, got ${JSON.stringify(v)}`;
  }
}

interface Ctx {
  parsed: ParsedService;
  service: ServiceFile;
  model: FactModel;
  named: Record<string, TopCondition>;
  out: Findings;
}

/** Checks one fact reference (`fact` + `$.path`); returns the fact when it is known. */
function checkReference(
  ctx: Ctx,
  file: string,
  item: string | null,
  at: string,
  fact: string,
  path: string | undefined,
): FactInfo | undefined {
  const { model, out } = ctx;
  const shape = model.tops.get(fact);
  if (!shape) {
    out.error(file, item, at, 'unknown_fact', `unknown fact "${fact}"${suggest(fact, model.tops.keys())}`);
    return undefined;
  }
  if (shape === 'scalar' && path) {
    out.error(file, item, at, 'unknown_path', `fact "${fact}" is a single value; it has no path "${path}"`);
    return undefined;
  }
  if (shape === 'object' && !path) {
    out.error(file, item, at, 'unknown_path', `fact "${fact}" is an object; name a path such as "$.…"`);
    return undefined;
  }
  const name = FactModel.nameOf(fact, path);
  const info = model.get(name);
  if (!info) {
    const siblings = [...model.facts.keys()].filter((k) => k.startsWith(`${fact}.`));
    const hint = suggest(name, siblings);
    out.error(file, item, at, 'unknown_path', `unknown fact path "${path}" of "${fact}"${hint}`);
  }
  return info;
}

function checkCondition(ctx: Ctx, file: string, item: string | null, at: string, cond: Condition): void {
  const { out, named } = ctx;
  walkCondition(
    cond,
    {
      leaf: (leaf, p) => {
        const info = checkReference(ctx, file, item, `${p}`, leaf.fact, leaf.path);
        const op = parseOperator(leaf.operator);
        if (!op) {
          out.error(file, item, `${p}.operator`, 'unknown_operator', `unknown operator "${leaf.operator}"`);
          return;
        }
        if (isFactRef(leaf.value)) {
          checkReference(ctx, file, item, `${p}.value`, leaf.value.fact, leaf.value.path);
          return;
        }
        if (!info || op.decorators.length > 0) return;
        const v = leaf.value;
        const base = op.base;
        if (base === 'in' || base === 'notIn') {
          if (!Array.isArray(v)) {
            out.error(
              file,
              item,
              `${p}.value`,
              'value_type',
              `"${base}" needs a list, got ${typeOfValue(v)}`,
            );
            return;
          }
          for (const [i, x] of v.entries()) {
            const why = valueMismatch(info, x);
            if (why) out.error(file, item, `${p}.value[${i}]`, 'value_type', `${info.name}: ${why}`);
          }
        } else if (base === 'equal' || base === 'notEqual') {
          const why = valueMismatch(info, v);
          if (why) out.error(file, item, `${p}.value`, 'value_type', `${info.name}: ${why}`);
        } else if (NUMERIC_OPERATORS.has(base)) {
          if (info.type !== 'integer' && info.type !== 'number') {
            const hint =
              info.type === 'date' ? '; compare dates through a derived fact or the effective window' : '';
            out.error(
              file,
              item,
              `${p}.operator`,
              'value_type',
              `"${base}" needs a numeric fact; ${info.name} is a ${info.type}${hint}`,
            );
          } else if (typeof v !== 'number') {
            out.error(
              file,
              item,
              `${p}.value`,
              'value_type',
              `"${base}" needs a number, got ${typeOfValue(v)}`,
            );
          }
        } else {
          out.error(
            file,
            item,
            `${p}.operator`,
            'value_type',
            `"${base}" needs a list-valued fact; ${info.name} is a ${info.type}`,
          );
        }
      },
      ref: (name, p) => {
        if (!(name in named)) {
          out.error(
            file,
            item,
            p,
            'unknown_condition',
            `no named condition "${name}"${suggest(name, Object.keys(named))}`,
          );
        }
      },
    },
    at,
  );
}

function checkFacts(ctx: Ctx): void {
  const { service, model, out, parsed } = ctx;
  const file = parsed.serviceFile;
  const seen = new Set<string>();
  const all = [
    ...service.facts.map((f, i) => ({ name: f.name, at: `$.facts[${i}]` })),
    ...(service.derived ?? []).map((f, i) => ({ name: f.name, at: `$.derived[${i}]` })),
  ];
  for (const { name, at } of all) {
    if (seen.has(name)) out.error(file, name, at, 'duplicate_fact', `fact "${name}" is declared twice`);
    seen.add(name);
    const top = name.split('.')[0]!;
    if (model.tops.get(top) !== (name.includes('.') ? 'object' : 'scalar')) {
      out.error(file, name, at, 'fact_conflict', `"${top}" is both a single fact and an object of facts`);
    }
  }
  const on = model.get('on');
  if (on?.type !== 'date' || on.kind !== 'input') {
    out.error(
      file,
      null,
      '$.facts',
      'missing_on_fact',
      'every service declares the decision date as a date fact "on"',
    );
  }
  service.facts.forEach((decl, i) => {
    const at = `$.facts[${i}]`;
    if (decl.type === 'string' && decl.pattern) {
      try {
        new RegExp(decl.pattern);
      } catch {
        out.error(
          file,
          decl.name,
          `${at}.pattern`,
          'bad_pattern',
          `pattern ${decl.pattern} is not a regular expression`,
        );
      }
    }
    const d = decl.default as unknown;
    if (d !== undefined) {
      if (d && typeof d === 'object' && 'fact' in d) {
        const ref = model.get((d as { fact: string }).fact);
        if (!ref)
          out.error(
            file,
            decl.name,
            `${at}.default`,
            'unknown_fact',
            `default refers to unknown fact "${(d as { fact: string }).fact}"`,
          );
        else if (ref.type !== decl.type) {
          out.error(
            file,
            decl.name,
            `${at}.default`,
            'default_type',
            `default fact ${ref.name} is a ${ref.type}, not a ${decl.type}`,
          );
        }
      } else if (!(d && typeof d === 'object' && 'today' in d)) {
        const why = valueMismatch({ name: decl.name, type: decl.type, kind: 'input', decl }, d);
        if (why) out.error(file, decl.name, `${at}.default`, 'default_type', why);
        if (decl.type === 'integer' && typeof d === 'number') {
          if ((decl.min !== undefined && d < decl.min) || (decl.max !== undefined && d > decl.max)) {
            out.error(file, decl.name, `${at}.default`, 'default_type', `default ${d} is outside the bounds`);
          }
        }
      }
    }
    if (decl.type === 'date' && decl.notAfter && model.get(decl.notAfter)?.type !== 'date') {
      out.error(
        file,
        decl.name,
        `${at}.notAfter`,
        'unknown_fact',
        `notAfter must name a date fact, not "${decl.notAfter}"`,
      );
    }
  });
  const byName = new Map(service.facts.map((f) => [f.name, f] as const));
  const { cycle } = topoOrder([...byName.keys()], (n) => declReads(byName.get(n)!));
  for (const n of cycle)
    out.error(file, n, '$.facts', 'default_cycle', `defaults of "${n}" refer back to it`);

  (service.derived ?? []).forEach((d, i) => {
    const at = `$.derived[${i}].expr`;
    const checkExpr = (e: Expr): void => {
      if (typeof e === 'string') {
        const info = model.get(e);
        if (!info)
          out.error(file, d.name, at, 'unknown_fact', `unknown fact "${e}"${suggest(e, model.facts.keys())}`);
        else if (info.type !== 'integer' && info.type !== 'number') {
          out.error(file, d.name, at, 'expr_type', `"${e}" is a ${info.type}; arithmetic needs numbers`);
        }
      } else if (typeof e === 'object' && 'age' in e) {
        for (const n of [e.age.of, e.age.on]) {
          if (model.get(n)?.type !== 'date')
            out.error(file, d.name, at, 'expr_type', `age needs date facts; "${n}" is not one`);
        }
      } else if (typeof e === 'object') {
        for (const x of Object.values(e)[0] as Expr[]) checkExpr(x);
      }
    };
    checkExpr(d.expr);
  });
  const derived = new Map((service.derived ?? []).map((d) => [d.name, d] as const));
  const dc = topoOrder([...derived.keys()], (n) => exprReads(derived.get(n)!.expr));
  for (const n of dc.cycle)
    out.error(file, n, '$.derived', 'derived_cycle', `derived fact "${n}" depends on itself`);
}

function overlaps(a: LocatedRule, b: LocatedRule): boolean {
  const aTo = a.rule.effective.to ?? '9999-12-31';
  const bTo = b.rule.effective.to ?? '9999-12-31';
  return a.rule.effective.from <= bTo && b.rule.effective.from <= aTo;
}

function checkRules(ctx: Ctx): Set<string> {
  const { parsed, service, model, out } = ctx;
  const used = {
    reasons: new Set<string>(),
    documents: new Set<string>(),
    fees: new Set<string>(),
    authorities: new Set<string>(),
  };
  const ids = new Map<string, string>();
  const messages = service.messages;
  const need = (kind: keyof typeof used, code: string, r: LocatedRule, at: string): void => {
    used[kind].add(code);
    const m = messages[kind]?.[code];
    const missing = !m ? ['vi', 'en'] : (['vi', 'en'] as const).filter((l) => !m[l]);
    if (missing.length > 0) {
      out.error(
        r.file,
        r.rule.id,
        at,
        'missing_message',
        `${kind} code "${code}" has no ${missing.join(' or ')} message`,
      );
    }
  };
  for (const r of parsed.rules) {
    const { rule, file, at } = r;
    const prev = ids.get(rule.id);
    if (prev)
      out.error(
        file,
        rule.id,
        `${at}.id`,
        'duplicate_rule_id',
        `rule id "${rule.id}" is also used in ${prev}`,
      );
    else ids.set(rule.id, file);
    if (rule.effective.to && rule.effective.to < rule.effective.from) {
      out.error(
        file,
        rule.id,
        `${at}.effective`,
        'window_inverted',
        `effective window ends (${rule.effective.to}) before it starts (${rule.effective.from})`,
      );
    }
    if (service.coverage && rule.effective.to && rule.effective.to < service.coverage.from) {
      out.warn(
        file,
        rule.id,
        `${at}.effective`,
        'outside_coverage',
        `rule ends before the rule set's coverage starts (${service.coverage.from})`,
      );
    }
    if (typeof rule.title === 'string') {
      out.warn(
        file,
        rule.id,
        `${at}.title`,
        'title_not_localized',
        'the title is English only; give it as {"vi": "…", "en": "…"}',
      );
    }
    if ((rule.certainty ?? 'confirmed') !== 'confirmed' && !rule.note) {
      out.error(
        file,
        rule.id,
        `${at}.note`,
        'note_missing',
        `a rule marked "${rule.certainty}" must say why in its note`,
      );
    }
    checkCondition(ctx, file, rule.id, `${at}.conditions`, rule.conditions);
    const ev = rule.event;
    const evAt = `${at}.event.params`;
    if (ev.type === 'deny') need('reasons', ev.params.reason, r, evAt);
    else if (ev.type === 'require') need('documents', ev.params.document, r, evAt);
    else if (ev.type === 'fee') {
      need('fees', ev.params.code, r, evAt);
      if ('units' in ev.params) {
        const info = model.get(ev.params.units);
        if (!info)
          out.error(
            file,
            rule.id,
            `${evAt}.units`,
            'unknown_fact',
            `unknown fact "${ev.params.units}"${suggest(ev.params.units, model.facts.keys())}`,
          );
        else if (info.type !== 'integer' && info.type !== 'number') {
          out.error(
            file,
            rule.id,
            `${evAt}.units`,
            'expr_type',
            `units must be a number fact; ${info.name} is a ${info.type}`,
          );
        }
      }
    } else if (ev.type === 'authority' && 'code' in ev.params) need('authorities', ev.params.code, r, evAt);
  }
  // With a file that failed its schema, a message may well be used by a rule that did not parse.
  for (const kind of parsed.incomplete ? [] : (Object.keys(used) as (keyof typeof used)[])) {
    for (const code of Object.keys(messages[kind] ?? {})) {
      if (!used[kind].has(code)) {
        out.warn(
          parsed.serviceFile,
          null,
          `$.messages.${kind}.${code}`,
          'unused_message',
          `${kind} code "${code}" is used by no rule`,
        );
      }
    }
  }

  // Two fee lines with one code, or two authorities, may not both fire on a day: a fee would be counted twice.
  const checker = new ExclusivityChecker(model, ctx.named);
  const clash = (list: LocatedRule[], code: string, what: string): void => {
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const a = list[i]!;
        const b = list[j]!;
        if (!overlaps(a, b)) continue;
        const ex = checker.exclusive(a.rule.conditions, b.rule.conditions);
        if (ex === true) continue;
        const msg = `${what} with rule "${a.rule.id}": windows overlap and the conditions can hold together`;
        if (ex === null)
          out.warn(
            b.file,
            b.rule.id,
            `${b.at}.conditions`,
            `${code}_unproven`,
            `${msg} (too complex to prove otherwise)`,
          );
        else out.error(b.file, b.rule.id, `${b.at}.conditions`, code, msg);
      }
    }
  };
  const feeGroups = new Map<string, LocatedRule[]>();
  for (const r of parsed.rules) {
    if (r.rule.event.type === 'fee') {
      const code = r.rule.event.params.code;
      feeGroups.set(code, [...(feeGroups.get(code) ?? []), r]);
    }
  }
  for (const [code, list] of feeGroups)
    clash(list, 'double_count', `fee line "${code}" would be counted twice`);
  clash(
    parsed.rules.filter((r) => r.rule.event.type === 'authority'),
    'authority_conflict',
    'two authorities',
  );

  const reads = new Set<string>();
  for (const r of parsed.rules) conditionReads(r.rule.conditions, ctx.named, reads);
  for (const r of parsed.rules)
    if (r.rule.event.type === 'fee' && 'units' in r.rule.event.params) reads.add(r.rule.event.params.units);
  return reads;
}

const OPEN_END = '9999-12-31';

/**
 * Every day the rule set answers for (from `coverage.from` on) needs a base fee, a processing time and an
 * authority for every request: a hole yields a negative fee total (a discount without its charge) or
 * `authority: null`. Windows are date intervals, so the days between two window boundaries share one set
 * of rules in force; for each such stretch the union of their windows must reach it, and their conditions
 * together must hold for every combination of facts. Only the event kinds a service uses are checked.
 * Two base fees on one day are the double count the exclusivity check above refuses.
 */
function checkCoverage(ctx: Ctx): void {
  const { parsed, service, out } = ctx;
  // A rule that failed its schema, or an inverted window (both reported already), would show up here
  // again as a gap.
  if (!service.coverage || parsed.incomplete) return;
  const start = service.coverage.from;
  const groups: { what: string; code: string; rules: LocatedRule[] }[] = [
    {
      what: 'base fee',
      code: 'base',
      rules: parsed.rules.filter((r) => r.rule.event.type === 'fee' && r.rule.event.params.code === 'base'),
    },
    {
      what: 'processing time',
      code: 'processing',
      rules: parsed.rules.filter((r) => r.rule.event.type === 'processing'),
    },
    {
      what: 'authority',
      code: 'authority',
      rules: parsed.rules.filter((r) => r.rule.event.type === 'authority'),
    },
  ];
  const checker = new ExclusivityChecker(ctx.model, ctx.named);
  const span = (from: string, to: string) =>
    to === OPEN_END ? `from ${from} on` : from === to ? `on ${from}` : `from ${from} to ${to}`;
  for (const { what, code, rules } of groups) {
    const windows = rules.filter((r) => !r.rule.effective.to || r.rule.effective.to >= r.rule.effective.from);
    if (rules.length === 0 || windows.length < rules.length) continue;
    const bounds = new Set([start]);
    for (const r of windows) {
      if (r.rule.effective.from > start) bounds.add(r.rule.effective.from);
      const to = r.rule.effective.to;
      if (to && to !== OPEN_END && to >= start) bounds.add(addDays(to, 1));
    }
    const starts = [...bounds].sort();
    const reported = new Set<string>();
    // Boundaries are window starts and day-after-ends, so two stretches without a rule never follow
    // each other: each gap is reported once.
    for (const [i, from] of starts.entries()) {
      const to = starts[i + 1] ? addDays(starts[i + 1]!, -1) : OPEN_END;
      const inForce = windows.filter(
        (r) => r.rule.effective.from <= from && (r.rule.effective.to ?? OPEN_END) >= from,
      );
      if (inForce.length === 0) {
        // Name the rule whose window should reach the gap: the one starting right after it, else the one
        // that ended right before it.
        const after =
          to === OPEN_END ? undefined : windows.find((r) => r.rule.effective.from === addDays(to, 1));
        const before = windows.find((r) => r.rule.effective.to === addDays(from, -1));
        const blame = after ?? before ?? windows[0]!;
        out.error(
          blame.file,
          blame.rule.id,
          `${blame.at}.effective.${blame === after ? 'from' : 'to'}`,
          'coverage_gap',
          `no ${what} rule is in force ${span(from, to)}, inside the rule set's coverage (from ${start})`,
        );
        continue;
      }
      const key = inForce.map((r) => r.rule.id).join('|');
      if (reported.has(key)) continue;
      const gap = checker.gap(inForce.map((r) => r.rule.conditions));
      if (gap === null) continue;
      reported.add(key);
      const first = inForce[0]!;
      const ids = inForce.map((r) => `"${r.rule.id}"`).join(', ');
      if (gap === undefined) {
        out.warn(
          first.file,
          first.rule.id,
          `${first.at}.conditions`,
          `${code}_coverage_unproven`,
          `${span(from, to)}, the conditions of ${ids} are too complex to prove that every request gets a ${what}`,
        );
      } else if (gap.exact) {
        out.error(
          first.file,
          first.rule.id,
          `${first.at}.conditions`,
          'coverage_gap',
          `${span(from, to)}, no ${what} rule applies when ${gap.witness} (rules in force: ${ids})`,
        );
      } else {
        out.warn(
          first.file,
          first.rule.id,
          `${first.at}.conditions`,
          `${code}_coverage_unproven`,
          `${span(from, to)}, ${ids} may leave some requests without a ${what} (e.g. ${gap.witness})`,
        );
      }
    }
  }
}

function checkNamedConditions(ctx: Ctx, usedNames: Set<string>): void {
  const { named, parsed, out } = ctx;
  const file = parsed.serviceFile;
  for (const [name, cond] of Object.entries(named)) {
    checkCondition(ctx, file, name, `$.conditions.${name}`, cond);
    if (!usedNames.has(name) && !parsed.incomplete)
      out.warn(
        file,
        name,
        `$.conditions.${name}`,
        'unused_condition',
        `named condition "${name}" is used by no rule`,
      );
  }
  const refs = (n: string): string[] => {
    const list: string[] = [];
    const c = named[n];
    if (c) walkCondition(c, { ref: (x) => list.push(x) });
    return list;
  };
  const { cycle } = topoOrder(Object.keys(named), refs);
  for (const n of cycle)
    out.error(file, n, `$.conditions.${n}`, 'condition_cycle', `named condition "${n}" refers to itself`);
}

function inputFits(input: Input, decl: FactDecl | undefined): string | null {
  if (!decl) return null;
  const want: Record<Input['type'], FactDecl['type'][]> = {
    choice: ['string', 'integer', 'boolean'],
    integer: ['integer'],
    date: ['date'],
    yesno: ['boolean'],
    text: ['string'],
  };
  return want[input.type].includes(decl.type)
    ? null
    : `a ${input.type} input cannot fill ${decl.name}, a ${decl.type} fact`;
}

function checkInputs(ctx: Ctx, reads: Set<string>): void {
  const { service, model, out, parsed, named } = ctx;
  const file = parsed.serviceFile;
  const ids = new Set<string>();
  const filledBy = new Map<string, number>();
  service.inputs.forEach((input, i) => {
    if (!filledBy.has(input.fills)) filledBy.set(input.fills, i);
  });
  const derivedSources = (name: string, seen = new Set<string>()): string[] => {
    const info = model.get(name);
    if (info?.kind !== 'derived' || seen.has(name)) return [name];
    seen.add(name);
    return exprReads(info.derived!.expr).flatMap((n) => derivedSources(n, seen));
  };
  const whenReads = new Set<string>();
  service.inputs.forEach((input, i) => {
    const at = `$.inputs[${i}]`;
    if (ids.has(input.id))
      out.error(file, input.id, `${at}.id`, 'duplicate_input_id', `input id "${input.id}" is used twice`);
    ids.add(input.id);
    const info = model.get(input.fills);
    if (!info) {
      out.error(
        file,
        input.id,
        `${at}.fills`,
        'unknown_fact',
        `input fills unknown fact "${input.fills}"${suggest(input.fills, model.facts.keys())}`,
      );
    } else if (info.kind === 'derived') {
      out.error(
        file,
        input.id,
        `${at}.fills`,
        'unknown_fact',
        `"${input.fills}" is derived; an answer cannot fill it`,
      );
    } else {
      const why = inputFits(input, info.decl);
      if (why) out.error(file, input.id, `${at}.type`, 'input_type', why);
      if (input.type === 'choice') {
        if ((input.options.length === 0) === (input.optionsFrom === undefined)) {
          out.error(
            file,
            input.id,
            `${at}.options`,
            'input_option',
            'a choice lists its options, or names where they come from (optionsFrom), not both',
          );
        }
        input.options.forEach((o, j) => {
          const bad = valueMismatch(info, o.value);
          if (bad)
            out.error(file, input.id, `${at}.options[${j}].value`, 'input_option', `${info.name}: ${bad}`);
        });
      }
    }
    if (filledBy.get(input.fills) !== i) {
      out.error(
        file,
        input.id,
        `${at}.fills`,
        'duplicate_fill',
        `another input already fills "${input.fills}"`,
      );
    }
    if (input.when) {
      checkCondition(ctx, file, input.id, `${at}.when`, input.when);
      for (const n of conditionReads(input.when, named)) {
        whenReads.add(n);
        for (const src of derivedSources(n)) {
          const by = filledBy.get(src);
          if (by !== undefined && by >= i) {
            out.error(
              file,
              input.id,
              `${at}.when`,
              'when_refers_later_input',
              `"when" reads ${src}, which input "${service.inputs[by]!.id}" only asks ${by === i ? 'here' : 'later'}`,
            );
          }
        }
      }
    }
  });
  // What rules read, directly or through derived facts and defaults, counts as read.
  const readClosure = new Set<string>();
  const visit = (n: string): void => {
    if (readClosure.has(n)) return;
    readClosure.add(n);
    const info = model.get(n);
    if (info?.kind === 'derived') for (const x of exprReads(info.derived!.expr)) visit(x);
    if (info?.decl) for (const x of declReads(info.decl)) visit(x);
  };
  for (const n of [...reads, ...whenReads]) visit(n);
  service.inputs.forEach((input, i) => {
    if (!input.record && model.get(input.fills) && !readClosure.has(input.fills) && !parsed.incomplete) {
      out.warn(
        file,
        input.id,
        `$.inputs[${i}].fills`,
        'input_never_read',
        `no rule or fact reads "${input.fills}", so asking for it changes nothing`,
      );
    }
  });
}

function checkScenarios(ctx: Ctx): void {
  const { parsed, model, service, out } = ctx;
  const ids = new Map<string, string>();
  let normalizer: FactNormalizer | undefined;
  try {
    normalizer = new FactNormalizer(model);
  } catch {
    normalizer = undefined;
  }
  const known = (kind: 'reasons' | 'documents' | 'authorities', code: string) =>
    Boolean(service.messages[kind]?.[code]);
  for (const { scenario, file, at } of parsed.scenarios) {
    const prev = ids.get(scenario.id);
    if (prev)
      out.error(
        file,
        scenario.id,
        `${at}.id`,
        'duplicate_scenario_id',
        `scenario id "${scenario.id}" is also used in ${prev}`,
      );
    else ids.set(scenario.id, file);
    if (normalizer) {
      try {
        normalizer.normalize(scenario.facts);
      } catch (err) {
        out.error(file, scenario.id, `${at}.facts`, 'scenario_facts', (err as Error).message);
      }
    }
    const e = scenario.expect;
    for (const c of e.reasons ?? [])
      if (!known('reasons', c))
        out.error(
          file,
          scenario.id,
          `${at}.expect.reasons`,
          'scenario_unknown_code',
          `unknown reason code "${c}"`,
        );
    for (const c of e.documents ?? [])
      if (!known('documents', c))
        out.error(
          file,
          scenario.id,
          `${at}.expect.documents`,
          'scenario_unknown_code',
          `unknown document code "${c}"`,
        );
    if (e.authority && !known('authorities', e.authority)) {
      out.error(
        file,
        scenario.id,
        `${at}.expect.authority`,
        'scenario_unknown_code',
        `unknown authority code "${e.authority}"`,
      );
    }
  }
}

/** Semantic checks of one schema-valid service. */
export function lintParsedService(parsed: ParsedService): Finding[] {
  const out = new Findings();
  const model = new FactModel(parsed.service);
  const ctx: Ctx = { parsed, service: parsed.service, model, named: parsed.service.conditions ?? {}, out };
  checkFacts(ctx);
  const reads = checkRules(ctx);
  checkCoverage(ctx);
  const usedNames = new Set<string>();
  const collectRefs = (c: Condition) => walkCondition(c, { ref: (n) => usedNames.add(n) });
  for (const r of parsed.rules) collectRefs(r.rule.conditions);
  for (const i of parsed.service.inputs) if (i.when) collectRefs(i.when);
  const sensitiveWhen = parsed.service.sensitive?.when;
  if (sensitiveWhen) {
    collectRefs(sensitiveWhen);
    checkCondition(ctx, parsed.serviceFile, 'sensitive', '$.sensitive.when', sensitiveWhen);
  }
  for (const n of [...usedNames]) {
    const c = ctx.named[n];
    if (c) collectRefs(c);
  }
  checkNamedConditions(ctx, usedNames);
  checkInputs(ctx, reads);
  if (!out.list.some((f) => f.severity === 'error')) checkScenarios(ctx);
  return out.list;
}

/**
 * Schema and semantic checks of one service. Rules that pass their schema are checked even when a sibling
 * fails it; `incomplete` says a file of the service could not even be read, so nothing is reported "unused".
 */
export function lintServiceSource(
  source: ServiceSource,
  options: { incomplete?: boolean } = {},
): {
  parsed: ParsedService | undefined;
  findings: Finding[];
} {
  const { parsed, findings } = parseService(source, options);
  if (!parsed) return { parsed, findings };
  return { parsed, findings: [...findings, ...lintParsedService(parsed)] };
}

export function lintCatalogSource(catalog: CatalogSource): {
  findings: Finding[];
  services: { source: ServiceSource; parsed: ParsedService | undefined; findings: Finding[] }[];
} {
  const findings = [...catalog.findings];
  if (catalog.services.length === 0 && !findings.some((f) => f.code === 'unreadable_catalog')) {
    // An empty or mistyped folder must not pass as a clean catalog.
    findings.push({
      severity: 'error',
      file: '.',
      rule: null,
      path: '$',
      code: 'no_services',
      message: `no service in ${catalog.root}: expected folders <service>/service.json`,
    });
  }
  const unreadable = (id: string) =>
    catalog.findings.some((f) => f.severity === 'error' && f.file.startsWith(`${id}/`));
  const services = catalog.services.map((source) => ({
    source,
    ...lintServiceSource(source, { incomplete: unreadable(source.id) }),
  }));
  for (const s of services) findings.push(...s.findings);
  if (catalog.explain) findings.push(...parseExplain(catalog.explain).findings);
  return { findings, services };
}

/** Every finding of the catalog in `dir`: schema, references, messages, windows, inputs, scenarios. */
export async function lintCatalog(dir: string): Promise<Finding[]> {
  return lintCatalogSource(await readCatalogDir(dir)).findings;
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}
