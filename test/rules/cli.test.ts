import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runRulesCommand } from '../../src/rules/cli.ts';
import { RulesAdmin } from '../../src/rules/publish.ts';
import { RuleVersionStore } from '../../src/rules/versions.ts';
import { testRedisStore } from '../support/redis.ts';
import { captureIo, copyRepoCatalog, mooringRules, REPO_RULES, writeMooringCatalog } from './fixtures.ts';

let options: Parameters<typeof runRulesCommand>[2] = {};
let cleanups: (() => void)[] = [];
afterEach(() => {
  options = {};
  for (const c of cleanups) c();
  cleanups = [];
});

async function run(...args: string[]) {
  const c = captureIo();
  const code = await runRulesCommand(args, c.io, options);
  return { code, stdout: c.stdout(), stderr: c.stderr() };
}

const facts = JSON.stringify({
  on: '2025-06-01',
  channel: 'online',
  requester: { dateOfBirth: '1990-05-05', identityLevel: 2 },
});

describe('hoso rules lint', () => {
  it('prints the findings as JSON and exits 0 on a clean catalog', async () => {
    const r = await run('lint', REPO_RULES);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ ok: true, errors: 0, warnings: 0, findings: [] });
  });

  it('exits 1 and names file, rule and path of every error', async () => {
    const rules = mooringRules() as { rules: { conditions: { all: { path?: string }[] } }[] };
    rules.rules[1]!.conditions.all[1]!.path = '$.lenght';
    const { dir, cleanup } = writeMooringCatalog({ rules });
    cleanups.push(cleanup);
    const r = await run('lint', dir);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings).toMatchObject([
      {
        file: 'mooring/rules/main.json',
        rule: 'M-too-long',
        path: '$.rules[1].conditions.all[1]',
        code: 'unknown_path',
      },
    ]);
  });
});

describe('hoso rules test', () => {
  it('runs every stored scenario and ends with the summary line', async () => {
    const r = await run('test', REPO_RULES);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+ passed, 0 failed\n$/);
    expect(Number(r.stdout.split(' ')[0])).toBeGreaterThanOrEqual(50);
  });

  it('exits 1 and reports the failing scenario when the rules change', async () => {
    const { dir, cleanup } = copyRepoCatalog();
    cleanups.push(cleanup);
    const file = join(dir, 'lltp/rules/fees.json');
    const fees = JSON.parse((await import('node:fs')).readFileSync(file, 'utf8'));
    fees.rules.find((x: { id: string }) => x.id === 'F3-online-discount-standard').event.params.amount =
      -50000;
    writeFileSync(file, JSON.stringify(fees));
    const r = await run('test', dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^\d+ passed, [1-9]\d* failed\n$/);
    expect(r.stderr).toContain('lltp/2025-04-24-first-day-online-170k');
    expect(r.stderr).toContain('fee total: expected 170000, got 150000');
  });
});

describe('hoso rules lint and test on a folder without services', () => {
  it('is an error, not a silent pass', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'hoso-empty-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const lint = await run('lint', dir);
    expect(lint.code).toBe(1);
    expect(JSON.parse(lint.stdout).findings).toMatchObject([{ code: 'no_services' }]);
    const test = await run('test', dir);
    expect(test.code).toBe(1);
    expect(test.stderr).toContain('no_services');
  });
});

