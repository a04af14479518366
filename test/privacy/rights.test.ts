import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/main.ts';
import type { DataSubject } from '../../src/privacy/contributors.ts';
import { consentedWebchat, HOA, linkByCode } from '../identity/helpers.ts';
import { startTestApp } from '../support/app.ts';
import { textOf, WebchatClient, type WireMessage } from '../support/webchat-client.ts';

async function eventually(messages: WireMessage[], text: string): Promise<string> {
  const started = Date.now();
  while (Date.now() - started < 5000) {
    if (textOf(messages).includes(text)) return textOf(messages);
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no pushed message containing “${text}”; got:\n${textOf(messages)}`);
}

const buttonsOf = (messages: WireMessage[]) =>
  messages.flatMap((m) => (m.type === 'text' ? (m.buttons ?? []) : []));

describe('data-subject rights in chat', () => {
  let app: App & { baseUrl: string };
  let client: WebchatClient;

  beforeEach(async () => {
    app = await startTestApp();
    client = new WebchatClient(app.baseUrl);
    await consentedWebchat(client);
  });
  afterEach(async () => {
    await app.close();
  });

  it('sends everything held about the citizen as a JSON document, the ID number masked', async () => {
    await linkByCode(client, app.baseUrl, HOA);
    const answer = await client.say('tôi muốn xem dữ liệu của tôi');
    expect(textOf(answer)).toContain('toàn bộ dữ liệu Hoso đang lưu về anh/chị');
    const doc = answer.find((m) => m.type === 'document');
    expect(doc?.filename).toMatch(/^hoso-du-lieu-ca-nhan-\d{4}-\d{2}-\d{2}\.json$/);
    const res = await fetch((doc as { url: string }).url);
    expect(res.headers.get('content-type')).toContain('application/json');
    const raw = await res.text();
    const exported = JSON.parse(raw);
    expect(exported).toMatchObject({
      format: 'hoso.personal-data-export.v1',
      subject: { linked: true, accounts: [{ channel: 'webchat', userId: client.sessionId }] },
      data: {
        identity: {
          citizenId: '001*******45',
          linkedAccounts: [
            { account: { channel: 'webchat', userId: client.sessionId }, method: 'sms', assuranceLevel: 2 },
          ],
        },
        consents: [{ account: { channel: 'webchat' }, decisions: [{ decision: 'accepted' }] }],
        conversations: [{ account: { channel: 'webchat' }, language: 'vi' }],
      },
    });
    expect(raw).not.toContain(HOA.id);
    expect(raw).not.toContain(HOA.phone!);
  });

  it('asks to confirm, acknowledges at once, erases every account of the citizen and reports what was kept', async () => {
    const contributed: DataSubject[] = [];
    app.identity.personalData.register({
      name: 'another-module',
      async export() {
        return [{ id: 'LLTP-2026-000001' }];
      },
      async erase(subject, { t }) {
        contributed.push(subject);
        return {
          erased: [t('privacy:erased.consentWithdrawn')],
          kept: [
            {
              what: 'Hồ sơ LLTP-2026-000001 đã nộp',
              why: 'theo quy định về lưu trữ hồ sơ thủ tục hành chính.',
              until: '2031-12-31',
            },
          ],
        };
      },
    });
    await linkByCode(client, app.baseUrl, HOA);
    const other = new WebchatClient(app.baseUrl);
    await consentedWebchat(other);
    await linkByCode(other, app.baseUrl, HOA);
    const stream = client.events();
    try {
      const ask = await client.say('xóa dữ liệu của tôi');
      expect(textOf(ask)).toContain('hủy liên kết giữa danh tính của anh/chị và 2 tài khoản chat');
      expect(textOf(ask)).toContain('hoàn tất chậm nhất trong 15 ngày');
      expect(buttonsOf(ask).map((b) => b.action)).toEqual([
        'privacy:erase',
        'privacy:unlink',
        'privacy:keep',
      ]);
      const ack = textOf(await client.press('privacy:erase'));
      expect(ack).toMatch(
        /Hoso đã nhận yêu cầu xóa dữ liệu của anh\/chị lúc .* \(mã yêu cầu XD-[0-9A-F]{10}\)/,
      );
      const done = await eventually(stream.messages, 'Hoso đã hoàn tất yêu cầu xóa dữ liệu');
      expect(done).toContain('liên kết giữa danh tính và tài khoản chat (2 tài khoản)');
      expect(done).toContain('lịch sử trò chuyện và thông tin trong phiên (2 cuộc trò chuyện)');
      expect(done).toContain('Hồ sơ đồng ý và rút lại đồng ý');
      expect(done).toContain(
        'Hồ sơ LLTP-2026-000001 đã nộp: theo quy định về lưu trữ hồ sơ thủ tục hành chính. Lưu đến ngày 31/12/2031',
      );
      expect(done).toMatch(/Biên nhận yêu cầu xóa XD-/);
    } finally {
      stream.close();
    }
    // Other modules were given the citizen and both accounts.
    expect(contributed[0]?.citizenKey).toBe(app.identity.cipher.keyedHash(HOA.id));
    expect(contributed[0]?.accounts.map((a) => a.userId).sort()).toEqual(
      [client.sessionId, other.sessionId].sort(),
    );
    // Nothing links any more, and both conversations start over as new.
    expect(await app.records.keys('idlink:')).toEqual([]);
    expect(await app.store.keys('sess:')).toEqual([]);
    // What staff could have read of either conversation is gone too, the request to erase it included.
    await app.transcripts.flush();
    expect(await app.records.keys('transcript:')).toEqual([]);
    expect(textOf(await other.say('xin chào'))).toContain('Anh/chị có đồng ý không?');
    // The consent record says "withdrawn" and expires after the configured retention.
    const consents = await app.identity.personalData
      .contributors()
      .find((c) => c.name === 'consents')!
      .export({
        accounts: [{ channel: 'webchat', userId: other.sessionId }],
      });
    expect(JSON.stringify(consents)).toContain('"decision":"withdrawn"');
    const ttl = await app.records.pttl(`consent:webchat:${other.sessionId}`);
    expect(ttl).toBeGreaterThan(1000 * 86_400_000);
  });

  it('treats “rút lại đồng ý” as the same request, and keeps everything when the citizen says no', async () => {
    await linkByCode(client, app.baseUrl, HOA);
    expect(textOf(await client.say('rút lại đồng ý'))).toContain('rút lại sự đồng ý');
    expect(textOf(await client.press('privacy:keep'))).toContain('Hoso giữ nguyên dữ liệu của anh/chị');
    expect(textOf(await client.say('tài khoản liên kết'))).toContain('Trần Thị Hoà');
  });

  it('can unlink only this chat account instead (“hủy liên kết”)', async () => {
    await linkByCode(client, app.baseUrl, HOA);
    await client.say('hủy liên kết');
    expect(textOf(await client.press('privacy:unlink'))).toContain('Đã hủy liên kết tài khoản chat này');
    expect(await app.records.keys('idlink:')).toEqual([]);
    // The conversation and its consent are kept: linking again goes straight to the ID number.
    expect(textOf(await client.say('liên kết VNeID'))).toContain('số định danh cá nhân gồm 12 chữ số');
  });

  it('erases a conversation that was never linked, confirmed in words', async () => {
    const stream = client.events();
    try {
      const ask = await client.say('xoa du lieu cua toi');
      expect(textOf(ask)).toContain('xóa lịch sử trò chuyện và thông tin đang lưu của tài khoản chat này');
      expect(buttonsOf(ask).map((b) => b.action)).toEqual(['privacy:erase', 'privacy:keep']);
      expect(textOf(await client.say('xác nhận'))).toContain('mã yêu cầu XD-');
      await eventually(stream.messages, 'Hoso đã hoàn tất yêu cầu xóa dữ liệu');
    } finally {
      stream.close();
    }
    expect(await app.store.keys('sess:')).toEqual([]);
  });
});
