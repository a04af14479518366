import { afterEach, describe, expect, it } from 'vitest';
import { loadCatalog, loadServiceSource } from '../../src/rules/catalog.ts';
import { RulesError } from '../../src/rules/errors.ts';
import { readServiceDir } from '../../src/rules/source.ts';
import { mooringRules, REPO_RULES, writeMooringCatalog } from './fixtures.ts';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

function mooringWithRepo() {
  const c = writeMooringCatalog({}, { withRepo: true });
  cleanups.push(c.cleanup);
  return c.dir;
}

describe('a fee total below zero', () => {
  it('is refused with a coded error rather than returned', async () => {
    const rules = mooringRules() as { rules: { id: string; event: { params: Record<string, unknown> } }[] };
    rules.rules.find((r) => r.id === 'M-per-metre')!.event.params.unitAmount = -10000;
    const { dir, cleanup } = writeMooringCatalog({ rules, scenarios: { scenarios: [] } });
    cleanups.push(cleanup);
    const mooring = (await loadCatalog(dir)).get('mooring');
    const facts = { on: '2025-05-05', owner: { dateOfBirth: '1980-01-01' }, boat: { kind: 'fishing' } };
    expect(mooring.decideSync({ ...facts, boat: { kind: 'fishing', length: 12 } }).fee.total).toBe(30000);
    const err = await mooring
      .decide({ ...facts, boat: { kind: 'fishing', length: 20 } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RulesError);
    expect((err as RulesError).code).toBe('HOSO_ERR_RULES_FEE_NEGATIVE');
    expect((err as RulesError).message).toContain('-50000');
  });
});

describe('loadCatalog', () => {
  it('loads every service folder, including one no code knows about', async () => {
    const catalog = await loadCatalog(mooringWithRepo());
    expect(catalog.services.map((s) => s.id)).toEqual(['health_record', 'lltp', 'mooring']);
    const mooring = catalog.get('mooring');
    expect(mooring.title).toEqual({ vi: 'Giấy phép neo đậu thuyền', en: 'Boat mooring permit' });
    expect(mooring.inputs.map((i) => i.id)).toEqual(['kind', 'length', 'insured']);
  });

  it('decides the made-up service from its catalog alone, dates included', async () => {
    const mooring = (await loadCatalog(mooringWithRepo())).get('mooring');
    const owner = { dateOfBirth: '1980-01-01' };
    const d2025 = await mooring.decide({ on: '2025-05-05', owner, boat: { kind: 'fishing', length: 12 } });
    expect(d2025).toMatchObject({
      eligible: true,
      documents: [{ code: 'insurance_certificate', message: 'Giấy chứng nhận bảo hiểm thuyền' }],
      fee: {
        total: 52000,
        lines: [
          { code: 'base', amount: 50000 },
          { code: 'per_metre', amount: 2000 },
        ],
      },
      processing: { days: 3, unit: 'working' },
      authority: 'Ban quản lý bến thuyền',
    });
    const d2026 = await mooring.decide(
      { on: '2026-01-01', owner: { dateOfBirth: '2010-01-01' } },
      { lang: 'en' },
    );
    expect(d2026).toMatchObject({
      eligible: false,
      reasons: [{ code: 'underage', message: 'The owner must be at least 18.' }],
    });
    expect(d2026.fee.total).toBe(80000);
  });

  it('asks only the questions whose conditions hold on the answers so far', async () => {
    const mooring = (await loadCatalog(mooringWithRepo())).get('mooring');
    let known: Record<string, unknown> = { owner: { dateOfBirth: '1980-01-01' } };
    expect(mooring.nextInput(known)?.id).toBe('kind');

    const leisure = mooring.applyAnswer(known, 'kind', 'leisure');
    if (!leisure.ok) throw leisure.error;
    expect(mooring.nextInput(leisure.facts)?.id).toBe('insured');

    const fishing = mooring.applyAnswer(known, 'kind', 'fishing');
    if (!fishing.ok) throw fishing.error;
    known = fishing.facts;
    expect(known).toEqual({ owner: { dateOfBirth: '1980-01-01' }, boat: { kind: 'fishing' } });
    expect(mooring.nextInput(known)?.id).toBe('length');

    const tooLong = mooring.applyAnswer(known, 'length', 250);
    expect(tooLong.ok).toBe(false);
    if (!tooLong.ok) expect(tooLong.error.code).toBe('HOSO_ERR_RULES_ANSWER_INVALID');
    const length = mooring.applyAnswer(known, 'length', 31);
    if (!length.ok) throw length.error;
    const insured = mooring.applyAnswer(length.facts, 'insured', true);
    if (!insured.ok) throw insured.error;
    expect(mooring.nextInput(insured.facts)).toBeUndefined();
    expect((await mooring.decide({ ...insured.facts, on: '2025-01-01' })).reasons.map((r) => r.code)).toEqual(
      ['too_long'],
    );
  });

  it('skips the LLTP child questions for a request about oneself and asks them for a child', async () => {
    const lltp = (await loadCatalog(REPO_RULES)).get('lltp');
    const asked = (facts: Record<string, unknown>, relation: string): string[] => {
      const ids: string[] = [];
      let known = facts;
      for (let input = lltp.nextInput(known); input; input = lltp.nextInput(known)) {
        ids.push(input.id);
        const answer =
          input.type === 'choice'
            ? input.id === 'relation'
              ? relation
              : input.options[0]!.value
            : input.type === 'yesno'
              ? false
              : input.type === 'integer'
                ? 1
                : input.type === 'date'
                  ? '2015-06-01'
                  : 'VN';
        const r = lltp.applyAnswer(known, input.id, answer);
        if (!r.ok) throw r.error;
        known = r.facts;
      }
      return ids;
    };
    const requester = { dateOfBirth: '1985-01-01', identityLevel: 2 };
    expect(asked({ requester }, 'self')).toEqual([
      'form',
      'purpose',
      'relation',
      'livedInSeveralProvinces',
      'livedAbroad',
      'channel',
      'copies',
      'feeCategory',
    ]);
    expect(asked({ requester }, 'child')).toContain('subjectDateOfBirth');
    expect(asked({ requester }, 'child')).not.toContain('hasAuthorization');
    expect(asked({ requester: { ...requester, nationality: 'KR' } }, 'self')).toContain('residedInVietnam');
  });

  it('rejects an answer that is not one of the options, and an unknown question', async () => {
    const lltp = (await loadCatalog(REPO_RULES)).get('lltp');
    const r = lltp.applyAnswer({}, 'channel', 'fax');
    expect(r.ok).toBe(false);
    const u = lltp.applyAnswer({}, 'favouriteColour', 'blue');
    expect(u.ok ? null : u.error.code).toBe('HOSO_ERR_RULES_UNKNOWN_INPUT');
  });

  it('loads one service from plain source, as a stored rule-set version would be', async () => {
    const source = await readServiceDir(`${REPO_RULES}/health_record`, 'health_record', []);
    const service = loadServiceSource(structuredClone(source));
    const d = await service.decide({
      on: '2025-06-01',
      requester: { dateOfBirth: '1988-08-08', identityLevel: 2 },
    });
    expect(d.reasons.map((r) => r.code)).toEqual(['consent_required']);
    expect(service.ruleSet).toEqual((await loadCatalog(REPO_RULES)).get('health_record').ruleSet);
  });
});