describe('hoso rules eval', () => {
  it('prints the decision JSON of contracts §3', async () => {
    const r = await run('eval', 'lltp', '--facts', facts, '--dir', REPO_RULES);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d).toMatchObject({
      service: 'lltp',
      on: '2025-06-01',
      eligible: true,
      fee: { total: 170000, currency: 'VND' },
    });
    expect(d.trace).toBeUndefined();
    expect(r.stderr).toBe('');
  });

  it('reads facts from a file, and honours --trace, --lang and --on', async () => {
    const { dir, cleanup } = copyRepoCatalog();
    cleanups.push(cleanup);
    const file = join(dir, 'facts.json');
    writeFileSync(file, facts);
    const r = await run(
      'eval',
      'lltp',
      '--facts',
      file,
      '--trace',
      '--lang',
      'en',
      '--on',
      '2026-01-01',
      '--dir',
      REPO_RULES,
    );
    const d = JSON.parse(r.stdout);
    expect(d.on).toBe('2026-01-01');
    expect(d.fee.total).toBe(200000);
    expect(d.authority).toMatch(/^The provincial police/);
    expect(d.trace.length).toBeGreaterThan(10);
  });

  it('exits 1 with a coded error naming a fact of the wrong type', async () => {
    const r = await run(
      'eval',
      'lltp',
      '--facts',
      '{"requester":{"dateOfBirth":"1990-01-01","identityLevel":"2"}}',
      '--dir',
      REPO_RULES,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(JSON.parse(r.stderr).error).toMatchObject({
      code: 'HOSO_ERR_RULES_FACT_INVALID',
      fact: 'requester.identityLevel',
    });
  });

  it('exits 1 on an unknown service and 2 on a usage mistake', async () => {
    const unknown = await run('eval', 'passport', '--facts', facts, '--dir', REPO_RULES);
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stderr).error.code).toBe('HOSO_ERR_RULES_UNKNOWN_SERVICE');
    expect((await run('eval', 'lltp', '--dir', REPO_RULES)).code).toBe(2);
    expect((await run('eval', 'lltp', '--facts', facts, '--lang', 'fr')).code).toBe(2);
    expect((await run('frobnicate')).code).toBe(2);
  });
});

describe('hoso rules explain', () => {
  it('prints the citizen explanation as JSON', async () => {
    const r = await run('explain', 'lltp', '--facts', facts, '--dir', REPO_RULES);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ service: 'lltp', eligible: true });
    expect(out.explanation).toContain('Nộp phí 170.000');
  });
});

describe('hoso rules impact', () => {
  it('counts the decisions that flip between two rule sets, with examples', async () => {
    const { dir, cleanup } = copyRepoCatalog();
    cleanups.push(cleanup);
    const file = join(dir, 'lltp/rules/processing.json');
    const proc = JSON.parse((await import('node:fs')).readFileSync(file, 'utf8'));
    proc.rules.find((x: { id: string }) => x.id === 'T3-amended-law').event.params.days = 7;
    writeFileSync(file, JSON.stringify(proc));
    const r = await run('impact', 'lltp', '--from', REPO_RULES, '--to', dir, '--sample', '2000');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({
      service: 'lltp',
      sample: 2000,
      seed: 1,
      flips: { eligibility: 0, feeTotal: 0 },
    });
    expect(report.flips.processing).toBeGreaterThan(0);
    expect(report.changed).toBe(report.flips.processing);
    expect(report.examples.processing[0]).toMatchObject({
      from: { processing: '5 working' },
      to: { processing: '7 working' },
    });
    expect(report.examples.processing[0].facts.on >= '2026-07-01').toBe(true);
    expect(report.from.hash).not.toBe(report.to.hash);
  });
});

describe('hoso rules impact against a stored version', () => {
  it('reads --from VERSION from the store', async () => {
    const redis = testRedisStore();
    try {
      await new RulesAdmin({ versions: new RuleVersionStore(redis.store) }).seed(REPO_RULES);
      options = { store: redis.store };
      const r = await run('impact', 'lltp', '--from', '2026.11.1', '--to', REPO_RULES, '--sample', '500');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ from: { version: '2026.11.1' }, changed: 0 });
      const missing = await run('impact', 'lltp', '--from', '1.0.0', '--to', REPO_RULES);
      expect([missing.code, JSON.parse(missing.stderr).error.code]).toEqual([
        1,
        'HOSO_ERR_RULES_UNKNOWN_VERSION',
      ]);
    } finally {
      await redis.cleanup();
    }
  });
});

describe('hoso rules schema', () => {
  it('says rules/schema.json is fresh, and prints the schema', async () => {
    expect((await run('schema', '--check')).code).toBe(0);
    const printed = await run('schema');
    expect(JSON.parse(printed.stdout).$defs.Rule).toBeDefined();
  });
});
