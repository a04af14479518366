import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/main.ts';
import { callbackUpdate, type FakeTelegram, startFakeTelegram, textUpdate } from '../fakes/telegram-api.ts';
import { startTestApp } from '../support/app.ts';
import { textOf, WebchatClient } from '../support/webchat-client.ts';
import { consentedWebchat, HOA, linkByCode, readCode, typed } from './helpers.ts';

const SECRET = 'hoso-webhook-secret-0123456789';

describe('one identity, many chat accounts', () => {
  let telegram: FakeTelegram;
  let app: App & { baseUrl: string };

  beforeEach(async () => {
    telegram = await startFakeTelegram();
    app = await startTestApp({
      telegramApiRoot: telegram.apiRoot,
      env: {
        TELEGRAM_WEBHOOK_URL: 'https://hoso.example.vn/telegram/webhook',
        TELEGRAM_WEBHOOK_SECRET: SECRET,
      },
    });
  });
  afterEach(async () => {
    await app.close();
    await telegram.close();
  });

  async function tg(update: unknown): Promise<string> {
    const before = telegram.sent('sendMessage').length;
    await fetch(`${app.baseUrl}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify(update),
    });
    return telegram
      .sent('sendMessage')
      .slice(before)
      .map((c) => String(c.json.text))
      .join('\n');
  }

  async function linkTelegram(chatId: number): Promise<void> {
    await tg(textUpdate(chatId, '/start'));
    await tg(callbackUpdate(chatId, 'consent:accept'));
    await tg(textUpdate(chatId, 'liên kết VNeID'));
    await tg(textUpdate(chatId, HOA.id));
    await tg(textUpdate(chatId, typed(HOA.dateOfBirth)));
    expect(await tg(textUpdate(chatId, await readCode(app.baseUrl, HOA.phone!)))).toContain(
      'Liên kết thành công',
    );
  }

  it('links Telegram and the web chat to the same citizen and lists both, masked', async () => {
    await linkTelegram(80123456);
    const web = new WebchatClient(app.baseUrl);
    await consentedWebchat(web);
    await linkByCode(web, app.baseUrl, HOA);
    const list = await web.say('tài khoản liên kết');
    const shown = textOf(list);
    expect(shown).toContain(
      'Tài khoản này đã được liên kết với danh tính Trần Thị Hoà (số định danh 001*******45).',
    );
    expect(shown).toContain('1. Telegram …3456: liên kết lúc');
    expect(shown).toContain('bằng mã SMS');
    expect(shown).toMatch(/2\. Web chat …\S{4}: .*\(tài khoản đang dùng\)/);
    expect(shown).not.toContain('80123456');
    const labels = list.flatMap((m) => (m.type === 'text' ? (m.buttons ?? []) : [])).map((b) => b.label);
    expect(labels).toEqual(['Hủy liên kết tài khoản này', 'Hủy liên kết Telegram …3456', 'Về menu chính']);
  });

  it('unlinks another account from this one, and this one by itself', async () => {
    await linkTelegram(80123457);
    const web = new WebchatClient(app.baseUrl);
    await consentedWebchat(web);
    await linkByCode(web, app.baseUrl, HOA);
    const list = await web.say('tài khoản liên kết');
    const other = list
      .flatMap((m) => (m.type === 'text' ? (m.buttons ?? []) : []))
      .find((b) => b.label === 'Hủy liên kết Telegram …3457')!;
    expect(other.action).toMatch(/^link:unlink:[\w-]{12}$/);
    expect(textOf(await web.press(other.action))).toContain('Đã hủy liên kết Telegram …3457');
    expect(await tg(textUpdate(80123457, 'tài khoản liên kết'))).toContain(
      'số định danh cá nhân gồm 12 chữ số',
    );
    expect(textOf(await web.say('tài khoản liên kết'))).not.toContain('Telegram');
    expect(textOf(await web.press('link:unlink-this'))).toContain('Đã hủy liên kết Web chat');
    // The last account gone, nothing of the citizen is left in the store.
    expect(await app.records.keys('idlink:')).toEqual([]);
  });

  it('gives other modules the linked citizen through the identity service', async () => {
    await linkTelegram(80123458);
    const link = await app.identity.service.links.accountLink({ channel: 'telegram', userId: '80123458' });
    expect(link).toMatchObject({
      method: 'sms',
      level: 2,
      citizenKey: app.identity.cipher.keyedHash(HOA.id),
    });
    expect((await app.identity.service.citizenFor(link!.citizenKey))?.fullName).toBe('Trần Thị Hoà');
  });
});
