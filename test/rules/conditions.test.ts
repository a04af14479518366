import { Engine } from 'json-rules-engine';
import { describe, expect, it } from 'vitest';
import { ConditionCompiler, operatorFn, parseOperator } from '../../src/rules/conditions.ts';
import { ExclusivityChecker } from '../../src/rules/exclusive.ts';
import { FactModel } from '../../src/rules/facts.ts';
import { walkPath } from '../../src/rules/jre.ts';
import type { Condition, TopCondition } from '../../src/rules/schema.ts';

const values: unknown[] = [
  0,
  1,
  2,
  -1,
  2.5,
  '2',
  'a',
  '',
  true,
  false,
  null,
  undefined,
  [1, 2],
  ['a'],
  [],
  '2025-01-01',
];
const operators = [
  'equal',
  'notEqual',
  'in',
  'notIn',
  'contains',
  'doesNotContain',
  'lessThan',
  'lessThanInclusive',
  'greaterThan',
  'greaterThanInclusive',
  'not:equal',
  'not:lessThan',
  'swap:in',
  'someFact:equal',
  'everyFact:greaterThan',
  'someValue:equal',
  'everyValue:lessThan',
  'not:someFact:equal',
];

/** What json-rules-engine itself answers for one condition. */
async function engineSays(
  condition: Condition,
  facts: Record<string, unknown>,
  named: Record<string, TopCondition> = {},
) {
  const engine = new Engine([], { allowUndefinedFacts: true, pathResolver: walkPath });
  for (const [n, c] of Object.entries(named)) engine.setCondition(n, c as never);
  engine.addRule({ conditions: condition as never, event: { type: 'x' } });
  return (await engine.run(facts)).events.length === 1;
}

describe('compiled conditions', () => {
  it('answer exactly as json-rules-engine for every operator, decorator and value type', async () => {
    const disagreements: string[] = [];
    for (const operator of operators) {
      for (const fv of values) {
        for (const v of values) {
          const needsList =
            /^(in|notIn|swap:in|someValue|everyValue)/.test(operator) || operator.startsWith('someValue');
          const value = needsList && !Array.isArray(v) ? [v] : v;
          if (value === undefined) continue;
          const cond = { all: [{ fact: 'x', operator, value }] };
          let theirs: boolean | string;
          try {
            theirs = await engineSays(cond, { x: fv });
          } catch (err) {
            theirs = `throws ${(err as Error).message}`;
          }
          let ours: boolean | string;
          try {
            // The engine compares against its own copy of the condition; so do we.
            ours = new ConditionCompiler().compile(structuredClone(cond))({ x: fv });
          } catch (err) {
            ours = `throws ${(err as Error).message}`;
          }
          if (typeof theirs === 'string' || typeof ours === 'string') {
            if (typeof theirs !== typeof ours)
              disagreements.push(`${operator} ${String(fv)} ${String(value)}: ${ours} vs ${theirs}`);
          } else if (ours !== theirs)
            disagreements.push(
              `${operator} ${JSON.stringify(fv)} ${JSON.stringify(value)}: ${ours} vs ${theirs}`,
            );
        }
      }
    }
    expect(disagreements).toEqual([]);
  });

  it('answer as json-rules-engine for nesting, empty groups, paths, fact references and named conditions', async () => {
    const named: Record<string, TopCondition> = {
      adult: { all: [{ fact: 'person', path: '$.age', operator: 'greaterThanInclusive', value: 18 }] },
    };
    const conditions: Condition[] = [
      { all: [] },
      { any: [] },
      { not: { any: [] } },
      { condition: 'adult' },
      { not: { condition: 'adult' } },
      { any: [{ condition: 'adult' }, { fact: 'person', path: '$.kind', operator: 'equal', value: 'x' }] },
      { all: [{ fact: 'person', path: '$.age', operator: 'lessThan', value: { fact: 'limit' } }] },
      { all: [{ fact: 'person', path: '$.missing', operator: 'notIn', value: ['a'] }] },
    ];
    const cases = [
      { person: { age: 20, kind: 'x' }, limit: 30 },
      { person: { age: 10, kind: 'y' }, limit: 5 },
    ];
    for (const c of conditions) {
      for (const facts of cases) {
        const ours = new ConditionCompiler(named).compile(c)(facts);
        expect(ours, JSON.stringify({ c, facts })).toBe(await engineSays({ all: [c] }, facts, named));
      }
    }
  });

  it('parse decorators outermost first and reject unknown names', () => {
    expect(parseOperator('not:someFact:equal')).toEqual({ base: 'equal', decorators: ['not', 'someFact'] });
    expect(parseOperator('lessThen')).toBeNull();
    expect(parseOperator('maybe:equal')).toBeNull();
    expect(operatorFn('greaterThen')).toBeNull();
  });
});

