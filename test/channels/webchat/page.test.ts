import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/main.ts';
import { startTestApp } from '../../support/app.ts';
import { launchChromium, skipBrowser } from '../../support/browser.ts';

const skip = skipBrowser;

describe.skipIf(skip)('the web chat page in a real browser', () => {
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

  it('switches its own words to English after "English please", and back', { timeout: 60_000 }, async () => {
    const context = await browser.newContext({ locale: 'vi-VN' });
    try {
      const page = await context.newPage();
      await page.goto(`${app.baseUrl}/`);
      await page.getByRole('button', { name: 'Đồng ý', exact: true }).click();
      await page.locator('[data-testid=bot-message]', { hasText: 'Cảm ơn anh/chị đã đồng ý' }).waitFor();
      expect(await page.getAttribute('#text', 'placeholder')).toBe('Nhập tin nhắn…');

      await page.fill('#text', 'English please');
      await page.click('#send');
      await page.locator('.msg--typing').waitFor({ state: 'detached' });
      expect(await page.getAttribute('#text', 'placeholder')).toBe('Type a message…');
      expect(await page.getAttribute('html', 'lang')).toBe('en');
      expect(await page.locator('.chat__subtitle').textContent()).toBe('Online public services assistant');
      expect(await page.getAttribute('#send', 'aria-label')).toBe('Send');
      expect(await page.getAttribute('#attach', 'title')).toBe('Send a photo or a PDF file');

      // A reload keeps the conversation's language, not the browser's.
      await page.reload();
      await page.locator('.msg--bot', { hasText: 'Welcome back.' }).waitFor();
      expect(await page.getAttribute('#text', 'placeholder')).toBe('Type a message…');

      await page.fill('#text', 'tiếng việt');
      await page.click('#send');
      await page.locator('.msg--typing').waitFor({ state: 'detached' });
      expect(await page.getAttribute('#text', 'placeholder')).toBe('Nhập tin nhắn…');
    } finally {
      await context.close();
    }
  });
});
