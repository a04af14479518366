import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../../src/main.ts';
import { contactUpdate, type FakeTelegram, startFakeTelegram, textUpdate } from '../../fakes/telegram-api.ts';
import { startTestApp } from '../../support/app.ts';

const SECRET = 'hoso-webhook-secret-0123456789';
const WEBHOOK_URL = 'https://hoso.example.vn/telegram/webhook';

describe('Telegram long polling and webhook modes', () => {
  let telegram: FakeTelegram;
  let app: (App & { baseUrl: string }) | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await telegram.close();
  });

  it('serves no webhook route in long-polling mode: a forged update gets 404 and nothing happens', async () => {
    telegram = await startFakeTelegram();
    app = await startTestApp({ telegramApiRoot: telegram.apiRoot });
    expect(app.telegram?.mode).toBe('polling');
    // Someone who guessed the path tries to link a chat with a forged "own contact".
    for (const update of [textUpdate(601, '/start'), contactUpdate(601, '84901000001', true)]) {
      const res = await fetch(`${app.baseUrl}/telegram/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(update),
      });
      expect(res.status).toBe(404);
    }
    expect(telegram.calls).toHaveLength(0);
    expect(await app.store.get('sess:telegram:601')).toBeNull();
  });

  it('long-polls: deletes any webhook, then answers the updates it fetches with getUpdates', async () => {
    telegram = await startFakeTelegram();
    app = await startTestApp({ telegramApiRoot: telegram.apiRoot });
    await app.telegram!.start();
    telegram.queueUpdate(textUpdate(602, '/start', 4001));
    await expect.poll(() => telegram.sent('sendMessage').length, { timeout: 5000 }).toBe(1);
    const methods = telegram.calls.map((c) => c.method);
    expect(methods.indexOf('deleteWebhook')).toBeLessThan(methods.indexOf('getUpdates'));
    expect(telegram.sent('sendMessage')[0]?.json).toMatchObject({ chat_id: '602' });
    expect(String(telegram.sent('sendMessage')[0]?.json.text)).toContain('Tôi là Hoso');
    // The next poll confirms the update, so Telegram would not hand it out again.
    await expect
      .poll(() => telegram.sent('getUpdates').some((c) => Number(c.json.offset) === 4002))
      .toBe(true);
    expect(telegram.sent('setWebhook')).toHaveLength(0);
  });

  it('registers the webhook URL and its secret with Telegram at start-up in webhook mode', async () => {
    telegram = await startFakeTelegram();
    app = await startTestApp({
      telegramApiRoot: telegram.apiRoot,
      env: { TELEGRAM_WEBHOOK_URL: WEBHOOK_URL, TELEGRAM_WEBHOOK_SECRET: SECRET },
    });
    expect(app.telegram?.mode).toBe('webhook');
    await app.telegram!.start();
    expect(telegram.calls.map((c) => c.method)).toEqual(['setWebhook']);
    expect(telegram.sent('setWebhook')[0]?.json).toMatchObject({ url: WEBHOOK_URL, secret_token: SECRET });
    expect(telegram.sent('getUpdates')).toHaveLength(0);
  });
});
