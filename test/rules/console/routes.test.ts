import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRulesUsersCommand } from '../../../src/rules/console/users-cli.ts';
import { RulesAdmin } from '../../../src/rules/publish.ts';
import { RuleVersionStore } from '../../../src/rules/versions.ts';
import { startTestApp } from '../../support/app.ts';
import { serviceFiles } from '../fixtures.ts';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;
let app: TestApp;
const PASSWORD = 'mat-khau-du-dai-2026';
const A = '/rules/api/services/lltp';
const facts2027 = {
  on: '2027-02-01',
  channel: 'online',
  requester: { dateOfBirth: '1990-05-05', identityLevel: 2 },
};

async function addUser(username: string, ...grants: string[]): Promise<void> {
  const out: string[] = [];
  const code = await runRulesUsersCommand(
    ['add', username, ...grants.flatMap((g) => ['--grant', g]), '--name', username],
    {
      stdout: (s) => void out.push(s),
      stderr: (s) => void out.push(s),
      stdin: Readable.from([`${PASSWORD}\n`]),
    },
    { DATA_DIR: '/nonexistent' },
    { records: app.records },
  );
  expect(code, out.join('\n')).toBe(0);
}

beforeAll(async () => {
  app = await startTestApp({ env: { RULES_POLL_SECONDS: '0' } });
  await addUser('dung', 'lltp:drafter');
  await addUser('an.pham', 'lltp:approver');
  await addUser('binh', 'lltp:approver');
  await addUser('vy.ngo', 'lltp:viewer');
  await addUser('hoa', 'health_record:drafter');
  await addUser('khanh', 'lltp:approver');
});
afterAll(async () => {
  await app.close();
});

interface Session {
  cookie: string;
  csrf: string;
}

async function login(username: string): Promise<Session> {
  const res = await app.http.inject({
    method: 'POST',
    url: '/rules/api/login',
    payload: { username, password: PASSWORD },
  });
  expect(res.statusCode).toBe(200);
  const cookie = String(res.headers['set-cookie']).split(';')[0]!;
  return { cookie, csrf: res.json().csrfToken };
}

function call(s: Session, method: 'GET' | 'POST', url: string, payload?: unknown) {
  return app.http.inject({
    method,
    url,
    headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
}

/** LLTP with the online fee lowered by 50,000 ₫ from 2027, and the scenario that pins it. */
function cheaperOnline(version: string): Record<string, unknown> {
  const files = structuredClone(serviceFiles('lltp')) as Record<
    string,
    { version?: string; rules?: object[] }
  >;
  files['service.json']!.version = version;
  const fees = files['rules/fees.json']!.rules! as { id: string }[];
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
        id: 'online-2027',
        description: 'Online in 2027',
        facts: facts2027,
        expect: { fee: { total: 150000 } },
      },
    ],
  };
  return files;
}

const fee = () => app.rules.get('lltp').decideSync(facts2027).fee.total;

