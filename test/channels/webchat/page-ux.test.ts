import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/main.ts';
import { startTestApp } from '../../support/app.ts';
import { launchChromium, skipBrowser } from '../../support/browser.ts';

const SHOTS = process.env.HOSO_SCREENSHOTS ?? '/tmp';

describe.skipIf(skipBrowser)('the web chat page on a phone (375 px)', () => {
  let app: App & { baseUrl: string };
  let browser: Browser;

  beforeAll(async () => {
    app = await startTestApp();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function phone(): Promise<{ page: Page; close: () => Promise<void> }> {
    const context = await browser.newContext({ locale: 'vi-VN', viewport: { width: 375, height: 688 } });
    const page = await context.newPage();
    return { page, close: () => context.close() };
  }

  async function say(page: Page, text: string) {
    await page.fill('#text', text);
    await page.click('#send');
    await page.locator('.msg--typing').waitFor({ state: 'detached' });
  }

  it('shows the end of each new answer, buttons included, without scrolling by hand', {
    timeout: 90_000,
  }, async () => {
    const { page, close } = await phone();
    try {
      await page.goto(`${app.baseUrl}/`);
      await page.getByRole('button', { name: 'Đồng ý', exact: true }).click();
      await page.locator('[data-testid=bot-message]', { hasText: 'Cảm ơn anh/chị đã đồng ý' }).waitFor();
      for (const text of ['xin chào', 'tôi cần giúp đỡ', 'phiếu lý lịch tư pháp là gì'])
        await say(page, text);
      const log = page.locator('#log');
      await expect
        .poll(() => log.evaluate((el) => el.scrollHeight - el.clientHeight - el.scrollTop), {
          timeout: 10_000,
        })
        .toBeLessThanOrEqual(2);
      expect(await log.evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true);
      const last = page.locator('#log > li').last();
      const box = await last.boundingBox();
      const view = await log.boundingBox();
      expect(box && view && box.y + box.height <= view.y + view.height + 1).toBe(true);
      await page.screenshot({ path: `${SHOTS}/webchat-scrolled-375.png` });
    } finally {
      await close();
    }
  });

  it('restores the conversation after a reload, with the old buttons no longer pressable', {
    timeout: 90_000,
  }, async () => {
    const { page, close } = await phone();
    try {
      await page.goto(`${app.baseUrl}/`);
      await page.getByRole('button', { name: 'Đồng ý', exact: true }).click();
      await page.locator('[data-testid=bot-message]', { hasText: 'Cảm ơn anh/chị đã đồng ý' }).waitFor();
      await say(page, 'xin chào');
      const before = await page.locator('#log > li').count();
      await page.reload();
      await page.locator('.msg--bot', { hasText: 'Chào mừng anh/chị quay lại.' }).waitFor();
      await expect.poll(() => page.locator('#log > li').count()).toBe(before + 1);
      await page.locator('.msg--me', { hasText: 'xin chào' }).waitFor();
      await page.locator('.msg--me', { hasText: 'Đồng ý' }).waitFor();
      await page.locator('[data-testid=bot-message]', { hasText: 'Cảm ơn anh/chị đã đồng ý' }).waitFor();
      const oldButtons = page.locator('#log button');
      expect(await oldButtons.count()).toBeGreaterThan(0);
      expect(await oldButtons.evaluateAll((bs) => bs.every((b) => b.hasAttribute('disabled')))).toBe(true);
      // The conversation goes on from where it was.
      await say(page, 'xin chào');
      expect(await page.locator('#log button:not([disabled])').count()).toBeGreaterThan(0);
      await page.screenshot({ path: `${SHOTS}/webchat-restored-375.png` });
    } finally {
      await close();
    }
  });

  it('says so when a pasted message is over 4,096 characters, and keeps it in the box', {
    timeout: 60_000,
  }, async () => {
    const { page, close } = await phone();
    try {
      await page.goto(`${app.baseUrl}/`);
      await page.locator('[data-testid=bot-message]').first().waitFor();
      await page.fill('#text', 'a'.repeat(5000));
      expect((await page.inputValue('#text')).length).toBe(5000);
      await page.click('#send');
      await page.locator('.msg--error', { hasText: 'quá giới hạn 4096 ký tự' }).waitFor();
      expect((await page.inputValue('#text')).length).toBe(5000);
    } finally {
      await close();
    }
  });
});