describe('ExclusivityChecker', () => {
  const model = new FactModel({
    facts: [
      { name: 'on', type: 'date', description: 'd' },
      { name: 'kind', type: 'string', enum: ['a', 'b', 'c'], required: true, description: 'd' },
      { name: 'age', type: 'integer', required: true, description: 'd' },
      { name: 'flag', type: 'boolean', required: true, description: 'd' },
      { name: 'maybe', type: 'string', enum: ['a', 'b'], description: 'optional, no default' },
    ],
  });
  const checker = new ExclusivityChecker(model, {
    isA: { all: [{ fact: 'kind', operator: 'equal', value: 'a' }] },
  });
  const kind = (op: string, value: unknown) => ({ fact: 'kind', operator: op, value });
  const age = (op: string, value: number) => ({ fact: 'age', operator: op, value });

  it('proves exclusion on enums, booleans, number ranges and negations', () => {
    expect(checker.exclusive({ all: [kind('equal', 'a')] }, { all: [kind('in', ['b', 'c'])] })).toBe(true);
    expect(checker.exclusive({ all: [kind('notIn', ['a', 'b'])] }, { all: [kind('notEqual', 'c')] })).toBe(
      true,
    );
    expect(
      checker.exclusive({ all: [age('lessThan', 16)] }, { all: [age('greaterThanInclusive', 16)] }),
    ).toBe(true);
    expect(checker.exclusive({ all: [age('lessThan', 16)] }, { not: { all: [age('lessThan', 18)] } })).toBe(
      true,
    );
    expect(checker.exclusive({ condition: 'isA' }, { not: { condition: 'isA' } })).toBe(true);
    expect(
      checker.exclusive(
        { all: [{ fact: 'flag', operator: 'equal', value: true }] },
        { all: [{ fact: 'flag', operator: 'equal', value: false }] },
      ),
    ).toBe(true);
  });

  it('counts with an optional fact that has no default, which "notIn" accepts while it is missing', () => {
    const maybe = (op: string, value: unknown) => ({ fact: 'maybe', operator: op, value });
    expect(checker.exclusive({ all: [maybe('notIn', ['a'])] }, { all: [maybe('notEqual', 'b')] })).toBe(
      false,
    );
    expect(checker.exclusive({ all: [maybe('in', ['a'])] }, { all: [maybe('notEqual', 'a')] })).toBe(true);
    expect(checker.gap([{ all: [maybe('equal', 'a')] }, { all: [maybe('equal', 'b')] }])).toEqual({
      witness: 'maybe not in ["a"] and maybe not in ["b"]',
      exact: true,
    });
  });

  it('finds requests none of several conditions covers, or proves there are none', () => {
    expect(checker.gap([{ all: [kind('in', ['a', 'b'])] }, { all: [kind('equal', 'c')] }])).toBeNull();
    expect(checker.gap([{ all: [age('lessThan', 16)] }, { not: { all: [age('lessThan', 16)] } }])).toBeNull();
    expect(checker.gap([{ all: [age('lessThan', 16)] }, { all: [age('greaterThan', 16)] }])).toEqual({
      witness: 'age >= 16 and age <= 16',
      exact: true,
    });
    expect(checker.gap([])).toEqual({ witness: 'any request', exact: true });
    expect(checker.gap([{ all: [kind('not:equal', 'z')] }])).toEqual({
      witness: 'any request',
      exact: false,
    });
  });

  it('does not claim exclusion when both can hold', () => {
    expect(checker.exclusive({ all: [] }, { all: [kind('equal', 'a')] })).toBe(false);
    expect(checker.exclusive({ any: [] }, { all: [kind('equal', 'a')] })).toBe(false);
    expect(checker.exclusive({ not: { any: [] } }, { all: [kind('equal', 'a')] })).toBe(true);
    expect(checker.exclusive({ all: [age('lessThan', 18)] }, { all: [age('greaterThan', 16)] })).toBe(false);
    expect(
      checker.exclusive({ any: [kind('equal', 'a'), age('lessThan', 5)] }, { all: [kind('equal', 'b')] }),
    ).toBe(false);
    expect(
      checker.exclusive(
        { all: [age('lessThan', 16)] },
        { all: [{ fact: 'age', operator: 'lessThan', value: { fact: 'x' } }] },
      ),
    ).toBe(false);
  });
});
