import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_CITIZENS } from '../../../src/ports/population/fixtures.ts';
import { HOA, readCode, typed } from '../../identity/helpers.ts';
import { startTestApp } from '../../support/app.ts';
import { launchChromium, skipBrowser } from '../../support/browser.ts';

const SHOTS = process.env.HOSO_SCREENSHOTS ?? '/tmp';
const HUY = FIXTURE_CITIZENS.find((f) => f.role === 'student')!.citizen;

/**
 * A phone's screen is 688 px tall here: a summary taller than this needs scrolling to read. The old summary,
 * every answer and every citation inline, was 1,524 px for this Form 2.
 */
const ONE_SCREEN = 688;

/**
 * The summary a citizen reads before filing, on a phone: a short card (eligibility, documents, fee total,
 * expected date) that fits one screen, with the fee lines and the legal basis one tap away.
 */
describe.skipIf(skipBrowser)('the request summary on a phone (375 px)', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let browser: Browser;

  beforeAll(async () => {
    app = await startTestApp({ memory: true });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const botMessage = (page: Page, text: string) =>
    page.locator('[data-testid=bot-message]', { hasText: text }).last();

  async function say(page: Page, text: string) {
    await page.fill('#text', text);
    await page.click('#send');
    await page.locator('.msg--typing').waitFor({ state: 'detached' });
  }

  async function press(page: Page, label: string) {
    await page.getByRole('button', { name: label, exact: true }).last().click();
    await page.locator('.msg--typing').waitFor({ state: 'detached' });
  }

  async function linkedPhone(citizen: { id: string; dateOfBirth: string; phone: string | null }) {
    const context = await browser.newContext({
      locale: 'vi-VN',
      viewport: { width: 375, height: ONE_SCREEN },
    });
    const page = await context.newPage();
    await page.goto(`${app.baseUrl}/`);
    await press(page, 'Đồng ý');
    await say(page, 'liên kết VNeID');
    await say(page, citizen.id);
    await say(page, typed(citizen.dateOfBirth));
    await say(page, await readCode(app.baseUrl, citizen.phone!));
    await botMessage(page, 'Liên kết thành công').waitFor();
    return { page, close: () => context.close() };
  }

  /** The bubble with its buttons, as the citizen sees it on the screen. */
  async function heightOf(page: Page, text: string): Promise<number> {
    const box = await botMessage(page, text).boundingBox();
    return box?.height ?? Number.POSITIVE_INFINITY;
  }

  it('shows a Form 2 for a job as a card that fits one screen, and the fee lines and legal basis after one tap', {
    timeout: 90_000,
  }, async () => {
    const { page, close } = await linkedPhone(HOA);
    try {
      await say(page, 'làm phiếu lý lịch tư pháp số 2');
      await press(page, 'Xin việc làm');
      await press(page, 'Cho bản thân');
      await press(page, 'Không');
      await press(page, 'Không');
      await say(page, '1');
      await press(page, 'Không thuộc đối tượng nào');
      const card = botMessage(page, 'Tóm tắt hồ sơ');
      await card.waitFor();
      const text = (await card.textContent()) ?? '';
      expect(text).toContain('Anh/chị đủ điều kiện');
      expect(text).toContain('Lệ phí: 200.000');
      expect(text).toMatch(/Dự kiến có kết quả: ngày \d{2}\/\d{2}\/\d{4}/);
      // The warning that employers may not demand a Form 2 is kept, short, on the card.
      expect(text).toContain('người sử dụng lao động không được yêu cầu');
      // The legal citations wait behind the details button.
      expect(text).not.toContain('Thông tư');
      expect(text).not.toContain('căn cứ:');
      await page.screenshot({ path: `${SHOTS}/summary-card-form2-375.png` });
      const height = await heightOf(page, 'Tóm tắt hồ sơ');
      expect(height).toBeLessThan(ONE_SCREEN);
      expect(await card.getByRole('button').allInnerTexts()).toEqual([
        'Xác nhận nộp hồ sơ',
        'Chi tiết phí và căn cứ pháp lý',
        'Sửa thông tin',
        'Hủy',
      ]);

      await press(page, 'Chi tiết phí và căn cứ pháp lý');
      const details = botMessage(page, 'Chi tiết lệ phí');
      await details.waitFor();
      const detailText = (await details.textContent()) ?? '';
      expect(detailText).toContain('Thông tư 16/2025/TT-BTC');
      expect(detailText).toContain('• Phí cung cấp thông tin lý lịch tư pháp: 200.000');
      expect(detailText).toContain('Luật Lý lịch tư pháp');
      await page.screenshot({ path: `${SHOTS}/summary-details-form2-375.png` });
      // Filing is still one tap from the details.
      await press(page, 'Xác nhận nộp hồ sơ');
      await botMessage(page, 'Hoso đã lập hồ sơ').waitFor();
    } finally {
      await close();
    }
  });

  it('shows a student’s reduced fee as a total on the card and line by line in the details', {
    timeout: 90_000,
  }, async () => {
    const { page, close } = await linkedPhone(HUY);
    try {
      await say(page, 'xin phieu ly lich tu phap so 1');
      await press(page, 'Xin việc làm');
      await press(page, 'Cho bản thân');
      await press(page, 'Không');
      await press(page, 'Không');
      await say(page, '1');
      await press(page, 'Sinh viên');
      const card = botMessage(page, 'Tóm tắt hồ sơ');
      await card.waitFor();
      const text = (await card.textContent()) ?? '';
      expect(text).toContain('Lệ phí: 100.000');
      expect(text).toContain('Giấy tờ chứng minh thuộc đối tượng được giảm phí');
      expect(text).not.toContain('-100.000');
      expect(await heightOf(page, 'Tóm tắt hồ sơ')).toBeLessThan(ONE_SCREEN);
      await page.screenshot({ path: `${SHOTS}/summary-card-student-375.png` });

      await press(page, 'Chi tiết phí và căn cứ pháp lý');
      const details = botMessage(page, 'Chi tiết lệ phí');
      await details.waitFor();
      const detailText = (await details.textContent()) ?? '';
      expect(detailText).toMatch(/200\.000\s₫/);
      expect(detailText).toMatch(/-100\.000\s₫/);
      expect(detailText).toContain('Tổng cộng: 100.000');
      await page.screenshot({ path: `${SHOTS}/summary-details-student-375.png` });
    } finally {
      await close();
    }
  });
});
