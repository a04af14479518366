import { describe, expect, it } from 'vitest';
import { loadCatalog, loadServiceSource } from '../../src/rules/catalog.ts';
import { impactReport } from '../../src/rules/impact.ts';
import { sampler } from '../../src/rules/sample.ts';
import { readServiceDir } from '../../src/rules/source.ts';
import { REPO_RULES } from './fixtures.ts';

const lltp = (await loadCatalog(REPO_RULES)).get('lltp');

type RuleJson = { id: string; effective: { from: string; to?: string } };
type SampleFacts = {
  on: string;
  channel?: string;
  feeCategory?: string;
  requester: { nationality?: string };
};

async function draft(edit: (rules: RuleJson[]) => void) {
  const source = await readServiceDir(`${REPO_RULES}/lltp`, 'lltp', []);
  for (const f of source.files)
    if (f.path.includes('/rules/')) edit((f.content as { rules: RuleJson[] }).rules);
  return loadServiceSource(source).compiled;
}

describe('sampler', () => {
  it('draws the same fictional requests for the same seed, and others for another seed', () => {
    const a = sampler(lltp.compiled.service, { seed: 5 });
    const b = sampler(lltp.compiled.service, { seed: 5 });
    const c = sampler(lltp.compiled.service, { seed: 6 });
    const first = Array.from({ length: 50 }, () => a());
    expect(Array.from({ length: 50 }, () => b())).toEqual(first);
    expect(Array.from({ length: 50 }, () => c())).not.toEqual(first);
  });

  it('draws requests the service accepts, across channels, nationalities, categories and dates', () => {
    const next = sampler(lltp.compiled.service, { seed: 9 });
    const sample = Array.from({ length: 3000 }, () => next()) as SampleFacts[];
    for (const f of sample) expect(() => lltp.compiled.normalizer.normalize(f)).not.toThrow();
    expect(new Set(sample.map((f) => f.channel)).size).toBe(3);
    expect(new Set(sample.map((f) => f.feeCategory)).size).toBe(13);
    expect(new Set(sample.map((f) => f.requester.nationality)).size).toBeGreaterThan(2);
    expect(sample.some((f) => f.on < '2025-03-01') && sample.some((f) => f.on >= '2026-07-01')).toBe(true);
  });
});

