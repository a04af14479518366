import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRulesCommand } from '../../src/rules/cli.ts';
import { startTestApp } from '../support/app.ts';
import { captureIo, serviceFiles } from './fixtures.ts';

const ADMIN = 'admin-key-0123456789abcdef-gate';
const AGENCY = 'agency-lltp-key-0123456789abcdef';
const keys = JSON.stringify([
  { name: 'ops', role: 'admin', key: ADMIN },
  { name: 'moj', role: 'agency', services: ['lltp'], key: AGENCY },
]);
const P = '/api/admin/rules';
const onlineFacts = {
  on: '2026-02-01',
  channel: 'online',
  requester: { dateOfBirth: '1990-05-05', identityLevel: 2 },
};

type TestApp = Awaited<ReturnType<typeof startTestApp>>;
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ env: { RULES_API_KEYS: keys, RULES_POLL_SECONDS: '0' } });
});
afterAll(async () => {
  await app.close();
});

function call(method: 'GET' | 'POST', url: string, key: string, payload?: unknown) {
  return app.http.inject({
    method,
    url,
    headers: { authorization: `Bearer ${key}` },
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
}

type Files = Record<
  string,
  { version?: string; rules?: { id: string; event: { params: { amount?: number } } }[] }
>;

/** The attack seen from outside: LLTP with every scenario file removed and the base fee set to 1 đồng. */
function oneDongWithoutScenarios(version: string): Files {
  const files = structuredClone(serviceFiles('lltp')) as Files;
  for (const path of Object.keys(files)) if (path.startsWith('scenarios/')) delete files[path];
  files['service.json']!.version = version;
  for (const r of files['rules/fees.json']!.rules!) if (r.id.startsWith('F3-base')) r.event.params.amount = 1;
  return files;
}

/** LLTP unchanged but for one scenario file left out. */
function withoutFile(version: string, scenarioFile: string): Files {
  const files = structuredClone(serviceFiles('lltp')) as Files;
  delete files[scenarioFile];
  files['service.json']!.version = version;
  return files;
}

const feeNow = () => app.rules.get('lltp').decideSync(onlineFacts).fee.total;

describe('the publish gate cannot be opened by deleting tests', () => {
  it('refuses through the admin API the rule set with its scenarios removed and a fee of 1 đồng', async () => {
    const before = feeNow();
    expect(before).toBeGreaterThan(1);
    const up = await call('POST', `${P}/services/lltp/versions`, AGENCY, {
      files: oneDongWithoutScenarios('2026.12.90'),
    });
    expect(up.statusCode).toBe(201);
    const pub = await call('POST', `${P}/services/lltp/versions/2026.12.90/publish`, AGENCY);
    expect(pub.statusCode).toBe(422);
    const error = pub.json().error;
    expect(error.code).toBe('HOSO_ERR_RULES_PUBLISH_REFUSED');
    const codes = error.details.findings.map((f: { code: string }) => f.code);
    expect(codes).toContain('scenario_dropped');
    expect(codes).toContain('rule_never_fires_in_scenarios');
    expect(app.rules.get('lltp').ruleSet.version).toBe('2026.11.2');
    expect(feeNow()).toBe(before);
  });

  it('lets no agency key waive dropped scenarios, and refuses even an approver’s waiver when rules go untested', async () => {
    const agency = await call('POST', `${P}/services/lltp/versions/2026.12.90/publish`, AGENCY, {
      waive: ['copies-3-in-person'],
    });
    expect([agency.statusCode, agency.json().error.code]).toEqual([403, 'HOSO_ERR_RULES_WAIVER_FORBIDDEN']);
    const versions = await call('GET', `${P}/services/lltp/versions/2026.11.2`, ADMIN);
    const all = Object.entries(versions.json().files as Record<string, { scenarios?: { id: string }[] }>)
      .filter(([p]) => p.startsWith('scenarios/'))
      .flatMap(([, f]) => f.scenarios?.map((s) => s.id) ?? []);
    const admin = await call('POST', `${P}/services/lltp/versions/2026.12.90/publish`, ADMIN, { waive: all });
    expect(admin.statusCode).toBe(422);
    const codes = admin.json().error.details.findings.map((f: { code: string }) => f.code);
    expect(codes).not.toContain('scenario_dropped');
    expect(codes).toContain('rule_never_fires_in_scenarios');
    expect(app.rules.get('lltp').ruleSet.version).toBe('2026.11.2');
  });

  it('publishes a draft that drops one scenario only with an approver’s waiver, and audits it', async () => {
    const up = await call('POST', `${P}/services/lltp/versions`, AGENCY, {
      files: withoutFile('2026.12.91', 'scenarios/history.json'),
    });
    expect(up.statusCode).toBe(201);
    const refused = await call('POST', `${P}/services/lltp/versions/2026.12.91/publish`, AGENCY);
    expect(refused.statusCode).toBe(422);
    const dropped = refused
      .json()
      .error.details.findings.filter((f: { code: string }) => f.code === 'scenario_dropped')
      .map((f: { message: string }) => /"([^"]+)"/.exec(f.message)![1]);
    expect(dropped.length).toBeGreaterThan(0);
    const ok = await call('POST', `${P}/services/lltp/versions/2026.12.91/publish`, ADMIN, {
      waive: dropped,
    });
    expect(ok.statusCode).toBe(200);
    const audit = await call('GET', `${P}/audit?service=lltp`, ADMIN);
    const waiver = audit.json().entries.find((e: { action: string }) => e.action === 'waiver');
    expect(waiver).toMatchObject({ actor: { name: 'ops' }, version: '2026.12.91' });
    expect(waiver.detail).toContain(dropped[0]);
  });

  it('refuses the same attack through `hoso rules publish`, and the version in force keeps serving', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hoso-gate-'));
    try {
      const files = oneDongWithoutScenarios('2026.12.92');
      for (const [path, content] of Object.entries(files)) {
        mkdirSync(join(dir, 'lltp', path, '..'), { recursive: true });
        writeFileSync(join(dir, 'lltp', path), JSON.stringify(content));
      }
      const before = app.rules.get('lltp').ruleSet.version;
      const io = captureIo();
      const code = await runRulesCommand(['publish', 'lltp', '--dir', dir, '--as', 'mallory'], io.io, {
        store: app.records,
      });
      expect(code).toBe(1);
      expect(JSON.parse(io.stderr().split('\npublication refused')[0]!).error.code).toBe(
        'HOSO_ERR_RULES_PUBLISH_REFUSED',
      );
      expect(io.stderr()).toContain('[scenario_dropped]');
      expect(app.rules.get('lltp').ruleSet.version).toBe(before);
      expect(feeNow()).toBeGreaterThan(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
