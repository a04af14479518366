import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURE_CITIZENS } from '../../../src/ports/population/fixtures.ts';
import {
  callbackUpdate,
  contactUpdate,
  documentUpdate,
  type FakeTelegram,
  startFakeTelegram,
  textUpdate,
} from '../../fakes/telegram-api.ts';
import { typed } from '../../identity/helpers.ts';
import { startTestApp } from '../../support/app.ts';

const SECRET = 'hoso-webhook-secret-0123456789';
const HUY = FIXTURE_CITIZENS.find((f) => f.role === 'student')!.citizen;
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

/** The same request conversation on Telegram: inline buttons, a document fetched with getFile, the QR as a photo. */
describe('requesting an extract on Telegram', () => {
  let telegram: FakeTelegram;
  let app: Awaited<ReturnType<typeof startTestApp>>;

  beforeEach(async () => {
    telegram = await startFakeTelegram();
    app = await startTestApp({
      memory: true,
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
    const before = telegram.calls.length;
    const res = await fetch(`${app.baseUrl}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify(update),
    });
    expect(res.status).toBe(200);
    return telegram.calls
      .slice(before)
      .filter((c) => c.method === 'sendMessage')
      .map((c) => String(c.json.text))
      .join('\n');
  }

  function lastButtons(): { text: string; callback_data: string }[] {
    const markup = telegram.sent('sendMessage').at(-1)?.json.reply_markup as
      | { inline_keyboard?: { text: string; callback_data: string }[][] }
      | undefined;
    return markup?.inline_keyboard?.flat() ?? [];
  }

  async function tap(chatId: number, label: string): Promise<string> {
    const button = lastButtons().find((b) => b.text === label);
    if (!button)
      throw new Error(
        `no button ${label}: ${lastButtons()
          .map((b) => b.text)
          .join(' | ')}`,
      );
    return deliver(callbackUpdate(chatId, button.callback_data));
  }

  it('takes the fee-reduction proof sent as a Telegram document and sends the VietQR code as a photo', async () => {
    const chat = 811;
    await deliver(textUpdate(chat, '/start'));
    await deliver(callbackUpdate(chat, 'consent:accept'));
    await deliver(textUpdate(chat, 'liên kết VNeID'));
    await deliver(textUpdate(chat, HUY.id));
    await deliver(textUpdate(chat, typed(HUY.dateOfBirth)));
    expect(await deliver(contactUpdate(chat, `84${HUY.phone!.slice(1)}`, true))).toContain(
      'Liên kết thành công',
    );

    expect(await deliver(textUpdate(chat, 'xin phiếu lý lịch tư pháp số 1'))).toContain('để làm gì');
    await tap(chat, 'Xin việc làm');
    await tap(chat, 'Cho bản thân');
    await tap(chat, 'Không');
    await tap(chat, 'Không');
    await deliver(textUpdate(chat, '1'));
    const summary = await tap(chat, 'Sinh viên');
    expect(summary).toContain('Lệ phí: 100.000\u00a0₫');
    const details = await tap(chat, 'Chi tiết phí và căn cứ pháp lý');
    expect(details).toContain(
      'Giảm phí cho sinh viên, học sinh, người có công, thân nhân liệt sĩ: -100.000\u00a0₫',
    );
    expect(details).toContain('Thông tư 16/2025/TT-BTC');
    expect(await tap(chat, 'Xác nhận nộp hồ sơ')).toContain('giấy tờ sau (1/1)');

    // A PNG whose header declares 30000×30000 pixels is refused after download, with the reason.
    const huge = Buffer.from(PNG);
    huge.writeUInt32BE(30000, 16);
    huge.writeUInt32BE(30000, 20);
    const hugeId = telegram.addFile(huge, 'anh-lon.png');
    expect(
      await deliver(
        documentUpdate(chat, {
          fileId: hugeId,
          filename: 'anh-lon.png',
          mimeType: 'image/png',
          size: huge.length,
        }),
      ),
    ).toContain('không quá 40 megapixel');

    const fileId = telegram.addFile(PNG, 'the-sinh-vien.png');
    const answer = await deliver(
      documentUpdate(chat, {
        fileId,
        filename: 'the-sinh-vien.png',
        mimeType: 'image/png',
        size: PNG.length,
      }),
    );
    expect(telegram.sent('getFile').map((c) => c.json.file_id)).toEqual([hugeId, fileId]);
    expect(answer).toContain('Hoso đã nhận tệp “the-sinh-vien.png”.');
    expect(answer).toMatch(/Hoso đã lập hồ sơ LLTP-\d{4}-\d{6}/);
    const photo = telegram.sent('sendPhoto').at(-1);
    expect(photo?.files.photo?.filename).toMatch(/^vietqr-LLTP-\d{4}-\d{6}\.png$/);
    expect(photo?.files.photo?.bytes.subarray(1, 4).toString()).toBe('PNG');
  });
});
