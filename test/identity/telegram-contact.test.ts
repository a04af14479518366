import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/main.ts';
import {
  callbackUpdate,
  contactUpdate,
  type FakeTelegram,
  startFakeTelegram,
  textUpdate,
} from '../fakes/telegram-api.ts';
import { startTestApp } from '../support/app.ts';
import { HOA, readCode, typed } from './helpers.ts';

const SECRET = 'hoso-webhook-secret-0123456789';

describe('Telegram contact sharing in place of the SMS code', () => {
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

  async function deliver(update: unknown): Promise<string> {
    const before = telegram.sent('sendMessage').length;
    const res = await fetch(`${app.baseUrl}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify(update),
    });
    expect(res.status).toBe(200);
    return telegram
      .sent('sendMessage')
      .slice(before)
      .map((c) => String(c.json.text))
      .join('\n');
  }

  async function upToTheCode(chatId: number): Promise<void> {
    await deliver(textUpdate(chatId, '/start'));
    await deliver(callbackUpdate(chatId, 'consent:accept'));
    await deliver(textUpdate(chatId, 'liên kết VNeID'));
    await deliver(textUpdate(chatId, HOA.id));
    const sent = await deliver(textUpdate(chatId, typed(HOA.dateOfBirth)));
    expect(sent).toContain('Hoso đã gửi mã xác thực');
    expect(sent).toContain('Chia sẻ số điện thoại');
  }

  it('offers a “Chia sẻ số điện thoại” button that asks Telegram for the sender’s own number', async () => {
    await upToTheCode(701);
    const withKeyboard = telegram
      .sent('sendMessage')
      .find((c) => (c.json.reply_markup as { keyboard?: unknown })?.keyboard !== undefined);
    expect(withKeyboard?.json.reply_markup).toMatchObject({
      keyboard: [[{ text: 'Chia sẻ số điện thoại', request_contact: true }]],
      one_time_keyboard: true,
    });
    const inline = telegram.sent('sendMessage').at(-1)?.json.reply_markup as {
      inline_keyboard: { callback_data: string }[][];
    };
    expect(inline.inline_keyboard.flat().map((b) => b.callback_data)).toContain('link:resend');
  });

  it('links when the sender shares their own number and it is the one on record', async () => {
    await upToTheCode(702);
    // Telegram sends the number without the plus sign, in international form.
    const answer = await deliver(contactUpdate(702, `84${HOA.phone!.slice(1)}`, true));
    expect(answer).toContain('Liên kết thành công');
    expect(answer).toContain('Tài khoản Telegram …702 đã được liên kết với danh tính Trần Thị Hoà');
  });

  it('refuses someone else’s contact card and explains why', async () => {
    await upToTheCode(703);
    const answer = await deliver(contactUpdate(703, HOA.phone!, false));
    expect(answer).toContain('Đây không phải số điện thoại của chính tài khoản Telegram này');
    // The SMS code still works afterwards.
    expect(await deliver(textUpdate(703, await readCode(app.baseUrl, HOA.phone!)))).toContain(
      'Liên kết thành công',
    );
  });

  it('refuses the sender’s own number when it is not the one on record', async () => {
    await upToTheCode(704);
    const answer = await deliver(contactUpdate(704, '0987654321', true));
    expect(answer).toContain('không trùng với số đã đăng ký');
    expect(answer).not.toContain('Liên kết thành công');
  });

  it('does not keep a number shared outside linking', async () => {
    await deliver(textUpdate(705, '/start'));
    await deliver(callbackUpdate(705, 'consent:accept'));
    expect(await deliver(contactUpdate(705, HOA.phone!, true))).toContain(
      'Hoso chỉ dùng số điện thoại chia sẻ khi anh/chị đang liên kết tài khoản',
    );
  });
});
