import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/postgres.ts';
import { serviceFiles } from './fixtures.ts';

const ADMIN = 'admin-key-0123456789abcdef-xyz';
const AGENCY = 'agency-lltp-key-0123456789abcdef';
const HEALTH = 'agency-health-key-0123456789abcd';
const VIEWER = 'viewer-key-0123456789abcdef-xyz';
const APPROVER = 'approver-lltp-key-0123456789abcd';
const keys = JSON.stringify([
  { name: 'ops', role: 'admin', key: ADMIN },
  { name: 'moj', role: 'agency', services: ['lltp'], key: AGENCY },
  { name: 'moj-head', role: 'approver', services: ['lltp'], key: APPROVER },
  { name: 'moh', role: 'agency', services: ['health_record'], key: HEALTH },
  { name: 'press', role: 'viewer', key: VIEWER },
]);

type TestApp = Awaited<ReturnType<typeof startTestApp>>;
let a: TestApp;
let b: TestApp;
let database: TestDatabase;
const P = '/api/admin/rules';
const facts = {
  on: '2027-02-01',
  channel: 'online',
  requester: { dateOfBirth: '1990-05-05', identityLevel: 2 },
};

beforeAll(async () => {
  // Two instances of Hoso on one Redis and one database, as two pods of a deployment.
  const prefix = `test:${process.pid}:${randomBytes(4).toString('hex')}:`;
  const env = { RULES_API_KEYS: keys, REDIS_KEY_PREFIX: prefix, RULES_POLL_SECONDS: '0' };
  database = await createTestDatabase();
  a = await startTestApp({ env, databaseUrl: database.url });
  b = await startTestApp({ env, databaseUrl: database.url });
});
afterAll(async () => {
  await a.close();
  await b.close();
  await database.drop();
});

