/**
 * A made-up service (a harbour mooring permit) that no code knows about: if the engine, linter and
 * conversation helpers handle it, they are catalog-driven. Tests mutate copies of it to provoke findings.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REPO_RULES = new URL('../../rules', import.meta.url).pathname;

const L = (vi: string, en: string) => ({ vi, en });

export function mooringService(): Record<string, unknown> {
  return {
    id: 'mooring',
    version: '1.0.0',
    title: L('Giấy phép neo đậu thuyền', 'Boat mooring permit'),
    coverage: { from: '2024-01-01' },
    facts: [
      { name: 'on', type: 'date', default: { today: true }, description: 'Decision date.' },
      {
        name: 'owner.dateOfBirth',
        type: 'date',
        required: true,
        notAfter: 'on',
        description: 'Owner date of birth.',
      },
      {
        name: 'boat.kind',
        type: 'string',
        enum: ['fishing', 'leisure'],
        default: 'leisure',
        description: 'Boat kind.',
      },
      {
        name: 'boat.length',
        type: 'integer',
        min: 1,
        max: 100,
        default: 8,
        description: 'Length in metres.',
      },
      { name: 'boat.insured', type: 'boolean', default: false, description: 'Insurance held.' },
    ],
    derived: [
      {
        name: 'owner.age',
        type: 'integer',
        description: 'Age on the decision date.',
        expr: { age: { of: 'owner.dateOfBirth', on: 'on' } },
      },
      {
        name: 'boat.extraMetres',
        type: 'integer',
        description: 'Metres over 10.',
        expr: { max: [0, { sub: ['boat.length', 10] }] },
      },
    ],
    inputs: [
      {
        id: 'kind',
        type: 'choice',
        fills: 'boat.kind',
        prompt: L('Thuyền của anh/chị là loại nào?', 'What kind of boat is it?'),
        options: [
          { value: 'fishing', label: L('Thuyền đánh cá', 'Fishing boat') },
          { value: 'leisure', label: L('Thuyền du lịch', 'Leisure boat') },
        ],
      },
      {
        id: 'length',
        type: 'integer',
        fills: 'boat.length',
        min: 1,
        max: 100,
        prompt: L('Thuyền dài bao nhiêu mét?', 'How long is the boat, in metres?'),
        when: { all: [{ fact: 'boat', path: '$.kind', operator: 'equal', value: 'fishing' }] },
      },
      {
        id: 'insured',
        type: 'yesno',
        fills: 'boat.insured',
        prompt: L('Thuyền đã có bảo hiểm chưa?', 'Is the boat insured?'),
      },
    ],
    messages: {
      reasons: {
        underage: L('Chủ thuyền phải từ đủ 18 tuổi.', 'The owner must be at least 18.'),
        too_long: L(
          'Thuyền đánh cá dài quá 30 mét phải xin phép tại cảng biển.',
          'Fishing boats over 30 m apply at a seaport.',
        ),
      },
      documents: {
        insurance_certificate: L('Giấy chứng nhận bảo hiểm thuyền', 'Boat insurance certificate'),
      },
      fees: {
        base: L('Lệ phí cấp phép', 'Permit fee'),
        per_metre: L('Phụ thu theo chiều dài', 'Length surcharge'),
      },
      authorities: { harbour: L('Ban quản lý bến thuyền', 'Harbour office') },
    },
  };
}

export function mooringRules(): Record<string, unknown> {
  const basis = [{ instrument: 'Quy định giả định 1/2024', article: 'Điều 1' }];
  return {
    rules: [
      {
        id: 'M-underage',
        effective: { from: '2024-01-01' },
        basis,
        conditions: { all: [{ fact: 'owner', path: '$.age', operator: 'lessThan', value: 18 }] },
        event: { type: 'deny', params: { reason: 'underage' } },
      },
      {
        id: 'M-too-long',
        effective: { from: '2024-01-01' },
        basis,
        certainty: 'uncertain',
        note: 'Made up for tests.',
        conditions: {
          all: [
            { fact: 'boat', path: '$.kind', operator: 'equal', value: 'fishing' },
            { fact: 'boat', path: '$.length', operator: 'greaterThan', value: 30 },
          ],
        },
        event: { type: 'deny', params: { reason: 'too_long' } },
      },
      {
        id: 'M-insurance',
        effective: { from: '2024-01-01' },
        basis,
        conditions: { all: [{ fact: 'boat', path: '$.insured', operator: 'equal', value: false }] },
        event: { type: 'require', params: { document: 'insurance_certificate' } },
      },
      {
        id: 'M-fee-2024',
        effective: { from: '2024-01-01', to: '2025-12-31' },
        basis,
        conditions: { all: [] },
        event: { type: 'fee', params: { code: 'base', amount: 50000 } },
      },
      {
        id: 'M-fee-2026',
        effective: { from: '2026-01-01' },
        basis,
        conditions: { all: [] },
        event: { type: 'fee', params: { code: 'base', amount: 80000 } },
      },
      {
        id: 'M-per-metre',
        effective: { from: '2024-01-01' },
        basis,
        conditions: { all: [{ fact: 'boat', path: '$.extraMetres', operator: 'greaterThan', value: 0 }] },
        event: { type: 'fee', params: { code: 'per_metre', unitAmount: 1000, units: 'boat.extraMetres' } },
      },
      {
        id: 'M-processing',
        effective: { from: '2024-01-01' },
        basis,
        conditions: { all: [] },
        event: { type: 'processing', params: { days: 3, unit: 'working' } },
      },
      {
        id: 'M-authority',
        effective: { from: '2024-01-01' },
        basis,
        conditions: { all: [] },
        event: { type: 'authority', params: { code: 'harbour' } },
      },
    ],
  };
}

export function mooringScenarios(): Record<string, unknown> {
  return {
    scenarios: [
      {
        id: 'leisure-2025',
        description: 'An insured leisure boat in 2025 pays 50,000 ₫',
        facts: { on: '2025-05-05', owner: { dateOfBirth: '1980-01-01' }, boat: { insured: true } },
        expect: {
          eligible: true,
          documents: [],
          fee: { total: 50000 },
          processing: { days: 3, unit: 'working' },
          authority: 'harbour',
        },
      },
      {
        id: 'long-fishing-2026',
        description: 'A 35 m fishing boat is refused; 2026 fee with length surcharge',
        facts: {
          on: '2026-02-02',
          owner: { dateOfBirth: '1980-01-01' },
          boat: { kind: 'fishing', length: 35 },
        },
        expect: {
          eligible: false,
          reasons: ['too_long'],
          documents: ['insurance_certificate'],
          fee: { total: 105000 },
        },
      },
      {
        id: 'underage-owner-2025',
        description: 'An owner under 18 is refused',
        facts: { on: '2025-05-05', owner: { dateOfBirth: '2010-01-01' }, boat: { insured: true } },
        expect: { eligible: false, reasons: ['underage'] },
      },
    ],
  };
}

export interface CatalogFiles {
  service?: Record<string, unknown>;
  rules?: Record<string, unknown>;
  scenarios?: Record<string, unknown>;
}

/** Writes a catalog with the mooring service (possibly mutated) to a fresh temp dir; returns it and a cleanup. */
export function writeMooringCatalog(files: CatalogFiles = {}, options: { withRepo?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'hoso-rules-'));
  if (options.withRepo) cpSync(REPO_RULES, dir, { recursive: true });
  const svc = join(dir, 'mooring');
  mkdirSync(join(svc, 'rules'), { recursive: true });
  mkdirSync(join(svc, 'scenarios'), { recursive: true });
  writeFileSync(join(svc, 'service.json'), JSON.stringify(files.service ?? mooringService(), null, 2));
  writeFileSync(join(svc, 'rules', 'main.json'), JSON.stringify(files.rules ?? mooringRules(), null, 2));
  writeFileSync(
    join(svc, 'scenarios', 'main.json'),
    JSON.stringify(files.scenarios ?? mooringScenarios(), null, 2),
  );
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A copy of the repository catalog in a temp dir, for tests that edit it. */
export function copyRepoCatalog() {
  const dir = mkdtempSync(join(tmpdir(), 'hoso-rules-'));
  cpSync(REPO_RULES, dir, { recursive: true });
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: (s: string) => void out.push(s), stderr: (s: string) => void err.push(s) },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}

/** A service folder of the repository catalog as the admin API takes it: paths relative to the folder. */
export function serviceFiles(service: string): Record<string, unknown> {
  const root = join(REPO_RULES, service);
  const files: Record<string, unknown> = {
    'service.json': JSON.parse(readFileSync(join(root, 'service.json'), 'utf8')),
  };
  for (const sub of ['rules', 'scenarios']) {
    for (const name of readdirSync(join(root, sub)).filter((n) => n.endsWith('.json'))) {
      files[`${sub}/${name}`] = JSON.parse(readFileSync(join(root, sub, name), 'utf8'));
    }
  }
  return files;
}

type RuleJson = {
  id: string;
  effective: { from: string; to?: string };
  event: { params: Record<string, unknown> };
};

/** Edits the rule with this id in a copy of service files, and sets the service version. */
export function withRule(
  files: Record<string, unknown>,
  version: string,
  id: string,
  edit: (rule: RuleJson) => void,
): Record<string, unknown> {
  const copy = structuredClone(files) as Record<string, { rules?: RuleJson[]; version?: string }>;
  copy['service.json']!.version = version;
  for (const f of Object.values(copy)) for (const r of f.rules ?? []) if (r.id === id) edit(r);
  return copy;
}
