import { beforeAll, describe, expect, it } from 'vitest';
import { type Catalog, type LoadedService, loadCatalog } from '../../src/rules/catalog.ts';
import { todayInVietnam } from '../../src/rules/dates.ts';
import { DecisionSchema } from '../../src/rules/decision.ts';
import { FactError, RulesError } from '../../src/rules/errors.ts';
import { REPO_RULES } from './fixtures.ts';

let catalog: Catalog;
let lltp: LoadedService;
beforeAll(async () => {
  catalog = await loadCatalog(REPO_RULES);
  lltp = catalog.get('lltp');
});

const adult = { dateOfBirth: '1990-05-05', identityLevel: 2 };

describe('evaluate (decision envelope of contracts §3)', () => {
  it('returns exactly the fields of the contract, in order, without trace unless asked', async () => {
    const d = await lltp.decide({ on: '2026-11-25', requester: adult });
    expect(Object.keys(d)).toEqual([
      'service',
      'ruleSet',
      'on',
      'eligible',
      'reasons',
      'documents',
      'fee',
      'processing',
      'authority',
    ]);
    expect(DecisionSchema.parse(d)).toEqual(d);
    expect(d).toMatchObject({
      service: 'lltp',
      ruleSet: { version: '2026.11.1', hash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) },
      on: '2026-11-25',
      eligible: true,
      reasons: [],
      documents: [],
      fee: { total: 200000, currency: 'VND', lines: [{ code: 'base', amount: 200000 }] },
      processing: { days: 5, unit: 'working' },
    });
    expect(d.authority).toMatch(/^Công an tỉnh/);
  });

  it('decides on today in Vietnam when no date is given', async () => {
    const d = await lltp.decide({ requester: adult });
    expect(d.on).toBe(todayInVietnam());
  });

  it('takes --on over the on fact', async () => {
    const d = await lltp.decide(
      { on: '2026-11-25', channel: 'online', requester: adult },
      { on: '2025-06-01' },
    );
    expect(d.on).toBe('2025-06-01');
    expect(d.fee.total).toBe(170000);
  });

  it('only considers rules in force on the decision date', async () => {
    const facts = { channel: 'online', requester: adult };
    const days = ['2025-04-23', '2025-04-24', '2025-12-31', '2026-01-01'];
    const totals = await Promise.all(
      days.map((on) => lltp.decide({ ...facts, on }).then((d) => d.fee.total)),
    );
    expect(totals).toEqual([200000, 170000, 170000, 200000]);
  });

  it('gives messages in the requested language', async () => {
    const facts = { on: '2026-11-25', channel: 'online', requester: { dateOfBirth: '1990-05-05' } };
    const vi = await lltp.decide(facts);
    const en = await lltp.decide(facts, { lang: 'en' });
    expect(vi.reasons[0]!.message).toContain('tài khoản định danh điện tử VNeID mức độ 2');
    expect(en.reasons[0]!.message).toContain('level-2 VNeID');
    expect(en.reasons[0]!.code).toBe(vi.reasons[0]!.code);
  });

  it('traces every rule considered, fired or not, with the facts it read', async () => {
    const d = await lltp.decide(
      {
        on: '2025-06-01',
        channel: 'online',
        requester: { ...adult, identityLevel: 1 },
        request: { copies: 3 },
      },
      { trace: true },
    );
    const trace = d.trace!;
    const ids = trace.map((t) => t.rule);
    expect(ids).toContain('E4-online-identity-level');
    expect(ids).not.toContain('F3-base-2017');
    const level = trace.find((t) => t.rule === 'E4-online-identity-level')!;
    expect(level).toMatchObject({
      fired: true,
      event: { type: 'deny', params: { reason: 'identity_level_too_low' } },
      facts: { channel: 'online', 'requester.identityLevel': 1 },
      effective: { from: '2024-04-22' },
    });
    expect(level.basis[0]!.instrument).toContain('VNeID');
    const foreigner = trace.find((t) => t.rule === 'E1-foreigner-never-resided')!;
    expect(foreigner.fired).toBe(false);
    expect(foreigner.facts).toEqual({ 'subject.nationality': 'VN', 'subject.residedInVietnam': true });
    const copies = trace.find((t) => t.rule === 'F4-extra-copies-2025')!;
    expect(copies).toMatchObject({ fired: true, facts: { 'request.extraCopies': 1 } });
  });

  it('gives the same decision with and without trace', async () => {
    const facts = { on: '2024-10-15', channel: 'post', requester: adult, subject: { relation: 'spouse' } };
    const { trace, ...withTrace } = await lltp.decide(facts, { trace: true });
    expect(trace!.length).toBeGreaterThan(20);
    expect(withTrace).toEqual(await lltp.decide(facts));
  });

  it('refuses facts of the wrong type with an error naming the fact', () => {
    const cases: [unknown, string, string][] = [
      [
        { requester: { dateOfBirth: '1990-01-01', identityLevel: '2' } },
        'requester.identityLevel',
        'must be one of 0, 1, 2; got "2"',
      ],
      [{ requester: adult, channel: 'fax' }, 'channel', 'must be one of online, in_person, post; got "fax"'],
      [{ requester: adult, request: { copies: 1.5 } }, 'request.copies', 'must be an integer; got 1.5'],
      [
        { requester: { dateOfBirth: '1990-02-30' } },
        'requester.dateOfBirth',
        'must be a date YYYY-MM-DD; got "1990-02-30"',
      ],
      [
        { requester: adult, subject: { nationality: 'Viet Nam' } },
        'subject.nationality',
        'must be a text matching',
      ],
      [
        { requester: adult, subject: { relaton: 'self' } },
        'subject.relaton',
        'Unknown fact "subject.relaton"',
      ],
      [{ requester: {} }, 'requester.dateOfBirth', 'is required'],
      [{}, 'requester.dateOfBirth', 'Fact "requester.dateOfBirth" is required'],
      [{ subject: { relation: 'self' } }, 'requester.dateOfBirth', 'is required'],
      [
        { on: '2025-01-01', requester: { dateOfBirth: '2030-01-01' } },
        'requester.dateOfBirth',
        'is later than "on"',
      ],
    ];
    for (const [facts, fact, message] of cases) {
      let caught: unknown;
      try {
        lltp.decideSync(facts);
      } catch (err) {
        caught = err;
      }
      expect(caught, fact).toBeInstanceOf(FactError);
      expect((caught as FactError).fact).toBe(fact);
      expect((caught as FactError).code).toBe('HOSO_ERR_RULES_FACT_INVALID');
      expect((caught as FactError).message).toContain(message);
    }
  });

  it('applies the defaults of contracts §3', async () => {
    const { trace } = await lltp.decide(
      { on: '2026-11-25', requester: { dateOfBirth: '1990-05-05' } },
      { trace: true },
    );
    const read = Object.assign({}, ...trace!.map((t) => t.facts));
    expect(read).toMatchObject({
      channel: 'online',
      'requester.identityLevel': 0,
      'requester.nationality': 'VN',
      'subject.relation': 'self',
      'subject.nationality': 'VN',
      'subject.residedInVietnam': true,
      'request.form': 1,
      'request.copies': 1,
      feeCategory: 'standard',
      'subject.age': 36,
    });
  });

  it('refuses a date before the rule set covers', () => {
    expect(() => lltp.decideSync({ on: '2016-12-31', requester: adult })).toThrow(RulesError);
    try {
      lltp.decideSync({ on: '2016-12-31', requester: adult });
    } catch (err) {
      expect((err as RulesError).code).toBe('HOSO_ERR_RULES_DATE_OUT_OF_RANGE');
    }
  });

  it('refuses an unknown service with a coded error', () => {
    expect(() => catalog.get('passport')).toThrow(
      expect.objectContaining({ code: 'HOSO_ERR_RULES_UNKNOWN_SERVICE' }),
    );
  });

  it('does not change the facts it is given', async () => {
    const facts = { on: '2025-06-01', requester: { ...adult } };
    const copy = structuredClone(facts);
    await lltp.decide(facts, { trace: true });
    expect(facts).toEqual(copy);
  });

  it('keeps the rule-set hash stable across loads and sensitive to rule content', async () => {
    const again = await loadCatalog(REPO_RULES);
    expect(again.get('lltp').ruleSet).toEqual(lltp.ruleSet);
    expect(catalog.get('health_record').ruleSet.hash).not.toBe(lltp.ruleSet.hash);
  });
});
