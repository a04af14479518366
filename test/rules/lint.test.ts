import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/rules/catalog.ts';
import { CatalogError } from '../../src/rules/errors.ts';
import { type Finding, lintCatalog } from '../../src/rules/lint.ts';
import {
  copyRepoCatalog,
  mooringRules,
  mooringScenarios,
  mooringService,
  REPO_RULES,
  writeMooringCatalog,
} from './fixtures.ts';

// biome-ignore lint/suspicious/noExplicitAny: tests edit catalog JSON freely, the linter is what checks it
type Json = Record<string, any>;

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

async function lintWith(edit: {
  service?: (s: Json) => void;
  rules?: (r: Json) => void;
  scenarios?: (s: Json) => void;
}) {
  const service = mooringService() as Json;
  const rules = mooringRules() as Json;
  const scenarios = mooringScenarios() as Json;
  edit.service?.(service);
  edit.rules?.(rules);
  edit.scenarios?.(scenarios);
  const { dir, cleanup } = writeMooringCatalog({ service, rules, scenarios });
  cleanups.push(cleanup);
  return { dir, findings: await lintCatalog(dir) };
}

const errors = (fs: Finding[]) => fs.filter((f) => f.severity === 'error');

describe('lintCatalog', () => {
  it('finds nothing wrong in the shipped catalog', async () => {
    expect(await lintCatalog(REPO_RULES)).toEqual([]);
  });

  it('finds nothing wrong in the made-up service', async () => {
    expect((await lintWith({})).findings).toEqual([]);
  });

  it('catches a typo in a fact path, which json-rules-engine would silently read as undefined', async () => {
    const { findings } = await lintWith({ rules: (r) => (r.rules[1].conditions.all[1].path = '$.lenght') });
    expect(errors(findings)).toEqual([
      {
        severity: 'error',
        file: 'mooring/rules/main.json',
        rule: 'M-too-long',
        path: '$.rules[1].conditions.all[1]',
        code: 'unknown_path',
        message: 'unknown fact path "$.lenght" of "boat" (did you mean "boat.length"?)',
      },
    ]);
  });

  it('catches an unknown fact and a path on a single-valued fact', async () => {
    const { findings } = await lintWith({
      rules: (r) => {
        r.rules[0].conditions.all[0].fact = 'ownr';
        r.rules[2].conditions.all.push({ fact: 'on', path: '$.year', operator: 'equal', value: 1 });
      },
    });
    expect(errors(findings).map((f) => [f.rule, f.code])).toEqual([
      ['M-underage', 'unknown_fact'],
      ['M-insurance', 'unknown_path'],
    ]);
    expect(findings[0]!.message).toContain('did you mean "owner"');
  });

  it('catches an unknown operator, which the engine would only notice when evaluating it', async () => {
    const { findings } = await lintWith({
      rules: (r) => (r.rules[0].conditions.all[0].operator = 'lessThen'),
    });
    expect(errors(findings)).toMatchObject([
      { rule: 'M-underage', path: '$.rules[0].conditions.all[0].operator', code: 'unknown_operator' },
    ]);
  });

  it('accepts decorated operators and rejects unknown decorators', async () => {
    const ok = await lintWith({
      rules: (r) => (r.rules[0].conditions.all[0].operator = 'not:greaterThanInclusive'),
    });
    expect(errors(ok.findings)).toEqual([]);
    const bad = await lintWith({ rules: (r) => (r.rules[0].conditions.all[0].operator = 'never:lessThan') });
    expect(errors(bad.findings)).toMatchObject([{ code: 'unknown_operator' }]);
  });

  it('catches a value of the wrong type or outside the declared values', async () => {
    const { findings } = await lintWith({
      rules: (r) => {
        r.rules[1].conditions.all[0].value = 'fishng';
        r.rules[0].conditions.all[0].value = '18';
        r.rules[2].conditions.all[0].operator = 'in';
      },
    });
    expect(errors(findings).map((f) => [f.rule, f.code, f.message])).toEqual([
      ['M-underage', 'value_type', '"lessThan" needs a number, got string'],
      ['M-too-long', 'value_type', 'boat.kind: "fishng" is not one of fishing, leisure'],
      ['M-insurance', 'value_type', '"in" needs a list, got boolean'],
    ]);
  });

  it('catches an event outside the vocabulary', async () => {
    const { findings } = await lintWith({ rules: (r) => (r.rules[2].event = { type: 'warn', params: {} }) });
    expect(errors(findings)).toMatchObject([
      {
        file: 'mooring/rules/main.json',
        rule: 'M-insurance',
        path: '$.rules[2].event.type',
        code: 'unknown_event',
      },
    ]);
  });

  it('catches a code without a Vietnamese or English message', async () => {
    const { findings } = await lintWith({
      service: (s) => {
        delete s.messages.reasons.too_long.en;
        delete s.messages.documents.insurance_certificate;
      },
    });
    expect(errors(findings).map((f) => [f.rule, f.code, f.message])).toEqual([
      ['M-too-long', 'missing_message', 'reasons code "too_long" has no en message'],
      ['M-insurance', 'missing_message', 'documents code "insurance_certificate" has no vi or en message'],
    ]);
  });

  it('catches two fee lines with one code whose windows overlap', async () => {
    const { findings } = await lintWith({ rules: (r) => (r.rules[3].effective.to = '2026-01-01') });
    expect(errors(findings)).toMatchObject([{ rule: 'M-fee-2026', code: 'double_count' }]);
  });

  it('accepts overlapping fee windows when the conditions exclude each other', async () => {
    const { findings } = await lintWith({
      rules: (r) => {
        r.rules[3].effective.to = undefined;
        r.rules[3].conditions = {
          all: [{ fact: 'boat', path: '$.kind', operator: 'equal', value: 'fishing' }],
        };
        r.rules[4].effective.from = '2024-01-01';
        r.rules[4].conditions = {
          not: { all: [{ fact: 'boat', path: '$.kind', operator: 'in', value: ['fishing'] }] },
        };
      },
    });
    expect(errors(findings)).toEqual([]);
  });

  it('warns about an input that no rule reads', async () => {
    const { findings } = await lintWith({ rules: (r) => r.rules.splice(2, 1) });
    expect(errors(findings)).toEqual([]);
    expect(findings).toContainEqual(
      expect.objectContaining({
        severity: 'warning',
        rule: 'insured',
        code: 'input_never_read',
        path: '$.inputs[2].fills',
      }),
    );
  });

  it('catches malformed dates, including days that do not exist', async () => {
    const { findings } = await lintWith({
      rules: (r) => {
        r.rules[3].effective.to = '2025-02-30';
        r.rules[4].effective.from = '2026-1-1';
      },
    });
    expect(errors(findings).map((f) => [f.rule, f.path, f.code])).toEqual([
      ['M-fee-2024', '$.rules[3].effective.to', 'malformed_date'],
      ['M-fee-2026', '$.rules[4].effective.from', 'malformed_date'],
    ]);
  });

  it('catches duplicate rule ids and inverted windows', async () => {
    const { findings } = await lintWith({
      rules: (r) => {
        r.rules[4].id = 'M-fee-2024';
        r.rules[4].effective = { from: '2026-01-01', to: '2025-01-01' };
      },
    });
    expect(errors(findings).map((f) => f.code)).toEqual(['duplicate_rule_id', 'window_inverted']);
  });

  it('reads a rule title in both languages, and warns about an English-only one', async () => {
    const ok = await lintWith({
      rules: (r) => (r.rules[0].title = { vi: 'Chủ thuyền từ đủ 18 tuổi', en: 'Owners are 18 or over' }),
    });
    expect(ok.findings).toEqual([]);
    const { findings } = await lintWith({ rules: (r) => (r.rules[0].title = 'Owners are 18 or over') });
    expect(findings).toEqual([
      {
        severity: 'warning',
        file: 'mooring/rules/main.json',
        rule: 'M-underage',
        path: '$.rules[0].title',
        code: 'title_not_localized',
        message: 'the title is English only; give it as {"vi": "…", "en": "…"}',
      },
    ]);
  });

  it('asks for a note on a rule whose reading is uncertain', async () => {
    const { findings } = await lintWith({ rules: (r) => delete r.rules[1].note });
    expect(errors(findings)).toMatchObject([{ rule: 'M-too-long', code: 'note_missing' }]);
  });

  it('catches an input whose condition reads a later answer', async () => {
    const { findings } = await lintWith({
      service: (s) =>
        (s.inputs[0].when = { all: [{ fact: 'boat', path: '$.insured', operator: 'equal', value: true }] }),
    });
    expect(errors(findings)).toMatchObject([{ rule: 'kind', code: 'when_refers_later_input' }]);
  });

  it('catches inputs that fill unknown facts or do not fit the fact', async () => {
    const { findings } = await lintWith({
      service: (s) => {
        s.inputs[1].fills = 'boat.lenght';
        s.inputs[2].type = 'integer';
        s.inputs[0].options[0].value = 'canoe';
      },
    });
    expect(errors(findings).map((f) => [f.rule, f.code])).toEqual([
      ['kind', 'input_option'],
      ['length', 'unknown_fact'],
      ['insured', 'input_type'],
    ]);
  });

  it('catches scenarios whose facts the service would refuse', async () => {
    const { findings } = await lintWith({ scenarios: (s) => (s.scenarios[0].facts.boat.length = 'long') });
    expect(errors(findings)).toMatchObject([
      {
        rule: 'leisure-2025',
        code: 'scenario_facts',
        message: 'Fact "boat.length" must be an integer from 1 to 100; got "long"',
      },
    ]);
  });

  it('reports a file that is not JSON', async () => {
    const { dir, cleanup } = writeMooringCatalog();
    cleanups.push(cleanup);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(`${dir}/mooring/rules/broken.json`, '{ "rules": [ }');
    expect(errors(await lintCatalog(dir))).toMatchObject([
      { file: 'mooring/rules/broken.json', code: 'invalid_json' },
    ]);
  });
});

