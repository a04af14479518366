import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../../src/main.ts';
import {
  callbackUpdate,
  type FakeTelegram,
  startFakeTelegram,
  textUpdate,
} from '../../fakes/telegram-api.ts';
import { startTestApp } from '../../support/app.ts';

const SECRET = 'hoso-webhook-secret-0123456789';

describe('Telegram channel', () => {
  let telegram: FakeTelegram;
  let app: App & { baseUrl: string };

  beforeEach(async () => {
    telegram = await startFakeTelegram();
    app = await startTestApp({
      telegramApiRoot: telegram.apiRoot,
      env: {
        TELEGRAM_WEBHOOK_SECRET: SECRET,
        TELEGRAM_WEBHOOK_URL: 'https://hoso.example.vn/telegram/webhook',
      },
    });
  });
  afterEach(async () => {
    await app.close();
    await telegram.close();
  });

  function deliver(update: unknown, secret: string | null = SECRET) {
    return fetch(`${app.baseUrl}/telegram/webhook`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}),
      },
      body: JSON.stringify(update),
    });
  }

  it('answers /start with the greeting and the consent notice as inline buttons', async () => {
    const res = await deliver(textUpdate(501, '/start'));
    expect(res.status).toBe(200);
    const sent = telegram.sent('sendMessage');
    expect(sent.map((c) => c.json.chat_id)).toEqual(['501']);
    expect(sent[0]?.json.text).toContain('Tôi là Hoso');
    expect(sent[0]?.json.text).toContain('Anh/chị có đồng ý không?');
    const keyboard = (
      sent[0]!.json.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] }
    ).inline_keyboard;
    expect(keyboard.flat().map((b) => b.callback_data)).toEqual(['consent:accept', 'consent:decline']);
  });

  it('handles a button press and acknowledges the callback', async () => {
    await deliver(textUpdate(502, 'xin chào'));
    await deliver(callbackUpdate(502, 'consent:accept'));
    expect(telegram.sent('answerCallbackQuery')).toHaveLength(1);
    expect(
      telegram
        .sent('sendMessage')
        .map((c) => String(c.json.text))
        .join('\n'),
    ).toContain('Cảm ơn anh/chị đã đồng ý');
  });

  it('refuses a webhook call without the secret token and sends nothing', async () => {
    const res = await deliver(textUpdate(503, 'xin chào'), null);
    expect(res.status).toBe(401);
    expect(telegram.calls).toHaveLength(0);
  });

  it('refuses a webhook call with a wrong secret token and sends nothing', async () => {
    const res = await deliver(textUpdate(504, 'xin chào'), 'wrong-secret-wrong-secret');
    expect(res.status).toBe(401);
    expect(telegram.calls).toHaveLength(0);
  });

  it('acts once on an update Telegram delivers twice', async () => {
    const update = textUpdate(505, 'xin chào');
    await Promise.all([deliver(update), deliver(update)]);
    await deliver(update);
    expect(telegram.sent('sendMessage')).toHaveLength(1);
  });

  it('acts once on a redelivered update from the chat’s own record of update ids, with no key per update', async () => {
    const first = textUpdate(506, 'xin chào', 7_000_001);
    const second = textUpdate(506, 'giúp tôi', 7_000_005);
    expect((await deliver(first)).status).toBe(200);
    expect((await deliver(second)).status).toBe(200);
    // Telegram delivers both again (our 200s were lost), the older one last.
    expect((await deliver(second)).status).toBe(200);
    expect((await deliver(first)).status).toBe(200);
    expect(telegram.sent('sendMessage')).toHaveLength(2);
    const session = JSON.parse((await app.store.get('sess:telegram:506'))!);
    expect(session.data.turns).toBe(2);
    expect(await app.store.keys('dedupe:')).toEqual([]);
    expect(await app.store.keys('answer:')).toEqual([]);
    // An update that arrives after a later one of the same chat (two webhook connections) still runs.
    expect((await deliver(textUpdate(506, 'cảm ơn', 7_000_003))).status).toBe(200);
    expect(telegram.sent('sendMessage')).toHaveLength(3);
  });

  it('answers a redelivered update with the same answer when sending failed, without a second turn', async () => {
    // A refusal auto-retry does not retry (it waits out 5xx and network errors itself).
    telegram.failNext('sendMessage', 400, 1);
    const update = textUpdate(510, 'giúp tôi');
    const failed = await deliver(update);
    // A failed send is a failed webhook call, so Telegram delivers the update again.
    expect(failed.status).toBe(500);
    expect(telegram.sent('sendMessage')).toHaveLength(0);
    expect((await deliver(update)).status).toBe(200);
    expect((await deliver(update)).status).toBe(200);
    const sent = telegram.sent('sendMessage');
    expect(sent).toHaveLength(1);
    expect(sent[0]?.json.text).toEqual(telegram.rejected[0]?.json.text);
    const session = JSON.parse((await app.store.get('sess:telegram:510'))!);
    expect(session.data.turns).toBe(1);
  });

  it('retries a message Telegram rate-limits with 429', async () => {
    telegram.failNext('sendMessage', 429, 1, 1);
    await deliver(textUpdate(506, 'giúp tôi'));
    expect(telegram.rejected.map((c) => c.method)).toEqual(['sendMessage']);
    expect(telegram.sent('sendMessage')).toHaveLength(1);
    expect(telegram.sent('sendMessage')[0]?.json.text).toEqual(telegram.rejected[0]?.json.text);
  });

  it('tells a group chat that Hoso works only in private', async () => {
    const update = textUpdate(-100777, '/start');
    (update.message.chat as { type: string }).type = 'group';
    await deliver(update);
    const sent = telegram.sent('sendMessage');
    expect(sent).toHaveLength(1);
    expect(sent[0]?.json.text).toContain('trò chuyện riêng');
  });

  it('answers a sticker with a clear message instead of silence', async () => {
    const update = textUpdate(507, 'x') as { message: Record<string, unknown> };
    delete update.message.text;
    update.message.sticker = {
      file_id: 'st',
      file_unique_id: 'u',
      type: 'regular',
      width: 1,
      height: 1,
      is_animated: false,
      is_video: false,
    };
    await deliver(update);
    expect(telegram.sent('sendMessage')[0]?.json.text).toContain('chưa xử lý được loại tin nhắn');
  });

  it('renders a link button as an inline button that opens the page', async () => {
    await app.notifier.send({ channel: 'telegram', userId: '509' }, [
      {
        type: 'text',
        text: 'Mở trang đăng nhập',
        buttons: [
          {
            label: 'Đăng nhập VNeID',
            action: 'link:open',
            kind: 'url',
            url: 'https://id.example.vn/auth?x=1',
          },
          { label: 'Dùng mã SMS', action: 'link:sms' },
        ],
      },
    ]);
    const markup = telegram.sent('sendMessage')[0]?.json.reply_markup as {
      inline_keyboard: Record<string, string>[][];
    };
    expect(markup.inline_keyboard.flat()).toEqual([
      { text: 'Đăng nhập VNeID', url: 'https://id.example.vn/auth?x=1' },
      { text: 'Dùng mã SMS', callback_data: 'link:sms' },
    ]);
  });

  it('sends a document with sendDocument as a file upload', async () => {
    const fileId = await app.files.put(new Uint8Array(Buffer.from('%PDF-1.7 fake extract')), {
      filename: 'phieu-lltp-LLTP-2026-000001.pdf',
      mimeType: 'application/pdf',
    });
    await app.notifier.send({ channel: 'telegram', userId: '508' }, [
      {
        type: 'document',
        fileId,
        filename: 'phieu-lltp-LLTP-2026-000001.pdf',
        mimeType: 'application/pdf',
        caption: 'Phiếu của anh/chị',
      },
    ]);
    const [call] = telegram.sent('sendDocument');
    expect(call?.json.caption).toBe('Phiếu của anh/chị');
    expect(call?.files.document?.filename).toBe('phieu-lltp-LLTP-2026-000001.pdf');
    expect(call?.files.document?.bytes.toString()).toBe('%PDF-1.7 fake extract');
  });
});
