import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentJobError } from '../../src/jobs/types.ts';
import { consentedWebchat, HOA, linkByCode } from '../identity/helpers.ts';
import { type CapturedLogs, captureLogs, startTestApp } from '../support/app.ts';
import { textOf, WebchatClient } from '../support/webchat-client.ts';
import { staffMember, until } from '../support-staff/staff-client.ts';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

/**
 * Hoà's own numbers, as the outside probe typed them: her ID 001190012345, her phone 0901000001 and her
 * date of birth 14/05/1990. Separators are dropped before looking, so every written form counts.
 */
const CLEAR = [
  ['ID number', '001190012345'],
  ['phone', '901000001'],
  ['date of birth', '14051990'],
  ['date of birth', '19900514'],
] as const;

function inClear(text: string): string[] {
  const flat = text.replace(/[\s./_\-+(),:]/g, '');
  return CLEAR.filter(([, digits]) => flat.includes(digits)).map(([what]) => what);
}

/** Every value the app keeps: the short-lived store (sessions, transcripts, outboxes) and every record row. */
async function everythingStored(app: TestApp): Promise<Map<string, string>> {
  const kept = new Map<string, string>();
  const s = app.store;
  for (const key of await s.keys('')) {
    const value = await s
      .get(key)
      .catch(() => s.lrange(key, 0, -1).then(JSON.stringify))
      .catch(() => s.hgetall(key).then(JSON.stringify))
      .catch(() => s.smembers(key).then(JSON.stringify))
      .catch(() =>
        s.zrangeByScore(key, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY).then(JSON.stringify),
      );
    kept.set(`store ${key}`, value ?? '');
  }
  const tables = await sql<{ name: string }>`
    select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(
    app.database.db,
  );
  for (const { name } of tables.rows) {
    const rows = await sql<{
      row: string;
    }>`select row_to_json(t)::text as row from ${sql.table(name)} t`.execute(app.database.db);
    for (const [i, r] of rows.rows.entries()) kept.set(`records ${name}#${i}`, r.row);
  }
  return kept;
}

function leaks(kept: Map<string, string>): string[] {
  return (
    [...kept]
      // Published rule sets are agency data: their scenarios hold fictional dates of birth.
      .filter(([where, value]) => !(where.startsWith('records ') && value.startsWith('{"key":"rules:')))
      .flatMap(([where, value]) => inClear(value).map((what) => `${what} in ${where}`))
  );
}

const LAN = { username: 'lan', role: 'staff' as const, displayName: 'Nguyễn Thị Lan' };

describe('an ID number, phone and date of birth typed in free text', () => {
  let app: TestApp;
  let logs: CapturedLogs;
  let client: WebchatClient;
  let ticketId: string;

  beforeAll(async () => {
    logs = captureLogs('debug');
    app = await startTestApp({ logs, env: { STAFF_OFFICE_HOURS: 'mon-sun 00:00-24:00' } });
    client = new WebchatClient(app.baseUrl);
    await consentedWebchat(client);
    // Hoà links her account, so that staff may reveal her ID number with the audited "Hiện số".
    expect(textOf(await linkByCode(client, app.baseUrl, HOA))).toContain('liên kết');
    await client.say('số của tôi là 001-190-012-345, điện thoại +84 901 000 001, sinh ngày 14/05/1990');
    ticketId = /HT-\d{4}-\d{6}/.exec(textOf(await client.say('gặp nhân viên')))![0];
    await client.say('CCCD 001 190 012 345, sđt 0901.000.001 hoặc 84901000001, ngày sinh 14-05-1990');
    await app.support.desk.claim(LAN, ticketId);
    // What staff type is kept masked too.
    await app.support.desk.reply(LAN, ticketId, 'Chị xác nhận giúp em số 0901000001 và CCCD 001190012345 ạ?');
    await client.say('Đúng rồi: 001-190-012-345, sinh 14 05 1990');
  }, 60_000);
  afterAll(async () => {
    await app?.close();
  });

  it('is masked in the ticket’s messages and in the staff reply the citizen receives', async () => {
    const messages = await app.support.tickets.messages(ticketId);
    const said = JSON.stringify(messages);
    expect(inClear(said)).toEqual([]);
    expect(said).toContain('CCCD 001*******45, sđt 090*****01 hoặc 090*****01, ngày sinh **/**/1990');
    expect(said).toContain('Đúng rồi: 001*******45, sinh **/**/1990');
    expect(said).toContain('số 090*****01 và CCCD 001*******45');
    const stream = client.events();
    try {
      const received = await until(() => {
        const said = textOf(stream.messages);
        return said.includes('(cán bộ hỗ trợ)') ? said : undefined;
      });
      expect(received).toContain('Chị xác nhận giúp em số 090*****01 và CCCD 001*******45 ạ?');
      expect(inClear(received)).toEqual([]);
    } finally {
      stream.close();
    }
  });

  it('is nowhere in clear in what the app keeps: sessions and their transcripts, tickets, records', async () => {
    const kept = await everythingStored(app);
    // The conversation itself is among what was searched.
    expect([...kept.keys()].some((k) => k.includes(client.sessionId))).toBe(true);
    expect(leaks(kept)).toEqual([]);
  });

  it('is shown to staff masked, and in clear only through the audited "Hiện số"', async () => {
    const lan = await staffMember(app, 'lan', 'staff');
    const list = await lan.get('/staff/api/tickets?view=all');
    const view = await lan.get(`/staff/api/tickets/${ticketId}`);
    expect(view.status).toBe(200);
    const seen = JSON.stringify([list.body, view.body]);
    expect(inClear(seen)).toEqual([]);
    expect(seen).toContain('001*******45');

    const revealed = await lan.post<{ citizenId: string }>(`/staff/api/tickets/${ticketId}/reveal`);
    expect(revealed.body.citizenId).toBe('001190012345');
    const audit = await app.support.audit.list({ action: 'reveal' });
    expect(audit.entries).toEqual([expect.objectContaining({ actor: 'lan', target: ticketId })]);
  });

  it('never reaches the logs in clear', () => {
    expect(logs.lines.length).toBeGreaterThan(0);
    expect(logs.lines.filter((line) => inClear(line).length > 0)).toEqual([]);
  });

  it('is masked in a dead letter’s error, in the list and in the staff console', async () => {
    app.jobs.handle('privacy.probe', async () => {
      throw new PermanentJobError(
        'the registry refused 001-190-012-345 (phone 0901.000.001)',
        'HOSO_ERR_PROBE',
      );
    });
    await app.jobs.enqueue({ name: 'privacy.probe', data: { code: 'probe' } });
    const [letter] = await until(async () => {
      const letters = (await app.deadLetters.list()).filter((l) => l.name === 'privacy.probe');
      return letters.length > 0 ? letters : undefined;
    });
    expect(letter?.error.message).toBe('the registry refused 001*******45 (phone 090*****01)');
    const lan = await staffMember(app, 'lan2', 'staff');
    const seen = JSON.stringify((await lan.get('/staff/api/dead-letters')).body);
    expect(seen).toContain('001*******45');
    expect(inClear(seen)).toEqual([]);
    expect(logs.lines.filter((line) => inClear(line).length > 0)).toEqual([]);
  });
});
