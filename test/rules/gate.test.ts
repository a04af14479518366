import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRulesCommand } from '../../src/rules/cli.ts';
import { runRulesUsersCommand } from '../../src/rules/console/users-cli.ts';
import { startTestApp } from '../support/app.ts';
import { captureIo, serviceFiles } from './fixtures.ts';

const ADMIN = 'admin-key-0123456789abcdef-gate';
const AGENCY = 'agency-lltp-key-0123456789abcdef';
const AGENCY_B = 'agency-lltp-key-b-0123456789abcd';
const keys = JSON.stringify([
  { name: 'ops', role: 'admin', key: ADMIN },
  { name: 'moj', role: 'agency', services: ['lltp'], key: AGENCY },
  { name: 'moj-b', role: 'agency', services: ['lltp'], key: AGENCY_B },
]);
const PASSWORD = 'mat-khau-du-dai-2026';
const P = '/api/admin/rules';
const onlineFacts = {
  on: '2026-02-01',
  channel: 'online',
  requester: { dateOfBirth: '1990-05-05', identityLevel: 2 },
};

type TestApp = Awaited<ReturnType<typeof startTestApp>>;
let app: TestApp;
async function addUser(username: string, grant: string): Promise<void> {
  const code = await runRulesUsersCommand(
    ['add', username, '--grant', grant],
    { stdout: () => {}, stderr: () => {}, stdin: Readable.from([`${PASSWORD}\n`]) },
    { DATA_DIR: '/nonexistent' },
    { records: app.records },
  );
  expect(code).toBe(0);
}

