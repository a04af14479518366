import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/main.ts';
import { PAYMENT_CALLBACK_PATH } from '../../src/payments/routes.ts';
import { signPayload } from '../../src/payments/signature.ts';
import { newStaffAccount } from '../../src/support/staff/accounts.ts';
import { lltpRequest } from '../requests/support.ts';
import { startTestApp } from '../support/app.ts';
import { CHROMIUM, launchChromium, skipBrowser } from '../support/browser.ts';
import { PASSWORD } from './staff-client.ts';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const SECRET = 'test-gateway-secret-0123456789abcdef';
const title = skipBrowser
  ? `refunds in the staff console (skipped: ${CHROMIUM} is not installed; apt-get install chromium)`
  : 'refunds in the staff console';

describe.skipIf(skipBrowser)(title, () => {
  let app: App & { baseUrl: string };
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    app = await startTestApp({ env: { PAYMENT_CALLBACK_SECRET: SECRET, AGENCY_SIM_DELAY_SECONDS: '0' } });
    for (const [username, role] of [
      ['hoa', 'supervisor'],
      ['lan', 'staff'],
    ] as const) {
      await app.support.accounts.save(await newStaffAccount({ username, role, password: PASSWORD }));
    }
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function pay(code: string, transactionId: string, amount: number) {
    const raw = JSON.stringify({
      transactionId,
      requestCode: code,
      amount,
      currency: 'VND',
      status: 'paid',
      paidAt: '2026-11-25T10:02:11+07:00',
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const res = await fetch(`${app.baseUrl}${PAYMENT_CALLBACK_PATH}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-payment-timestamp': timestamp,
        'x-payment-signature': signPayload(SECRET, timestamp, raw),
      },
      body: raw,
    });
    return res.status;
  }

  async function logIn(username: string) {
    const context = await browser.newContext({ locale: 'vi-VN', viewport: { width: 375, height: 740 } });
    const page = await context.newPage();
    await page.goto(`${app.baseUrl}/staff/`);
    await page.fill('input[name=username]', username);
    await page.fill('input[name=password]', PASSWORD);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('link', { name: 'Hàng chờ' }).waitFor();
    return { context, page };
  }

  it('a supervisor sees the overpayments to send back, at phone width; staff have no such tab', {
    timeout: 90_000,
  }, async () => {
    const { code } = await app.requests.create(lltpRequest());
    await app.requests.confirm(code);
    expect(await pay(code, `FT-${code}`, 200000)).toBe(200);
    expect(await pay(code, 'FT26329000000001', 200000)).toBe(409);
    expect(await pay(code, 'FT26329000000002', 5)).toBe(409);

    const hoa = await logIn('hoa');
    try {
      await hoa.page.getByRole('link', { name: 'Hoàn tiền' }).click();
      const rows = hoa.page.locator('[data-testid=refund-row]', { hasText: code });
      await rows.nth(1).waitFor();
      expect(await rows.nth(0).textContent()).toContain('200.000 đồng');
      expect(await rows.nth(0).textContent()).toContain('FT26329000000001');
      expect(await rows.nth(1).textContent()).toContain('5 đồng');
      await hoa.page.screenshot({ path: `${ARTIFACTS}staff-console-refunds-375.png`, fullPage: true });
    } finally {
      await hoa.context.close();
    }

    const lan = await logIn('lan');
    try {
      expect(await lan.page.getByRole('link', { name: 'Hoàn tiền' }).isVisible()).toBe(false);
    } finally {
      await lan.context.close();
    }
  });
});