describe('coverage: a base fee, a processing time and an authority on every day, for every request', () => {
  async function lintRepoWith(file: string, id: string, edit: (rule: Json) => void) {
    const { dir, cleanup } = copyRepoCatalog();
    cleanups.push(cleanup);
    const path = join(dir, file);
    const content = JSON.parse(readFileSync(path, 'utf8')) as Json;
    edit(content.rules.find((r: Json) => r.id === id));
    writeFileSync(path, JSON.stringify(content));
    return lintCatalog(dir);
  }

  it('catches a week without a base fee when the 2025 fee starts late', async () => {
    const findings = await lintRepoWith(
      'lltp/rules/fees.json',
      'F3-base-2025',
      (r) => (r.effective.from = '2025-05-01'),
    );
    expect(errors(findings)).toEqual([
      {
        severity: 'error',
        file: 'lltp/rules/fees.json',
        rule: 'F3-base-2025',
        path: '$.rules[1].effective.from',
        code: 'coverage_gap',
        message:
          "no base fee rule is in force from 2025-04-24 to 2025-04-30, inside the rule set's coverage (from 2017-01-01)",
      },
    ]);
  });

  it('catches days without an authority when the police take over a few days late', async () => {
    const findings = await lintRepoWith(
      'lltp/rules/authority.json',
      'E7-authority-police',
      (r) => (r.effective.from = '2025-03-04'),
    );
    expect(errors(findings)).toMatchObject([
      {
        file: 'lltp/rules/authority.json',
        rule: 'E7-authority-police',
        path: '$.rules[1].effective.from',
        code: 'coverage_gap',
      },
    ]);
    expect(errors(findings)[0]!.message).toContain('from 2025-03-01 to 2025-03-03');
  });

  it('catches a window that ends while the rule set still answers', async () => {
    const findings = await lintRepoWith(
      'lltp/rules/processing.json',
      'T3-amended-law',
      (r) => (r.effective.to = '2030-12-31'),
    );
    expect(errors(findings)).toMatchObject([
      { rule: 'T3-amended-law', path: '$.rules[2].effective.to', code: 'coverage_gap' },
    ]);
    expect(errors(findings)[0]!.message).toContain('no processing time rule is in force from 2031-01-01 on');
  });

  it('catches requests no base fee applies to, with an example', async () => {
    const { findings } = await lintWith({
      rules: (r) =>
        (r.rules[3].conditions = {
          all: [{ fact: 'boat', path: '$.kind', operator: 'equal', value: 'fishing' }],
        }),
    });
    expect(errors(findings)).toMatchObject([
      {
        rule: 'M-fee-2024',
        path: '$.rules[3].conditions',
        code: 'coverage_gap',
        message:
          'from 2024-01-01 to 2025-12-31, no base fee rule applies when boat.kind not in ["fishing"] (rules in force: "M-fee-2024")',
      },
    ]);
  });

  it('accepts base fees split by exclusive conditions', async () => {
    const { findings } = await lintWith({
      rules: (r) => {
        r.rules.push({
          ...r.rules[3],
          id: 'M-fee-2024-fishing',
          conditions: { all: [{ fact: 'boat', path: '$.kind', operator: 'equal', value: 'fishing' }] },
        });
        r.rules[3].conditions = {
          all: [{ fact: 'boat', path: '$.kind', operator: 'notEqual', value: 'fishing' }],
        };
      },
    });
    expect(findings).toEqual([]);
  });

  it('warns when a condition is beyond what it can prove', async () => {
    const { findings } = await lintWith({
      rules: (r) =>
        (r.rules[3].conditions = {
          all: [{ fact: 'boat', path: '$.kind', operator: 'not:equal', value: 'canoe' }],
        }),
    });
    expect(findings).toMatchObject([
      {
        severity: 'warning',
        code: 'base_coverage_unproven',
        rule: 'M-fee-2024',
        path: '$.rules[3].conditions',
      },
    ]);
  });

  it('asks nothing of an event kind the service does not use', async () => {
    const { findings } = await lintWith({ rules: (r) => r.rules.splice(6, 1) });
    expect(findings).toEqual([]);
  });
});