describe('impactReport', () => {
  it('finds no flips between a rule set and itself', () => {
    const r = impactReport(lltp.compiled, lltp.compiled, { sample: 3000 });
    expect(r.changed).toBe(0);
    expect(r.errors).toEqual({ from: 0, to: 0 });
  });

  it('shows what extending the 2025 online discount through 2026 would change, and only that', async () => {
    const to = await draft((rules) => {
      for (const r of rules) if (r.id.includes('online-discount')) r.effective.to = '2026-12-31';
    });
    const r = impactReport(lltp.compiled, to, { sample: 5000, seed: 2 });
    expect(r.flips.feeTotal).toBeGreaterThan(0);
    expect(r.changed).toBe(r.flips.feeTotal);
    expect(r.flips.eligibility + r.flips.documents + r.flips.processing + r.flips.authority).toBe(0);
    for (const e of r.examples.feeTotal!) {
      const facts = e.facts as SampleFacts;
      expect(facts.on >= '2026-01-01').toBe(true);
      expect(facts.channel ?? 'online').toBe('online');
    }
    expect(impactReport(lltp.compiled, to, { sample: 5000, seed: 2 })).toEqual(r);
  });

  it('counts eligibility flips when a refusal rule is removed', async () => {
    const to = await draft((rules) => {
      const i = rules.findIndex((r) => r.id === 'E4-online-identity-level');
      if (i >= 0) rules.splice(i, 1);
    });
    const r = impactReport(lltp.compiled, to, { sample: 4000 });
    expect(r.flips.eligibility).toBeGreaterThan(0);
    expect(r.examples.eligibility![0]).toMatchObject({ from: { eligible: false }, to: { eligible: true } });
  });

  it('counts a notice that appears or goes away as a changed decision, though nothing else flips', async () => {
    const to = await draft((rules) => {
      const i = rules.findIndex((r) => r.id === 'E8-form2-not-for-employers');
      if (i >= 0) rules.splice(i, 1);
    });
    const r = impactReport(lltp.compiled, to, { sample: 4000, seed: 3 });
    expect(r.flips.notices).toBeGreaterThan(0);
    expect(r.changed).toBe(r.flips.notices);
    expect(r.examples.notices![0]).toMatchObject({
      from: { notices: ['form2_not_for_employers'], eligible: expect.any(Boolean) },
      to: { notices: [] },
    });
  });

  it('groups the changed decisions by the rule whose change caused them: which way, by how much, with examples', async () => {
    type Fee = {
      id: string;
      effective: { from: string; to?: string };
      event: { params: { amount?: number } };
    };
    const to = await draft((rules) => {
      for (const r of rules as Fee[]) {
        if (r.id === 'F3-base-2025') r.event.params.amount = 190000;
        if (r.id === 'E4-online-identity-level') r.effective.to = '2026-06-30';
      }
    });
    const r = impactReport(lltp.compiled, to, { sample: 6000, seed: 4 });
    expect(r.causes.map((c) => c.key)).toEqual(['F3-base-2025', 'E4-online-identity-level']);
    const [fee, identity] = r.causes;
    expect(fee!.rule).toMatchObject({ id: 'F3-base-2025', change: 'changed' });
    expect(fee!.fee).toMatchObject({ up: 0, down: r.flips.feeTotal, upBy: 0 });
    expect(fee!.fee.downBy).toBe(-10000 * fee!.fee.down);
    expect(fee!.flips.eligibility).toBe(0);
    for (const e of fee!.examples) {
      expect((e.from as { feeTotal: number }).feeTotal - (e.to as { feeTotal: number }).feeTotal).toBe(10000);
    }
    expect(identity!.eligibility).toEqual({ gained: r.flips.eligibility, lost: 0 });
    expect(identity!.fee).toMatchObject({ up: 0, down: 0 });
    expect(identity!.examples.length).toBeGreaterThan(0);
    for (const e of identity!.examples) {
      expect((e.facts as SampleFacts).on >= '2026-07-01').toBe(true);
      expect((e.from as { reasons: string[] }).reasons).toContain('identity_level_too_low');
      expect((e.to as { reasons: string[] }).reasons).not.toContain('identity_level_too_low');
    }
    expect(r.directions.eligibility).toEqual({ gained: r.flips.eligibility, lost: 0 });
    expect(r.directions.fee.downBy).toBe(fee!.fee.downBy);
  });

  it('reaches a change dated past the sample’s usual range: a discount announced for 1 January 2027 is met', async () => {
    type Fee = { id: string; effective: { from: string }; event: { params: { amount?: number } } };
    const to = await draft((rules) => {
      const discount = (rules as Fee[]).find((r) => r.id === 'F3-online-discount-standard');
      if (!discount) return;
      const later = structuredClone(discount);
      later.id = 'F3-online-discount-2027';
      later.effective = { from: '2027-01-01' };
      later.event.params.amount = -50000;
      rules.push(later as RuleJson);
    });
    const r = impactReport(lltp.compiled, to, { sample: 6000, seed: 5 });
    expect(r.causes[0]).toMatchObject({ key: 'F3-online-discount-2027', rule: { change: 'added' } });
    expect(r.causes[0]!.fee.down).toBeGreaterThan(0);
    for (const e of r.causes[0]!.examples) {
      expect((e.facts as SampleFacts).on >= '2027-01-01').toBe(true);
      expect((e.to as { feeTotal: number }).feeTotal).toBeLessThan((e.from as { feeTotal: number }).feeTotal);
    }
  });
});
