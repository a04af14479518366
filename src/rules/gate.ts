/**
 * The coverage half of the publish gate. Lint and passing scenarios are not enough on their own: a draft
 * with its scenarios deleted passes every one of them. So a draft must keep every scenario of the version
 * in force (unless an approver waives one, audited), and each rule must be seen both firing and not
 * firing in some scenario, so that a changed amount or condition is pinned by at least one test (a rule
 * without conditions need only be seen firing).
 */
import type { CompiledService } from './compile.ts';
import { fire } from './evaluate.ts';
import type { Finding } from './lint-types.ts';

export interface CoverageOptions {
  /** Scenario ids of the version in force; none when nothing is in force yet. */
  publishedScenarios?: readonly string[];
  /** Dropped scenario ids an approver has waived for this publication. */
  waived?: readonly string[];
}

export interface RuleCoverage {
  rule: string;
  file: string;
  firesIn: string[];
  silentIn: string[];
  /** A rule without conditions (the authority, a flat fee) fires whenever it is in force. */
  unconditional: boolean;
}

function isUnconditional(conditions: unknown): boolean {
  const c = conditions as { all?: unknown[]; any?: unknown[] };
  return Array.isArray(c.all) && c.all.length === 0 && c.any === undefined;
}

/** For each rule, the scenarios in which it fires and those in which it does not. */
export function ruleCoverage(svc: CompiledService): RuleCoverage[] {
  const byRule = new Map<string, RuleCoverage>();
  for (const r of svc.rules) {
    if (!byRule.has(r.id))
      byRule.set(r.id, {
        rule: r.id,
        file: r.file,
        firesIn: [],
        silentIn: [],
        unconditional: isUnconditional(r.rule.conditions),
      });
  }
  for (const { scenario } of svc.parsed.scenarios) {
    let fired: Set<string>;
    try {
      fired = new Set(fire(svc, scenario.facts).fired.map((r) => r.id));
    } catch {
      // A scenario that cannot be decided fails on its own; it covers nothing.
      continue;
    }
    for (const c of byRule.values()) (fired.has(c.rule) ? c.firesIn : c.silentIn).push(scenario.id);
  }
  return [...byRule.values()];
}

/** Error findings that keep a draft out of force: dropped scenarios and rules no scenario exercises. */
export function coverageFindings(svc: CompiledService, options: CoverageOptions = {}): Finding[] {
  const out: Finding[] = [];
  const mine = new Set(svc.parsed.scenarios.map((s) => s.scenario.id));
  const waived = new Set(options.waived ?? []);
  for (const id of options.publishedScenarios ?? []) {
    if (mine.has(id) || waived.has(id)) continue;
    out.push({
      severity: 'error',
      file: `${svc.id}/scenarios`,
      rule: null,
      path: '$',
      code: 'scenario_dropped',
      message: `scenario "${id}" of the version in force is missing; keep it, or have an approver waive it`,
    });
  }
  for (const c of ruleCoverage(svc)) {
    if (c.firesIn.length === 0) {
      out.push({
        severity: 'error',
        file: c.file,
        rule: c.rule,
        path: '$',
        code: 'rule_never_fires_in_scenarios',
        message: `no scenario makes rule "${c.rule}" fire; add one that does`,
      });
    }
    if (c.silentIn.length === 0 && !c.unconditional) {
      out.push({
        severity: 'error',
        file: c.file,
        rule: c.rule,
        path: '$',
        code: 'rule_always_fires_in_scenarios',
        message: `rule "${c.rule}" fires in every scenario; add one in which it does not`,
      });
    }
  }
  return out;
}