describe('every finding at once', () => {
  it('checks the rules that parse even when a sibling in the same file fails its schema', async () => {
    const { findings } = await lintWith({
      rules: (r) => {
        r.rules[4].effective.from = '2026-13-01';
        r.rules[1].conditions.all[1].path = '$.lenght';
        r.rules[0].conditions.all[0].operator = 'lessThen';
      },
      service: (s) => delete s.messages.documents.insurance_certificate.en,
    });
    expect(errors(findings).map((f) => [f.rule, f.path, f.code])).toEqual([
      ['M-fee-2026', '$.rules[4].effective.from', 'malformed_date'],
      ['M-underage', '$.rules[0].conditions.all[0].operator', 'unknown_operator'],
      ['M-too-long', '$.rules[1].conditions.all[1]', 'unknown_path'],
      ['M-insurance', '$.rules[2].event.params', 'missing_message'],
    ]);
  });

  it('reports no message, condition or input as unused while a rule file fails its schema', async () => {
    const { findings } = await lintWith({
      rules: (r) => {
        r.rules[2].basis = [];
        r.rules[0].event.type = 'warn';
      },
    });
    expect(findings.map((f) => f.code).sort()).toEqual(['schema', 'unknown_event']);
  });

  it('reports nothing as unused while a rule file is not even JSON', async () => {
    const rules = mooringRules() as Json;
    const insurance = rules.rules.splice(2, 1);
    const { dir, cleanup } = writeMooringCatalog({ rules });
    cleanups.push(cleanup);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(`${dir}/mooring/rules/insurance.json`, `${JSON.stringify({ rules: insurance })},`);
    expect(await lintCatalog(dir)).toMatchObject([
      { severity: 'error', file: 'mooring/rules/insurance.json', code: 'invalid_json' },
    ]);
  });

  it('refuses a folder without any service, rather than passing it as clean', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(`${tmpdir()}/hoso-empty-`);
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    expect(await lintCatalog(dir)).toMatchObject([{ severity: 'error', file: '.', code: 'no_services' }]);
    expect(await lintCatalog(`${dir}/missing`)).toMatchObject([{ code: 'unreadable_catalog' }]);
  });
});

describe('a catalog with errors', () => {
  it('is never loaded, and the error lists every finding', async () => {
    const rules = mooringRules() as Json;
    rules.rules[0].conditions.all[0].operator = 'lessThen';
    rules.rules[1].conditions.all[1].path = '$.lenght';
    const { dir, cleanup } = writeMooringCatalog({ rules });
    cleanups.push(cleanup);
    const err = await loadCatalog(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CatalogError);
    const e = err as CatalogError;
    expect(e.code).toBe('HOSO_ERR_RULES_CATALOG_INVALID');
    expect(e.findings.map((f) => f.code)).toEqual(['unknown_operator', 'unknown_path']);
    expect(e.message).toContain('M-underage');
    expect(e.message).toContain('M-too-long');
  });

  it('loads when only warnings remain, and keeps them', async () => {
    const rules = mooringRules() as Json;
    rules.rules.splice(2, 1);
    const { dir, cleanup } = writeMooringCatalog({ rules });
    cleanups.push(cleanup);
    const catalog = await loadCatalog(dir);
    expect(
      catalog
        .get('mooring')
        .findings.map((f) => f.code)
        .sort(),
    ).toEqual(['input_never_read', 'unused_message']);
  });
});
