/**
 * Scenario tests stored with the rules: facts in, expected outcome out. Each runs through the compiled
 * rules and through json-rules-engine (with trace), so the two evaluators are checked against each other too.
 */
import type { CompiledService } from './compile.ts';
import type { Decision } from './decision.ts';
import { evaluate } from './evaluate.ts';
import type { Scenario } from './schema.ts';

export interface ScenarioResult {
  service: string;
  id: string;
  file: string;
  description: string;
  passed: boolean;
  failures: string[];
}

const show = (v: unknown): string => JSON.stringify(v);
const sortedCodes = (list: { code: string }[]): string[] => list.map((x) => x.code).sort();

/** Differences between what a scenario expects and a decision; empty when it passes. */
export function compareToExpectation(svc: CompiledService, scenario: Scenario, d: Decision): string[] {
  const e = scenario.expect;
  const out: string[] = [];
  if (e.eligible !== undefined && e.eligible !== d.eligible)
    out.push(`eligible: expected ${e.eligible}, got ${d.eligible}`);
  if (e.reasons) {
    const want = [...e.reasons].sort();
    const got = sortedCodes(d.reasons);
    if (show(want) !== show(got)) out.push(`reasons: expected ${show(want)}, got ${show(got)}`);
  }
  if (e.documents) {
    const want = [...e.documents].sort();
    const got = sortedCodes(d.documents);
    if (show(want) !== show(got)) out.push(`documents: expected ${show(want)}, got ${show(got)}`);
  }
  if (e.notices) {
    const want = [...e.notices].sort();
    const got = sortedCodes(d.notices);
    if (show(want) !== show(got)) out.push(`notices: expected ${show(want)}, got ${show(got)}`);
  }
  if (e.fee?.total !== undefined && e.fee.total !== d.fee.total) {
    out.push(`fee total: expected ${e.fee.total}, got ${d.fee.total}`);
  }
  if (e.fee?.lines) {
    const key = (l: { code: string; amount: number }) => `${l.code}:${l.amount}`;
    const want = e.fee.lines.map(key).sort();
    const got = d.fee.lines.map(key).sort();
    if (show(want) !== show(got)) out.push(`fee lines: expected ${show(want)}, got ${show(got)}`);
  }
  if (e.processing !== undefined && show(e.processing) !== show(d.processing)) {
    out.push(`processing: expected ${show(e.processing)}, got ${show(d.processing)}`);
  }
  if (e.authority !== undefined) {
    const want =
      e.authority === null ? null : (svc.service.messages.authorities?.[e.authority]?.vi ?? e.authority);
    if (want !== d.authority) out.push(`authority: expected ${e.authority}, got ${show(d.authority)}`);
  }
  return out;
}

export async function runScenarios(svc: CompiledService): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  for (const { scenario, file } of svc.parsed.scenarios) {
    let failures: string[];
    try {
      const d = await evaluate(svc, scenario.facts, { lang: 'vi', trace: true });
      failures = compareToExpectation(svc, scenario, d);
    } catch (err) {
      failures = [`error: ${(err as Error).message}`];
    }
    results.push({
      service: svc.id,
      id: scenario.id,
      file,
      description: scenario.description,
      passed: failures.length === 0,
      failures,
    });
  }
  return results;
}