beforeAll(async () => {
  app = await startTestApp({ env: { RULES_API_KEYS: keys, RULES_POLL_SECONDS: '0' } });
  await addUser('dung', 'lltp:drafter');
  await addUser('binh', 'lltp:approver');
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
    const oneStep = await call('POST', `${P}/services/lltp/versions/2026.12.90/publish`, AGENCY);
    expect([oneStep.statusCode, oneStep.json().error.code]).toEqual([409, 'HOSO_ERR_RULES_NOT_PROPOSED']);
    for (const key of [AGENCY, ADMIN]) {
      const propose = await call('POST', `${P}/services/lltp/versions/2026.12.90/propose`, key);
      expect(propose.statusCode).toBe(422);
      const error = propose.json().error;
      expect(error.code).toBe('HOSO_ERR_RULES_PUBLISH_REFUSED');
      const codes = error.details.findings.map((f: { code: string }) => f.code);
      expect(codes).toContain('scenario_dropped');
      expect(codes).toContain('rule_never_fires_in_scenarios');
    }
    const waived = await call('POST', `${P}/services/lltp/versions/2026.12.90/publish`, ADMIN, {
      waive: ['copies-3-in-person'],
    });
    expect(waived.statusCode).toBe(409);
    expect(app.rules.get('lltp').ruleSet.version).toBe('2026.11.2');
    expect(feeNow()).toBe(before);
  });

  it('publishes a proposed draft that drops one scenario only with an approver’s waiver, never an agency key’s, and audits it', async () => {
    const up = await call('POST', `${P}/services/lltp/versions`, AGENCY, {
      files: withoutFile('2026.12.91', 'scenarios/history.json'),
    });
    expect(up.statusCode).toBe(201);
    expect((await call('POST', `${P}/services/lltp/versions/2026.12.91/propose`, AGENCY)).statusCode).toBe(
      200,
    );
    const refused = await call('POST', `${P}/services/lltp/versions/2026.12.91/publish`, AGENCY_B);
    expect(refused.statusCode).toBe(422);
    const dropped = refused
      .json()
      .error.details.findings.filter((f: { code: string }) => f.code === 'scenario_dropped')
      .map((f: { message: string }) => /"([^"]+)"/.exec(f.message)![1]);
    expect(dropped.length).toBeGreaterThan(0);
    const agency = await call('POST', `${P}/services/lltp/versions/2026.12.91/publish`, AGENCY_B, {
      waive: dropped,
    });
    expect([agency.statusCode, agency.json().error.code]).toEqual([403, 'HOSO_ERR_RULES_WAIVER_FORBIDDEN']);
    expect(app.rules.get('lltp').ruleSet.version).toBe('2026.11.2');
    const ok = await call('POST', `${P}/services/lltp/versions/2026.12.91/publish`, ADMIN, {
      waive: dropped,
    });
    expect(ok.statusCode).toBe(200);
    const audit = await call('GET', `${P}/audit?service=lltp`, ADMIN);
    const waiver = audit.json().entries.find((e: { action: string }) => e.action === 'waiver');
    expect(waiver).toMatchObject({ actor: { name: 'ops' }, version: '2026.12.91' });
    expect(waiver.detail).toContain(dropped[0]);
  });

  function rulesCommand(args: string[], password = PASSWORD) {
    const io = captureIo();
    const run = runRulesCommand(args, io.io, {
      store: app.records,
      stdin: Readable.from([`${password}\n`]),
    });
    return run.then((code) => ({ code, stdout: io.stdout(), stderr: io.stderr() }));
  }

  function writeCatalog(files: Files): string {
    const dir = mkdtempSync(join(tmpdir(), 'hoso-gate-'));
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(join(dir, 'lltp', path, '..'), { recursive: true });
      writeFileSync(join(dir, 'lltp', path), JSON.stringify(content));
    }
    return dir;
  }

  it('refuses the same attack through `hoso rules propose`, and the version in force keeps serving', async () => {
    const dir = writeCatalog(oneDongWithoutScenarios('2026.12.92'));
    try {
      const before = app.rules.get('lltp').ruleSet.version;
      const proposed = await rulesCommand(['propose', 'lltp', '--dir', dir, '--user', 'dung']);
      expect(proposed.code).toBe(1);
      expect(JSON.parse(proposed.stderr.split('\npublication refused')[0]!).error.code).toBe(
        'HOSO_ERR_RULES_PUBLISH_REFUSED',
      );
      expect(proposed.stderr).toContain('[scenario_dropped]');
      const published = await rulesCommand(['publish', 'lltp', '2026.12.92', '--user', 'binh']);
      expect([published.code, JSON.parse(published.stderr).error.code]).toEqual([
        1,
        'HOSO_ERR_RULES_NOT_PROPOSED',
      ]);
      expect(app.rules.get('lltp').ruleSet.version).toBe(before);
      expect(feeNow()).toBeGreaterThan(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes two people through the CLI too: a drafter proposes, only a different approver with a password publishes', async () => {
    const files = structuredClone(serviceFiles('lltp')) as Files;
    files['service.json']!.version = '2026.12.93';
    const dir = writeCatalog(files);
    try {
      const before = app.rules.get('lltp').ruleSet.version;
      const oldForm = await rulesCommand(['publish', 'lltp', '--dir', dir, '--user', 'binh']);
      expect(oldForm.code).toBe(2);
      const proposed = await rulesCommand(['propose', 'lltp', '--dir', dir, '--user', 'dung']);
      expect(proposed.code, proposed.stderr).toBe(0);
      expect(JSON.parse(proposed.stdout)).toMatchObject({
        version: '2026.12.93',
        proposedBy: { name: 'dung' },
      });
      const byDrafter = await rulesCommand(['publish', 'lltp', '2026.12.93', '--user', 'dung']);
      expect(JSON.parse(byDrafter.stderr).error.code).toBe('HOSO_ERR_RULES_FORBIDDEN');
      const wrong = await rulesCommand(
        ['publish', 'lltp', '2026.12.93', '--user', 'binh'],
        'doan-sai-mat-khau',
      );
      expect(JSON.parse(wrong.stderr).error.code).toBe('HOSO_ERR_RULES_LOGIN_FAILED');
      expect(app.rules.get('lltp').ruleSet.version).toBe(before);
      const approved = await rulesCommand(['publish', 'lltp', '2026.12.93', '--user', 'binh']);
      expect(approved.code, approved.stderr).toBe(0);
      expect(JSON.parse(approved.stdout)).toMatchObject({
        version: '2026.12.93',
        inForce: true,
        publishedBy: { name: 'binh', role: 'approver' },
      });
      const end = Date.now() + 10_000;
      while (app.rules.get('lltp').ruleSet.version !== '2026.12.93' && Date.now() < end) {
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(app.rules.get('lltp').ruleSet.version).toBe('2026.12.93');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
