import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/main.ts';
import { startTestApp } from '../support/app.ts';
import { textOf, WebchatClient } from '../support/webchat-client.ts';
import { PASSWORD, StaffClient, staffMember, until } from './staff-client.ts';

type TestApp = App & { baseUrl: string };
type Summary = {
  id: string;
  status: string;
  claimedBy: string | null;
  rating: number | null;
  sla: { state: string };
};

/** Office hours round the clock, so these tests do not depend on when they run. */
const ALWAYS_OPEN = { STAFF_OFFICE_HOURS: 'mon-sun 00:00-24:00' };

async function citizenAsksForStaff(app: TestApp, first = 'tôi cần hỏi về phiếu lý lịch tư pháp') {
  const citizen = new WebchatClient(app.baseUrl);
  await citizen.start();
  await citizen.press('consent:accept');
  await citizen.say(first);
  const opened = textOf(await citizen.say('gặp nhân viên'));
  const id = /HT-\d{4}-\d{6}/.exec(opened)?.[0];
  if (!id) throw new Error(`no ticket opened: ${opened}`);
  return { citizen, id };
}

describe('staff console API: access', () => {
  let app: TestApp;
  beforeEach(async () => {
    app = await startTestApp({ env: ALWAYS_OPEN });
  });
  afterEach(async () => {
    await app.close();
  });

  it('serves the console page at /staff/ with a strict content security policy', async () => {
    const res = await fetch(`${app.baseUrl}/staff/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Bàn hỗ trợ cán bộ');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('refuses every staff route without a session (401, coded)', async () => {
    const anonymous = new StaffClient(app.baseUrl);
    for (const [method, path] of [
      ['GET', '/staff/api/me'],
      ['GET', '/staff/api/tickets'],
      ['GET', '/staff/api/audit'],
      ['POST', '/staff/api/tickets/HT-2026-000001/claim'],
      ['POST', '/staff/api/tickets/HT-2026-000001/reply'],
    ] as const) {
      const res = await anonymous.request(method, path, { text: 'x' });
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.body.error?.code).toBe('HOSO_ERR_STAFF_UNAUTHENTICATED');
    }
    anonymous.cookie = 'hoso_staff=forged-token-that-is-long-enough-000';
    expect((await anonymous.get('/staff/api/me')).status).toBe(401);
  });

  it('sets an httpOnly, SameSite=Strict cookie scoped to /staff, not Secure over plain http', async () => {
    await staffMember(app, 'lan', 'staff');
    const client = new StaffClient(app.baseUrl);
    const res = await client.login('lan', PASSWORD);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^hoso_staff=[\w-]{40,};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/staff');
    expect(cookie).not.toContain('Secure');
    expect(res.body.csrfToken).toEqual(expect.any(String));
  });

  it('refuses a state-changing request with a missing or forged CSRF token (403, coded)', async () => {
    const { id } = await citizenAsksForStaff(app);
    const lan = await staffMember(app, 'lan', 'staff');
    for (const csrf of [false, 'forged-token', `${lan.csrf.slice(0, -1)}x`]) {
      const res = await lan.post(`/staff/api/tickets/${id}/claim`, {}, { csrf });
      expect(res.status).toBe(403);
      expect(res.body.error?.code).toBe('HOSO_ERR_STAFF_CSRF');
    }
    expect((await app.support.tickets.get(id))?.claimedBy).toBeUndefined();
    expect((await lan.post(`/staff/api/tickets/${id}/claim`)).status).toBe(200);
  });

  it('keeps the audit log and canned-reply edits for supervisors (403 for staff)', async () => {
    const lan = await staffMember(app, 'lan', 'staff');
    const hoa = await staffMember(app, 'hoa', 'supervisor');
    const forbidden = await lan.get('/staff/api/audit');
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error?.code).toBe('HOSO_ERR_STAFF_FORBIDDEN');
    expect((await lan.request('PUT', '/staff/api/canned/chao-hoi', { title: 'x', text: 'y' })).status).toBe(
      403,
    );
    expect((await hoa.get('/staff/api/audit')).status).toBe(200);
  });

  it('says the same for a wrong password and an unknown user, and audits both', async () => {
    await staffMember(app, 'lan', 'staff');
    const client = new StaffClient(app.baseUrl);
    const wrong = await client.login('lan', 'not-the-password');
    const unknown = await client.login('nobody', 'not-the-password');
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(wrong.body.error).toEqual(unknown.body.error);
    const failed = await app.support.audit.list({ action: 'login_failed' });
    expect(failed.entries.map((e) => e.actor).sort()).toEqual(['(không rõ)', 'lan']);
  });

  it('logs out: the cookie stops working', async () => {
    const lan = await staffMember(app, 'lan', 'staff');
    expect((await lan.post('/staff/api/logout')).status).toBe(200);
    expect((await lan.get('/staff/api/me')).status).toBe(401);
  });

  it('ends the sessions of a removed account', async () => {
    const lan = await staffMember(app, 'lan', 'staff');
    await app.support.accounts.remove('lan');
    expect((await lan.get('/staff/api/tickets')).status).toBe(401);
  });

  it('checks every body and parameter: bad ones get a coded 400', async () => {
    const { id } = await citizenAsksForStaff(app);
    const lan = await staffMember(app, 'lan', 'staff');
    await lan.post(`/staff/api/tickets/${id}/claim`);
    const cases = [
      await lan.post(`/staff/api/tickets/${id}/reply`, { text: '   ' }),
      await lan.post(`/staff/api/tickets/${id}/reply`, { text: 'x'.repeat(2001) }),
      await lan.post(`/staff/api/tickets/${id}/close`, { resolution: 'vanished' }),
      await lan.post('/staff/api/tickets/not-a-ticket/claim'),
      await lan.get('/staff/api/tickets?view=everything'),
    ];
    for (const res of cases) {
      expect(res.status).toBe(400);
      expect(res.body.error?.code).toBe('HOSO_ERR_BAD_REQUEST');
    }
  });
});

describe('staff console API: login rate limits', () => {
  let app: TestApp;
  afterEach(async () => {
    await app.close();
  });

  it('locks a username after too many wrong passwords, even for the right one (429 with Retry-After)', async () => {
    app = await startTestApp({ env: { ...ALWAYS_OPEN, STAFF_LOGIN_LIMIT_PER_USER: '3' } });
    await staffMember(app, 'lan', 'staff');
    const client = new StaffClient(app.baseUrl);
    for (let i = 0; i < 3; i++) expect((await client.login('lan', 'wrong-password')).status).toBe(401);
    const locked = await client.login('lan', PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.body.error?.code).toBe('HOSO_ERR_STAFF_LOGIN_RATE_LIMITED');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('limits attempts from one address across usernames', async () => {
    app = await startTestApp({ env: { ...ALWAYS_OPEN, STAFF_LOGIN_LIMIT_PER_IP: '4' } });
    const client = new StaffClient(app.baseUrl);
    const statuses = [];
    for (const name of ['an', 'binh', 'chi', 'dung', 'giang'])
      statuses.push((await client.login(name, 'x')).status);
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
  });

  it('does not hold successful logins against an address: a whole office can log in all day', async () => {
    app = await startTestApp({ env: { ...ALWAYS_OPEN, STAFF_LOGIN_LIMIT_PER_IP: '4' } });
    await staffMember(app, 'lan', 'staff');
    const client = new StaffClient(app.baseUrl);
    const statuses = [];
    for (let i = 0; i < 8; i++) statuses.push((await client.login('lan', PASSWORD)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200]);
    // Wrong passwords from the same address are still limited.
    const wrong = [];
    for (const name of ['an', 'binh', 'chi', 'dung', 'giang'])
      wrong.push((await client.login(name, 'x')).status);
    expect(wrong).toEqual([401, 401, 401, 401, 429]);
  });

  it('marks the cookie Secure when Hoso is served over https', async () => {
    app = await startTestApp({ env: { ...ALWAYS_OPEN, PUBLIC_URL: 'https://hoso.example.vn' } });
    const lan = await staffMember(app, 'lan', 'staff');
    expect(lan.cookie).toMatch(/^hoso_staff=/);
    const res = await new StaffClient(app.baseUrl).login('lan', PASSWORD);
    expect(res.headers.get('set-cookie')).toContain('Secure');
  });
});

describe('staff console API: handling tickets', () => {
  let app: TestApp;
  beforeEach(async () => {
    app = await startTestApp({ env: ALWAYS_OPEN });
  });
  afterEach(async () => {
    await app.close();
  });

  it('lists the queue as unassigned, mine and all, with waiting time and SLA state', async () => {
    const first = await citizenAsksForStaff(app);
    const second = await citizenAsksForStaff(app);
    const lan = await staffMember(app, 'lan', 'staff');
    await lan.post(`/staff/api/tickets/${first.id}/claim`);
    const view = async (v: string) =>
      (await lan.get<{ tickets: Summary[]; counts: Record<string, number> }>(`/staff/api/tickets?view=${v}`))
        .body;
    expect((await view('unassigned')).tickets.map((t) => t.id)).toEqual([second.id]);
    expect((await view('mine')).tickets.map((t) => t.id)).toEqual([first.id]);
    const all = await view('all');
    expect(all.tickets.map((t) => t.id)).toEqual([first.id, second.id]);
    expect(all.counts).toMatchObject({ unassigned: 1, mine: 1, all: 2, breached: 0 });
    expect(all.tickets[0]).toMatchObject({ sla: { state: 'ok', waitingMinutes: 0, targetMinutes: 15 } });
  });

  it('lets exactly one of two staff claim a ticket at once; the other gets a clear 409', async () => {
    const { id } = await citizenAsksForStaff(app);
    const lan = await staffMember(app, 'lan', 'staff');
    const minh = await staffMember(app, 'minh', 'staff');
    const results = await Promise.all([
      lan.post(`/staff/api/tickets/${id}/claim`),
      minh.post(`/staff/api/tickets/${id}/claim`),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const loser = results.find((r) => r.status === 409)!;
    expect(loser.body.error?.code).toBe('HOSO_ERR_TICKET_ALREADY_CLAIMED');
    expect(loser.body.error?.message).toMatch(/đã được cán bộ (lan|minh) nhận trước/);
    const claims = await app.support.audit.list({ action: 'claim' });
    expect(claims.total).toBe(1);
  });

  it('refuses a reply to an unclaimed ticket, to another staff member’s ticket and to a closed one', async () => {
    const { id } = await citizenAsksForStaff(app);
    const lan = await staffMember(app, 'lan', 'staff');
    const minh = await staffMember(app, 'minh', 'staff');
    const unclaimed = await lan.post(`/staff/api/tickets/${id}/reply`, { text: 'Chào anh' });
    expect([unclaimed.status, unclaimed.body.error?.code]).toEqual([409, 'HOSO_ERR_TICKET_NOT_CLAIMED']);
    await lan.post(`/staff/api/tickets/${id}/claim`);
    const notYours = await minh.post(`/staff/api/tickets/${id}/reply`, { text: 'Chào anh' });
    expect([notYours.status, notYours.body.error?.code]).toEqual([403, 'HOSO_ERR_TICKET_NOT_YOURS']);
    expect(notYours.body.error?.message).toContain('do cán bộ lan phụ trách');
    await lan.post(`/staff/api/tickets/${id}/close`, { resolution: 'answered' });
    const closed = await lan.post(`/staff/api/tickets/${id}/reply`, { text: 'Còn một điều nữa' });
    expect([closed.status, closed.body.error?.code]).toEqual([409, 'HOSO_ERR_TICKET_CLOSED']);
    expect(closed.body.error?.message).toContain('đã kết thúc');
    const unknown = await lan.post('/staff/api/tickets/HT-2026-999999/reply', { text: 'x' });
    expect([unknown.status, unknown.body.error?.code]).toEqual([404, 'HOSO_ERR_TICKET_NOT_FOUND']);
  });

  it('sends a staff reply to the web chat citizen over their event stream', async () => {
    const { citizen, id } = await citizenAsksForStaff(app);
    const stream = citizen.events();
    try {
      const lan = await staffMember(app, 'lan', 'staff', 'Nguyễn Thị Lan');
      await lan.post(`/staff/api/tickets/${id}/claim`);
      const sent = await lan.post(`/staff/api/tickets/${id}/reply`, {
        text: 'Chào anh, tôi xem hồ sơ ngay.',
      });
      expect(sent.status).toBe(200);
      const text = await until(
        () => textOf(stream.messages).includes('tôi xem hồ sơ') && textOf(stream.messages),
      );
      expect(text).toContain('Nguyễn Thị Lan (cán bộ hỗ trợ): Chào anh, tôi xem hồ sơ ngay.');
      expect(text).toContain('Cán bộ Nguyễn Thị Lan đã tiếp nhận');
    } finally {
      stream.close();
    }
  });

  it('streams the ticket’s live transcript to the console, with HTML kept as text', async () => {
    const { citizen, id } = await citizenAsksForStaff(app);
    const lan = await staffMember(app, 'lan', 'staff');
    const stream = lan.events(`/staff/api/tickets/${id}/stream`);
    try {
      await until(() => stream.events.length > 0 || undefined);
      const evil = '<img src=x onerror=alert(1)>';
      expect(await citizen.say(evil)).toEqual([]);
      const event = await until(() =>
        stream.events.find((e) => e.event === 'message' && (e.data as { text: string }).text === evil),
      );
      expect(event.data).toMatchObject({ from: 'citizen', text: evil });
      const detail = await lan.get<{ messages: { from: string; text: string }[] }>(
        `/staff/api/tickets/${id}`,
      );
      expect(detail.headers.get('content-type')).toContain('application/json');
      expect(detail.body.messages.filter((m) => m.from === 'citizen').map((m) => m.text)).toEqual([evil]);
    } finally {
      stream.close();
    }
  });

  it('closes with a resolution code, then stores the rating the citizen gives', async () => {
    const { citizen, id } = await citizenAsksForStaff(app);
    const lan = await staffMember(app, 'lan', 'staff');
    await lan.post(`/staff/api/tickets/${id}/claim`);
    const closed = await lan.post<{ ticket: Summary & { resolution: string } }>(
      `/staff/api/tickets/${id}/close`,
      {
        resolution: 'request_filed',
      },
    );
    expect(closed.body.ticket).toMatchObject({ status: 'closed', resolution: 'request_filed' });
    const thanks = await citizen.press(`support:rate:${id}:5`);
    expect(textOf(thanks)).toContain('đánh giá 5/5');
    const after = await lan.get<{ ticket: Summary }>(`/staff/api/tickets/${id}`);
    expect(after.body.ticket.rating).toBe(5);
  });

  it('hands the conversation back to the bot, which answers the citizen again', async () => {
    const { citizen, id } = await citizenAsksForStaff(app);
    const lan = await staffMember(app, 'lan', 'staff');
    await lan.post(`/staff/api/tickets/${id}/claim`);
    expect(await citizen.say('tro giup')).toEqual([]);
    const back = await lan.post<{ ticket: Summary }>(`/staff/api/tickets/${id}/hand-back`);
    expect(back.body.ticket.status).toBe('handed_back');
    expect(textOf(await citizen.say('tro giup'))).toContain('Hoso có thể giúp anh/chị');
  });

  it('shows the ID masked; revealing it is for the handler, returns it in full and is audited', async () => {
    app.support.registry.register('test-identity', async () => ({
      who: { name: 'Trần Văn Bình', citizenIdMasked: '079203001234', linkLevel: 2 },
    }));
    app.support.registry.setRevealer(async () => '079203001234');
    const { id } = await citizenAsksForStaff(app);
    const lan = await staffMember(app, 'lan', 'staff');
    const minh = await staffMember(app, 'minh', 'staff');
    const detail = await lan.get(`/staff/api/tickets/${id}`);
    expect(JSON.stringify(detail.body)).not.toContain('079203001234');
    expect(JSON.stringify(detail.body)).toContain('079*******34');
    await lan.post(`/staff/api/tickets/${id}/claim`);
    expect((await minh.post(`/staff/api/tickets/${id}/reveal`)).status).toBe(403);
    const revealed = await lan.post(`/staff/api/tickets/${id}/reveal`);
    expect(revealed.body).toEqual({ citizenId: '079203001234' });
    const audit = await app.support.audit.list({ action: 'reveal' });
    expect(audit.entries).toEqual([expect.objectContaining({ actor: 'lan', target: id, role: 'staff' })]);
  });

  it('answers 404 to reveal when the citizen has no linked identity', async () => {
    const { id } = await citizenAsksForStaff(app);
    const lan = await staffMember(app, 'lan', 'staff');
    await lan.post(`/staff/api/tickets/${id}/claim`);
    const res = await lan.post(`/staff/api/tickets/${id}/reveal`);
    expect([res.status, res.body.error?.code]).toEqual([404, 'HOSO_ERR_NOTHING_TO_REVEAL']);
  });

  it('records every staff action with who and when, readable by supervisors', async () => {
    const a = await citizenAsksForStaff(app);
    const b = await citizenAsksForStaff(app);
    const lan = await staffMember(app, 'lan', 'staff');
    const hoa = await staffMember(app, 'hoa', 'supervisor');
    app.support.registry.setRevealer(async () => '079203001234');
    await lan.post(`/staff/api/tickets/${a.id}/claim`);
    await lan.post(`/staff/api/tickets/${a.id}/reveal`);
    await lan.post(`/staff/api/tickets/${a.id}/reply`, { text: 'Chào anh' });
    await lan.post(`/staff/api/tickets/${a.id}/notes`, { text: 'Người dân cần Phiếu số 2' });
    await lan.post(`/staff/api/tickets/${a.id}/close`, { resolution: 'answered' });
    await lan.post(`/staff/api/tickets/${b.id}/claim`);
    await lan.post(`/staff/api/tickets/${b.id}/hand-back`);
    await hoa.request('PUT', '/staff/api/canned/chao-hoi', { title: 'Chào hỏi', text: 'Xin chào anh/chị.' });
    await app.support.audit.record({
      actor: 'hoa',
      role: 'supervisor',
      action: 'revoke',
      target: 'LLTP-2026-000123',
    });
    const res = await hoa.get<{ entries: { actor: string; action: string; at: string; target?: string }[] }>(
      '/staff/api/audit?limit=100',
    );
    const seen = res.body.entries.map((e) => `${e.actor}:${e.action}`).reverse();
    expect(seen).toEqual([
      'lan:login',
      'hoa:login',
      'lan:claim',
      'lan:reveal',
      'lan:reply',
      'lan:note',
      'lan:close',
      'lan:claim',
      'lan:hand_back',
      'hoa:canned_edit',
      'hoa:revoke',
    ]);
    for (const e of res.body.entries) expect(Date.parse(e.at)).not.toBeNaN();
    const onlyA = await hoa.get<{ total: number }>(`/staff/api/audit?target=${a.id}`);
    expect(onlyA.body.total).toBe(5);
  });

  it('serves Vietnamese canned replies and lets supervisors edit them', async () => {
    const lan = await staffMember(app, 'lan', 'staff');
    const hoa = await staffMember(app, 'hoa', 'supervisor');
    const list = await lan.get<{ replies: { id: string; title: string; text: string }[] }>(
      '/staff/api/canned',
    );
    expect(list.body.replies.find((r) => r.id === 'chao-hoi')?.text).toContain('Xin chào anh/chị');
    const edited = await hoa.request('PUT', '/staff/api/canned/giay-uy-quyen', {
      title: 'Giấy ủy quyền',
      text: 'Anh/chị cần văn bản ủy quyền có chứng thực.',
    });
    expect(edited.status).toBe(200);
    const after = await lan.get<{ replies: { id: string; updatedBy?: string }[] }>('/staff/api/canned');
    expect(after.body.replies.find((r) => r.id === 'giay-uy-quyen')?.updatedBy).toBe('hoa');
    expect((await hoa.request('DELETE', '/staff/api/canned/giay-uy-quyen')).status).toBe(200);
    expect((await hoa.request('DELETE', '/staff/api/canned/giay-uy-quyen')).status).toBe(404);
  });

  it('tells open consoles when the queue changes, so a new ticket shows up without reloading', async () => {
    const lan = await staffMember(app, 'lan', 'staff');
    const stream = lan.events('/staff/api/stream');
    try {
      await new Promise((r) => setTimeout(r, 100));
      const { id } = await citizenAsksForStaff(app);
      await until(() => stream.events.find((e) => e.event === 'queue'));
      const before = stream.events.length;
      await lan.post(`/staff/api/tickets/${id}/claim`);
      await until(() => stream.events.length > before || undefined);
    } finally {
      stream.close();
    }
  });

  it('keeps internal notes off the citizen’s channel', async () => {
    const { citizen, id } = await citizenAsksForStaff(app);
    const stream = citizen.events();
    try {
      const lan = await staffMember(app, 'lan', 'staff');
      await lan.post(`/staff/api/tickets/${id}/notes`, { text: 'Nội bộ: kiểm tra lại hộ khẩu' });
      await lan.post(`/staff/api/tickets/${id}/claim`);
      await until(() => textOf(stream.messages).includes('đã tiếp nhận') || undefined);
      expect(textOf(stream.messages)).not.toContain('Nội bộ');
      const detail = await lan.get<{ messages: { from: string; text: string }[] }>(
        `/staff/api/tickets/${id}`,
      );
      expect(detail.body.messages.some((m) => m.from === 'note' && m.text.includes('kiểm tra lại'))).toBe(
        true,
      );
    } finally {
      stream.close();
    }
  });
});