function call(app: TestApp, method: 'GET' | 'POST', url: string, key?: string, payload?: unknown) {
  return app.http.inject({
    method,
    url,
    headers: key ? { authorization: `Bearer ${key}` } : {},
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
}

/** LLTP with an online fee of 150,000 ₫ from 2027, and the scenario that pins it (the gate wants one). */
function cheaperOnline(version: string): Record<string, unknown> {
  const files = structuredClone(serviceFiles('lltp')) as Record<
    string,
    { version?: string; rules?: { id: string }[] }
  >;
  files['service.json']!.version = version;
  const fees = files['rules/fees.json']!.rules!;
  const discount = structuredClone(fees.find((r) => r.id === 'F3-online-discount-standard')!);
  fees.push({
    ...discount,
    id: 'F3-online-discount-2027',
    effective: { from: '2027-01-01' },
    event: { type: 'fee', params: { code: 'online_discount', amount: -50000 } },
  } as { id: string });
  (files['scenarios/fees-2027.json'] as unknown) = {
    scenarios: [
      {
        id: 'online-2027-cheaper',
        description: 'Online from 2027 the fee is 150,000 ₫',
        facts,
        expect: { fee: { total: 150000 } },
      },
    ],
  };
  return files;
}

async function eventually(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('rules admin API', () => {
  it('seeds the catalog on first start and lists the services in force', async () => {
    const res = await call(a, 'GET', `${P}/services`, VIEWER);
    expect(res.statusCode).toBe(200);
    expect(res.json().services.map((s: { service: string }) => s.service)).toEqual(['health_record', 'lltp']);
    expect(res.json().services[1].inForce).toMatchObject({
      version: '2026.11.2',
      status: 'published',
      inForce: true,
    });
  });

  it('answers 401 without a key or with a wrong one, never 500', async () => {
    for (const key of [undefined, 'not-a-key']) {
      const res = await call(a, 'GET', `${P}/services`, key);
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('HOSO_ERR_RULES_UNAUTHORIZED');
    }
    const x = await a.http.inject({ method: 'GET', url: `${P}/services`, headers: { 'x-api-key': ADMIN } });
    expect(x.statusCode).toBe(200);
  });

  it('answers 403 when the key’s role or service does not allow the action', async () => {
    const viewer = await call(a, 'POST', `${P}/services/lltp/versions`, VIEWER, {
      files: cheaperOnline('9.9.9'),
    });
    expect(viewer.statusCode).toBe(403);
    expect(viewer.json().error.code).toBe('HOSO_ERR_RULES_FORBIDDEN');
    const otherAgency = await call(a, 'POST', `${P}/services/lltp/rollback`, HEALTH, {});
    expect(otherAgency.statusCode).toBe(403);
    const audit = await call(a, 'GET', `${P}/audit`, AGENCY);
    expect(audit.statusCode).toBe(403);
  });

  it('answers 404 for an unknown service or version, 400 for a malformed one', async () => {
    expect((await call(a, 'GET', `${P}/services/passport/versions`, ADMIN)).json().error.code).toBe(
      'HOSO_ERR_RULES_UNKNOWN_SERVICE',
    );
    const v = await call(a, 'GET', `${P}/services/lltp/versions/0.0.1`, ADMIN);
    expect([v.statusCode, v.json().error.code]).toEqual([404, 'HOSO_ERR_RULES_UNKNOWN_VERSION']);
    expect((await call(a, 'GET', `${P}/services/LLTP!/versions`, ADMIN)).statusCode).toBe(400);
  });

  it('refuses to publish a draft with errors, lists every finding, and changes nothing', async () => {
    const files = cheaperOnline('2026.12.5') as Record<
      string,
      { rules?: { id: string; conditions?: unknown }[] }
    >;
    const rule = files['rules/eligibility.json']!.rules!.find((r) => r.id === 'E4-online-identity-level')!;
    rule.conditions = {
      all: [{ fact: 'requester', path: '$.identityLevle', operator: 'lessThen', value: 2 }],
    };
    const up = await call(a, 'POST', `${P}/services/lltp/versions`, AGENCY, { files });
    expect(up.statusCode).toBe(201);
    expect(up.json()).toMatchObject({ version: '2026.12.5', status: 'draft', errors: 2 });
    const lint = await call(a, 'POST', `${P}/services/lltp/versions/2026.12.5/lint`, AGENCY);
    expect(lint.json().findings.map((f: { code: string }) => f.code)).toEqual([
      'unknown_path',
      'unknown_operator',
    ]);
    const pub = await call(a, 'POST', `${P}/services/lltp/versions/2026.12.5/propose`, AGENCY);
    expect(pub.statusCode).toBe(422);
    expect(pub.json().error).toMatchObject({
      code: 'HOSO_ERR_RULES_PUBLISH_REFUSED',
      details: { findings: [{ code: 'unknown_path' }, { code: 'unknown_operator' }] },
    });
    expect(b.rules.get('lltp').ruleSet.version).toBe('2026.11.2');
  });

  it('publishes with four eyes (one key proposes, another publishes) and every instance decides with the new rules without restart', async () => {
    expect(b.rules.get('lltp').decideSync(facts).fee.total).toBe(200000);
    const up = await call(a, 'POST', `${P}/services/lltp/versions`, AGENCY, {
      files: cheaperOnline('2026.12.6'),
    });
    expect(up.statusCode).toBe(201);
    const test = await call(a, 'POST', `${P}/services/lltp/versions/2026.12.6/test`, AGENCY);
    expect(test.json()).toMatchObject({ failed: 0 });
    expect(test.json().passed).toBeGreaterThanOrEqual(40);
    const impact = await call(a, 'POST', `${P}/services/lltp/versions/2026.12.6/impact`, AGENCY, {
      sample: 3000,
    });
    expect(impact.json()).toMatchObject({
      sample: 3000,
      from: { version: '2026.11.2' },
      to: { version: '2026.12.6' },
    });
    const oneStep = await call(a, 'POST', `${P}/services/lltp/versions/2026.12.6/publish`, AGENCY);
    expect([oneStep.statusCode, oneStep.json().error.code]).toEqual([409, 'HOSO_ERR_RULES_NOT_PROPOSED']);
    const proposed = await call(a, 'POST', `${P}/services/lltp/versions/2026.12.6/propose`, AGENCY);
    expect(proposed.json()).toMatchObject({ status: 'draft', proposedBy: { name: 'moj' } });
    const own = await call(a, 'POST', `${P}/services/lltp/versions/2026.12.6/publish`, AGENCY);
    expect([own.statusCode, own.json().error.code]).toEqual([403, 'HOSO_ERR_RULES_FOUR_EYES']);
    expect(b.rules.get('lltp').decideSync(facts).fee.total).toBe(200000);
    const pub = await call(a, 'POST', `${P}/services/lltp/versions/2026.12.6/publish`, APPROVER);
    expect(pub.statusCode).toBe(200);
    expect(pub.json()).toMatchObject({ version: '2026.12.6', status: 'published', inForce: true });
    expect(pub.json().impact.from.version).toBe('2026.11.2');
    // The instance that published serves the change at once; the other once the announcement arrives.
    expect(a.rules.get('lltp').decideSync(facts).fee.total).toBe(150000);
    await eventually(() => b.rules.get('lltp').ruleSet.version === '2026.12.6');
    expect(b.rules.get('lltp').decideSync(facts).fee.total).toBe(150000);

    const stored = await call(b, 'GET', `${P}/services/lltp/versions/2026.12.6`, VIEWER);
    expect(stored.json()).toMatchObject({
      inForce: true,
      tests: { failed: 0 },
      impact: { sample: expect.any(Number) },
    });
    expect(Object.keys(stored.json().files)).toContain('rules/fees.json');
  });

  it('rolls back, keeps the history, and records every action in the audit log', async () => {
    const back = await call(b, 'POST', `${P}/services/lltp/rollback`, ADMIN, {});
    expect(back.json()).toMatchObject({ version: '2026.11.2', inForce: true });
    expect(b.rules.get('lltp').ruleSet.version).toBe('2026.11.2');
    await eventually(() => a.rules.get('lltp').ruleSet.version === '2026.11.2');
    const history = await call(a, 'GET', `${P}/services/lltp/versions`, AGENCY);
    expect(
      history.json().versions.map((v: { version: string; status: string }) => `${v.version}:${v.status}`),
    ).toEqual(['2026.11.2:published', '2026.12.5:draft', '2026.12.6:published']);
    const audit = await call(a, 'GET', `${P}/audit?service=lltp`, ADMIN);
    const actions = audit
      .json()
      .entries.map(
        (e: { action: string; actor: { name: string }; outcome: string }) =>
          `${e.actor.name}:${e.action}${e.outcome === 'refused' ? ':refused' : ''}`,
      );
    expect(actions).toEqual([
      'catalog:seed',
      'moj:upload',
      'moj:lint:refused',
      'moj:propose:refused',
      'moj:upload',
      'moj:test',
      'moj:impact',
      'moj:publish_refused:refused',
      'moj:propose',
      'moj:publish_refused:refused',
      'moj-head:publish',
      'ops:rollback',
    ]);
    for (const e of audit.json().entries) expect(e.hash).toMatch(/^sha256:/);
  });
});
