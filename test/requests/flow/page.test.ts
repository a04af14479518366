import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_CITIZENS } from '../../../src/ports/population/fixtures.ts';
import { readCode, typed } from '../../identity/helpers.ts';
import { startTestApp } from '../../support/app.ts';
import { launchChromium, skipBrowser } from '../../support/browser.ts';

const HUY = FIXTURE_CITIZENS.find((f) => f.role === 'student')!.citizen;
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

/**
 * A whole request on the real page: a fixture citizen links, asks for a Form 1 extract, sends the
 * student-card photo with the paperclip, sees the payment code as a picture, pays with the dev button,
 * follows the steps pushed to the page and gets the signed extract as a download.
 */
describe.skipIf(skipBrowser)('requesting an extract on the web chat page, in a real browser', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    app = await startTestApp({
      memory: true,
      env: { AGENCY_SIM_DELAY_SECONDS: '0.6', AGENCY_POLL_SECONDS: '0.1', JOBS_BACKOFF_MS: '20' },
    });
    browser = await launchChromium();
    dir = mkdtempSync(join(tmpdir(), 'hoso-page-'));
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const bot = (page: Page, text: string) =>
    page.locator('[data-testid=bot-message]', { hasText: text }).last().waitFor({ timeout: 15_000 });

  async function say(page: Page, text: string) {
    await page.fill('#text', text);
    await page.click('#send');
    await page.locator('.msg--typing').waitFor({ state: 'detached' });
  }

  async function press(page: Page, label: string) {
    await page.getByRole('button', { name: label, exact: true }).last().click();
    await page.locator('.msg--typing').waitFor({ state: 'detached' });
  }

  it('goes from the question to the signed extract', { timeout: 90_000 }, async () => {
    const context = await browser.newContext({ locale: 'vi-VN' });
    try {
      const page = await context.newPage();
      await page.goto(`${app.baseUrl}/`);
      await press(page, 'Đồng ý');
      await say(page, 'liên kết VNeID');
      await say(page, HUY.id);
      await say(page, typed(HUY.dateOfBirth));
      await say(page, await readCode(app.baseUrl, HUY.phone!));
      await bot(page, 'Liên kết thành công');

      await press(page, 'Phiếu lý lịch tư pháp');
      await press(page, 'Phiếu số 1');
      await press(page, 'Xin việc làm');
      await press(page, 'Cho bản thân');
      await press(page, 'Không');
      await press(page, 'Không');
      await say(page, '1');
      await press(page, 'Sinh viên');
      await bot(page, 'Lệ phí: 100.000');
      await press(page, 'Chi tiết phí và căn cứ pháp lý');
      await bot(page, 'Thông tư 16/2025/TT-BTC');
      await press(page, 'Xác nhận nộp hồ sơ');
      await bot(page, 'giấy tờ sau (1/1)');

      const card = join(dir, 'the-sinh-vien.png');
      writeFileSync(card, PNG);
      await page.setInputFiles('#file', card);
      await bot(page, 'Hoso đã nhận tệp “the-sinh-vien.png”.');
      // The VietQR code is shown as a picture in the conversation.
      const qr = page.locator('img.doc-image').last();
      await qr.waitFor();
      // Loaded and drawn (the page's code; the test runs without DOM types).
      await page.waitForFunction(
        "[...document.querySelectorAll('img.doc-image')].at(-1)?.complete && " +
          "[...document.querySelectorAll('img.doc-image')].at(-1).naturalWidth > 100",
      );
      await press(page, 'Đánh dấu đã nộp lệ phí (thử nghiệm)');
      await bot(page, 'Hoso đã nhận lệ phí 100.000');
      await bot(page, 'đã có kết quả');
      const link = page.locator('a.doc', { hasText: /phieu-lltp-LLTP-\d{4}-\d{6}\.pdf/ });
      await link.waitFor({ timeout: 15_000 });
      const download = await Promise.all([page.waitForEvent('download'), link.click()]).then(([d]) => d);
      const path = join(dir, 'extract.pdf');
      await download.saveAs(path);
      expect(readFileSync(path).subarray(0, 5).toString()).toBe('%PDF-');
    } finally {
      await context.close();
    }
  });
});
