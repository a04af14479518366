import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/main.ts';
import { consentedWebchat } from '../identity/helpers.ts';
import { startTestApp } from '../support/app.ts';
import { textOf, WebchatClient, type WireMessage } from '../support/webchat-client.ts';

const ALWAYS_OPEN = { STAFF_OFFICE_HOURS: 'mon-sun 00:00-24:00' };
const LAN = { username: 'lan', role: 'staff' as const, displayName: 'Nguyễn Thị Lan' };

async function eventually(messages: WireMessage[], text: string): Promise<string> {
  const started = Date.now();
  while (Date.now() - started < 5000) {
    if (textOf(messages).includes(text)) return textOf(messages);
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no pushed message containing “${text}”; got:\n${textOf(messages)}`);
}

describe('support tickets are personal data', () => {
  let app: App & { baseUrl: string };
  let client: WebchatClient;
  let ticketId: string;

  beforeEach(async () => {
    app = await startTestApp({ env: ALWAYS_OPEN });
    client = new WebchatClient(app.baseUrl);
    await consentedWebchat(client);
    await client.say('tôi cần hỏi về phiếu lý lịch tư pháp cho con');
    ticketId = /HT-\d{4}-\d{6}/.exec(textOf(await client.say('gặp nhân viên')))![0];
    await app.support.desk.claim(LAN, ticketId);
    await app.support.desk.reply(LAN, ticketId, 'Chào chị, con chị bao nhiêu tuổi ạ?');
    await client.say('Cháu 12 tuổi');
    await app.support.desk.note(LAN, ticketId, 'Hỏi về phiếu số 2 cho con dưới 14 tuổi');
    await app.support.desk.close(LAN, ticketId, 'answered');
  });
  afterEach(async () => {
    await app.close();
  });

  it('exports the citizen’s tickets: the packet and the whole conversation with staff', async () => {
    const answer = await client.say('tôi muốn xem dữ liệu của tôi');
    const doc = answer.find((m) => m.type === 'document') as { url: string };
    const exported = (await (await fetch(doc.url)).json()) as { data: { support: unknown[] } };
    expect(exported.data.support).toMatchObject([
      {
        id: ticketId,
        status: 'closed',
        resolution: 'answered',
        handledBy: 'lan',
        packet: { reason: 'asked' },
      },
    ]);
    const said = JSON.stringify(exported.data.support);
    expect(said).toContain('Chào chị, con chị bao nhiêu tuổi ạ?');
    expect(said).toContain('Cháu 12 tuổi');
    expect(said).toContain('Hỏi về phiếu số 2 cho con dưới 14 tuổi');
  });

  it('anonymises them on erasure and says what is kept and why, on a page that had staff messages', async () => {
    const stream = client.events();
    try {
      await client.say('xoa du lieu cua toi');
      await client.say('xác nhận');
      const done = await eventually(stream.messages, 'Hoso đã hoàn tất yêu cầu xóa dữ liệu');
      expect(done).toContain('1 yêu cầu hỗ trợ với cán bộ');
      expect(done).toContain('Bản ghi ẩn danh của các yêu cầu hỗ trợ');
      expect(done).toContain('để thống kê chất lượng hỗ trợ');
    } finally {
      stream.close();
    }
    const ticket = await app.support.tickets.get(ticketId);
    expect(ticket).toMatchObject({ status: 'closed', resolution: 'answered', address: { userId: 'erased' } });
    expect(ticket?.erasedAt).toBeDefined();
    expect(ticket?.packet.transcript).toEqual([]);
    expect(await app.support.tickets.messages(ticketId)).toEqual([]);
    expect(JSON.stringify(ticket)).not.toContain('phiếu lý lịch tư pháp cho con');
    expect(await app.support.tickets.ofAccount({ channel: 'webchat', userId: client.sessionId })).toEqual([]);
  });

  it('cancels a ticket still waiting for staff when its citizen’s data is erased', async () => {
    await client.say('gặp nhân viên');
    const [waiting] = await app.support.tickets.list('unassigned', 'lan');
    const contributor = app.identity.personalData.contributors().find((c) => c.name === 'support')!;
    const outcome = await contributor.erase(
      { accounts: [{ channel: 'webchat', userId: client.sessionId }] },
      { lang: 'en', t: app.translator.t('en'), now: new Date(), requestId: 'XD-TEST' },
    );
    expect(outcome.erased).toEqual([
      '2 support request(s) to staff: the conversation, the information passed to staff and the contact account',
    ]);
    expect(outcome.kept[0]?.until).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect((await app.support.tickets.get(waiting!.id))?.status).toBe('cancelled');
    expect(await app.support.tickets.list('unassigned', 'lan')).toEqual([]);
  });
});
