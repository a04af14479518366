import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/rules/catalog.ts';
import { sampler } from '../../src/rules/sample.ts';
import { REPO_RULES } from './fixtures.ts';

const catalog = await loadCatalog(REPO_RULES);
const lltp = catalog.get('lltp').compiled.service;

const CONTRACT_FACTS: Record<string, unknown> = {
  on: { today: true },
  channel: 'online',
  'requester.identityLevel': 0,
  'requester.nationality': 'VN',
  'requester.dateOfBirth': 'required',
  'subject.relation': 'self',
  'subject.dateOfBirth': { fact: 'requester.dateOfBirth' },
  'subject.nationality': { fact: 'requester.nationality' },
  'subject.residedInVietnam': true,
  'subject.livedInSeveralProvinces': false,
  'subject.livedAbroad': false,
  'request.form': 1,
  'request.copies': 1,
  'request.hasAuthorization': false,
  feeCategory: 'standard',
};
const CONTRACT_CATEGORIES = [
  'standard',
  'student',
  'pupil_16',
  'merit',
  'martyr_relative',
  'child',
  'elderly',
  'disabled',
  'poor',
  'near_poor',
  'special_commune',
];

describe('the LLTP catalog against contracts §3', () => {
  it('accepts the facts of the contract with its defaults, and optional facts that keep its answers', () => {
    const facts = Object.fromEntries(
      lltp.facts.map((f) => [f.name, f.default ?? (f.required ? 'required' : undefined)]),
    );
    expect(facts).toEqual({
      ...CONTRACT_FACTS,
      // Beyond contracts §3 (rules/lltp/README.md): the VNeID pilot windows, and the purpose of the request.
      onlinePlatform: 'portal',
      'subject.residenceProvince': undefined,
      'request.purpose': 'personal',
    });
    // Contracts §3 may be extended, never changed: a fact beyond it is optional and documented beside the rules.
    const readme = readFileSync(join(REPO_RULES, 'lltp/README.md'), 'utf8');
    for (const name of Object.keys(facts).filter((n) => !(n in CONTRACT_FACTS))) {
      expect(lltp.facts.find((f) => f.name === name)?.required, name).toBeFalsy();
      expect(readme, name).toContain(`\`${name}\``);
    }
    const category = lltp.facts.find((f) => f.name === 'feeCategory');
    expect(category?.type === 'string' && category.enum).toEqual([
      ...CONTRACT_CATEGORIES,
      'border_or_safe_zone_commune',
      'ethnic_minority_difficult_commune',
    ]);
  });

  it('never applies the VNeID pilot limits to a caller that gives only the facts of the contract', () => {
    const service = catalog.get('lltp');
    const pilotDates = { dateRange: ['2024-01-01', '2025-12-31'] as [string, string] };
    const next = sampler(
      { ...lltp, facts: lltp.facts.map((f) => (f.name === 'on' ? { ...f, sample: pilotDates } : f)) },
      { seed: 5 },
    );
    for (let i = 0; i < 5000; i++) {
      const facts = next() as { onlinePlatform?: string; subject?: { residenceProvince?: string } };
      delete facts.onlinePlatform;
      delete facts.subject?.residenceProvince;
      const codes = service.decideSync(facts).reasons.map((r) => r.code);
      expect(codes.filter((c) => c.startsWith('vneid_') || c === 'fee_proof_not_on_vneid')).toEqual([]);
    }
  });

  it('has every reason, document and fee-line code of the contract, in Vietnamese and English', () => {
    const reasons = [
      'identity_level_too_low',
      'underage',
      'form2_proxy_not_allowed',
      'proxy_not_allowed_online',
      'foreigner_online_not_supported',
      'foreigner_never_resided',
      'copies_out_of_range',
    ];
    const documents = [
      'authorization_letter',
      'relationship_proof',
      'id_copy',
      'residence_card',
      'fee_reduction_proof',
      'fee_exemption_proof',
      'signature_certification',
    ];
    const fees = ['base', 'extra_copies', 'online_discount', 'reduction', 'exemption'];
    for (const [table, codes] of [
      ['reasons', reasons],
      ['documents', documents],
      ['fees', fees],
    ] as const) {
      for (const code of codes) {
        const m = lltp.messages[table]?.[code];
        expect(m?.vi, `${table}.${code}`).toBeTruthy();
        expect(m?.en, `${table}.${code}`).toBeTruthy();
        expect(m!.vi).toBe(m!.vi!.normalize('NFC'));
      }
    }
  });

  it('gives every rule a window, a legal basis, and a note when the reading is not confirmed', () => {
    for (const service of catalog.services) {
      for (const { rule } of service.compiled.parsed.rules) {
        expect(rule.basis.length, rule.id).toBeGreaterThan(0);
        expect(rule.effective.from, rule.id).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        if ((rule.certainty ?? 'confirmed') !== 'confirmed')
          expect(rule.note, rule.id).toMatch(/\[(UNCERTAIN|CONFLICT|SINGLE)/);
      }
    }
  });

  it('documents the health-record facts beside its rules', () => {
    const readme = readFileSync(join(REPO_RULES, 'health_record/README.md'), 'utf8');
    for (const f of catalog.get('health_record').compiled.service.facts)
      expect(readme, f.name).toContain(`\`${f.name}\``);
  });
});
