import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/rules/catalog.ts';
import { compareToExpectation, runScenarios } from '../../src/rules/scenarios.ts';
import { REPO_RULES } from './fixtures.ts';

const catalog = await loadCatalog(REPO_RULES);

for (const service of catalog.services) {
  describe(`stored scenarios of ${service.id}`, () => {
    for (const { scenario } of service.compiled.parsed.scenarios) {
      it(`${scenario.id}: ${scenario.description}`, async () => {
        const d = await service.decide(scenario.facts, { trace: true });
        expect(compareToExpectation(service.compiled, scenario, d)).toEqual([]);
      });
    }
  });
}

describe('scenario coverage', () => {
  const lltp = catalog.get('lltp').compiled.parsed.scenarios.map((s) => s.scenario);
  const health = catalog.get('health_record').compiled.parsed.scenarios.map((s) => s.scenario);

  it('has at least 40 LLTP scenarios and 10 health-record scenarios', () => {
    expect(lltp.length).toBeGreaterThanOrEqual(40);
    expect(health.length).toBeGreaterThanOrEqual(10);
  });

  it('spans the LLTP turning points: pilot, authority change, fee circular, discount end, amended law', () => {
    const days = lltp.map((s) => s.facts.on as string);
    const around = (from: string, to: string) => days.some((d) => d >= from && d <= to);
    expect(around('2024-04-22', '2024-09-30')).toBe(true);
    expect(days).toEqual(expect.arrayContaining(['2025-02-28', '2025-03-01', '2025-04-23', '2025-04-24']));
    expect(days).toEqual(expect.arrayContaining(['2025-12-31', '2026-01-01', '2026-06-30', '2026-07-01']));
  });

  it('covers forms, proxies, foreigners, every fee category and copies', () => {
    type LltpFacts = {
      requester: { nationality?: string };
      subject?: { relation?: string };
      request?: { form?: number; copies?: number };
      feeCategory?: string;
    };
    const facts = lltp.map((s) => s.facts as LltpFacts);
    expect(new Set(facts.map((f) => f.request?.form ?? 1))).toEqual(new Set([1, 2]));
    expect(new Set(facts.map((f) => f.subject?.relation ?? 'self'))).toEqual(
      new Set(['self', 'child', 'parent', 'spouse', 'other']),
    );
    expect(facts.some((f) => f.requester.nationality && f.requester.nationality !== 'VN')).toBe(true);
    const categories = new Set(facts.map((f) => f.feeCategory ?? 'standard'));
    expect(categories.size).toBe(13);
    expect(new Set(facts.map((f) => f.request?.copies ?? 1)).size).toBeGreaterThan(4);
  });

  it('covers self, a parent for a child under 14, identity level and consent for the health record', () => {
    const reasons = new Set(health.flatMap((s) => s.expect.reasons ?? []));
    for (const code of ['identity_level_too_low', 'consent_required', 'child_consent_required', 'underage']) {
      expect(reasons.has(code), code).toBe(true);
    }
    expect(
      health.some(
        (s) =>
          (s.facts.subject as { relation?: string } | undefined)?.relation === 'child' && s.expect.eligible,
      ),
    ).toBe(true);
  });
});

describe('runScenarios', () => {
  it('reports a scenario whose expectation the rules do not meet', async () => {
    const svc = catalog.get('lltp').compiled;
    const first = svc.parsed.scenarios[0]!;
    const broken = {
      ...first,
      scenario: { ...first.scenario, expect: { ...first.scenario.expect, fee: { total: 1 } } },
    };
    const results = await runScenarios({ ...svc, parsed: { ...svc.parsed, scenarios: [broken] } });
    expect(results).toMatchObject([
      { passed: false, failures: [expect.stringMatching(/^fee total: expected 1, got \d+/)] },
    ]);
  });

  it('passes every stored scenario', async () => {
    for (const s of catalog.services) {
      const failed = (await runScenarios(s.compiled)).filter((r) => !r.passed);
      expect(failed).toEqual([]);
    }
  });
});