describe('the rules console API', () => {
  it('needs a login, and a password that matches', async () => {
    expect((await app.http.inject({ method: 'GET', url: '/rules/api/services' })).statusCode).toBe(401);
    const wrong = await app.http.inject({
      method: 'POST',
      url: '/rules/api/login',
      payload: { username: 'dung', password: 'sai-mat-khau-123' },
    });
    expect([wrong.statusCode, wrong.json().error.code]).toEqual([401, 'HOSO_ERR_RULES_LOGIN_FAILED']);
    expect(wrong.json().error.message).toBe('Tên đăng nhập hoặc mật khẩu không đúng.');
    const inEnglish = await app.http.inject({
      method: 'GET',
      url: '/rules/api/services',
      headers: { 'accept-language': 'en-GB,en;q=0.9' },
    });
    expect(inEnglish.json().error.message).toBe('Please sign in.');
  });

  it('counts every login guess before checking it: a burst of wrong passwords locks the name, even for the right one', async () => {
    const guess = (password: string) =>
      app.http.inject({ method: 'POST', url: '/rules/api/login', payload: { username: 'khanh', password } });
    const burst = await Promise.all(Array.from({ length: 8 }, (_, i) => guess(`doan-sai-${i}-mat-khau`)));
    const codes = burst.map((r) => r.statusCode).sort();
    expect(codes).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    const refused = burst.find((r) => r.statusCode === 429)!;
    expect(refused.json().error.code).toBe('HOSO_ERR_RULES_LOGIN_RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    const right = await guess(PASSWORD);
    expect(right.statusCode).toBe(429);
    expect(right.headers['set-cookie']).toBeUndefined();
  });

  it('previews the expected date as the citizen reads it, with Tết counted out of the working days', async () => {
    const vy = await login('vy.ngo');
    const res = await call(vy, 'POST', `${A}/versions/2026.11.2/preview`, { facts: facts2027 });
    expect(res.json().vi.processing).toEqual({ days: 5, unit: 'working' });
    // Received Monday 1 February 2027: two working days, then Tết from 4 to 11 February, then three more.
    expect(res.json().expected).toBe('2027-02-16');
    // The summary card of the conversation, and its details one tap away, as the citizen reads them.
    const card = res.json().citizen.vi as string;
    expect(card).toContain('Tóm tắt hồ sơ “Cấp Phiếu lý lịch tư pháp”');
    expect(card).toContain('Anh/chị đủ điều kiện làm hồ sơ này.');
    expect(card).toContain('Lệ phí: 200.000\u00a0₫');
    expect(card).toContain('Dự kiến có kết quả: ngày 16/02/2027 (nếu nộp hôm nay)');
    expect(res.json().citizen.en).toContain('Result expected: 16/02/2027 (if filed today)');
    expect(res.json().citizenDetails.vi).toContain('Căn cứ pháp lý:');
  });

  it('lets a viewer read and preview but change nothing, and a drafter of another service touch nothing', async () => {
    const vy = await login('vy.ngo');
    const list = await call(vy, 'GET', '/rules/api/services');
    expect(list.json().services.map((s: { service: string }) => s.service)).toEqual(['lltp']);
    const preview = await call(vy, 'POST', `${A}/versions/2026.11.2/preview`, { facts: facts2027 });
    expect(preview.statusCode).toBe(200);
    expect(preview.json().vi.fee.total).toBe(200000);
    const up = await call(vy, 'POST', `${A}/drafts`, { files: cheaperOnline('2026.12.1') });
    expect([up.statusCode, up.json().error.code]).toEqual([403, 'HOSO_ERR_RULES_FORBIDDEN']);
    const hoa = await login('hoa');
    expect((await call(hoa, 'POST', `${A}/drafts`, { files: cheaperOnline('2026.12.1') })).statusCode).toBe(
      403,
    );
    expect((await call(hoa, 'GET', A)).statusCode).toBe(403);
    const noCsrf = await app.http.inject({
      method: 'POST',
      url: `${A}/rollback`,
      headers: { cookie: (await login('an.pham')).cookie },
    });
    expect(noCsrf.statusCode).toBe(403);
  });

  it('takes four eyes: the drafter proposes, cannot publish, an approver publishes, the citizen gets the new fee', async () => {
    const dung = await login('dung');
    expect((await call(dung, 'POST', `${A}/drafts`, { files: cheaperOnline('2026.12.1') })).statusCode).toBe(
      201,
    );
    const draft = await call(dung, 'GET', `${A}/versions/2026.12.1`);
    expect(draft.json().diff.join('\n')).toContain('-50.000 ₫ từ 01/01/2027');
    // Impact, by cause: the new discount lowers the fee of online requests from 2027 by 50.000 ₫ each.
    const impact = (await call(dung, 'POST', `${A}/versions/2026.12.1/impact`, { sample: 4000 })).json();
    expect(impact.causes.map((c: { key: string }) => c.key)).toEqual(['F3-online-discount-2027']);
    const cause = impact.causes[0];
    expect(cause.rule).toMatchObject({ change: 'added' });
    expect(cause.fee.up).toBe(0);
    expect(cause.fee.downBy).toBe(-50000 * cause.fee.down);
    expect(cause.examples[0].facts.on >= '2027-01-01').toBe(true);
    const early = await call(await login('binh'), 'POST', `${A}/versions/2026.12.1/publish`);
    expect([early.statusCode, early.json().error.code]).toEqual([409, 'HOSO_ERR_RULES_NOT_PROPOSED']);
    expect((await call(dung, 'POST', `${A}/versions/2026.12.1/propose`)).statusCode).toBe(200);
    const own = await call(dung, 'POST', `${A}/versions/2026.12.1/publish`);
    expect(own.statusCode).toBe(403);
    expect(fee()).toBe(200000);
    const pub = await call(await login('binh'), 'POST', `${A}/versions/2026.12.1/publish`);
    expect(pub.statusCode).toBe(200);
    expect(fee()).toBe(150000);
  });

  it('refuses an approver publishing what they proposed themselves', async () => {
    const an = await login('an.pham');
    const files = cheaperOnline('2026.12.2') as Record<string, { version?: string; description?: unknown }>;
    expect((await call(an, 'POST', `${A}/drafts`, { files })).statusCode).toBe(201);
    expect((await call(an, 'POST', `${A}/versions/2026.12.2/propose`)).statusCode).toBe(200);
    const self = await call(an, 'POST', `${A}/versions/2026.12.2/publish`);
    expect([self.statusCode, self.json().error.code]).toEqual([403, 'HOSO_ERR_RULES_FOUR_EYES']);
    expect(self.json().error.message).toBe(
      'Người soạn hoặc người đề xuất bản nháp không được tự phê duyệt; cần một người phê duyệt khác.',
    );
  });

  it('refuses through the console the rule set with its scenarios removed and a fee of 1 đồng', async () => {
    const dung = await login('dung');
    const files = structuredClone(serviceFiles('lltp')) as Record<
      string,
      { version?: string; rules?: { id: string; event: { params: { amount?: number } } }[] }
    >;
    for (const p of Object.keys(files)) if (p.startsWith('scenarios/')) delete files[p];
    files['service.json']!.version = '2026.12.66';
    for (const r of files['rules/fees.json']!.rules!)
      if (r.id.startsWith('F3-base')) r.event.params.amount = 1;
    expect((await call(dung, 'POST', `${A}/drafts`, { files })).statusCode).toBe(201);
    const propose = await call(dung, 'POST', `${A}/versions/2026.12.66/propose`);
    expect([propose.statusCode, propose.json().error.code]).toEqual([422, 'HOSO_ERR_RULES_PUBLISH_REFUSED']);
    expect(fee()).toBe(150000);
  });

  it('rolls back by an approver only, and audits who, when and what changed in words', async () => {
    expect((await call(await login('dung'), 'POST', `${A}/rollback`)).statusCode).toBe(403);
    const back = await call(await login('an.pham'), 'POST', `${A}/rollback`);
    expect(back.json()).toMatchObject({ version: '2026.11.2', inForce: true });
    expect(fee()).toBe(200000);
    const audit = (await call(await login('vy.ngo'), 'GET', `${A}/audit`)).json().entries as {
      action: string;
      actor: { name: string };
      at: string;
      diff?: string[];
    }[];
    const publish = audit.find((e) => e.action === 'publish' && e.actor.name === 'binh')!;
    expect(publish.at).toMatch(/^\d{4}-/);
    expect(publish.diff?.join('\n')).toContain('Thêm quy tắc');
    expect(audit.some((e) => e.action === 'propose' && e.actor.name === 'dung')).toBe(true);
    expect(audit.some((e) => e.action === 'rollback' && e.actor.name === 'an.pham')).toBe(true);
  });

  it('publishes at the date and time an approver set, in a process whose clock reaches it', async () => {
    const dung = await login('dung');
    expect((await call(dung, 'POST', `${A}/drafts`, { files: cheaperOnline('2026.12.3') })).statusCode).toBe(
      201,
    );
    expect((await call(dung, 'POST', `${A}/versions/2026.12.3/propose`)).statusCode).toBe(200);
    const at = '2030-01-01T00:00:00+07:00';
    const set = await call(await login('binh'), 'POST', `${A}/versions/2026.12.3/publish`, { at });
    expect(set.json().scheduled).toMatchObject({ version: '2026.12.3' });
    // Another process (a worker), with the test's clock: before the time nothing happens; at it, it publishes.
    let now = new Date('2029-12-31T16:59:59Z');
    const other = new RulesAdmin({ versions: new RuleVersionStore(app.records), now: () => now });
    expect(await other.runDue()).toEqual([]);
    expect(app.rules.get('lltp').ruleSet.version).toBe('2026.11.2');
    now = new Date('2029-12-31T17:00:00Z');
    expect(await other.runDue()).toEqual(['lltp']);
    const end = Date.now() + 10_000;
    while (app.rules.get('lltp').ruleSet.version !== '2026.12.3' && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(app.rules.get('lltp').ruleSet.version).toBe('2026.12.3');
    expect(fee()).toBe(150000);
  });
});
