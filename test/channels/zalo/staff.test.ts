import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { launchChromium, skipBrowser } from '../../support/browser.ts';
import { startZaloTestApp, textEvent, type ZaloTestApp } from '../../support/zalo.ts';
import { PASSWORD, staffMember } from '../../support-staff/staff-client.ts';

describe('staff and a Zalo citizen outside the interaction window', () => {
  let z: ZaloTestApp;
  beforeEach(async () => {
    z = await startZaloTestApp({ env: { STAFF_OFFICE_HOURS: 'mon-sun 00:00-24:00' } });
  });
  afterEach(async () => {
    await z.close();
  });

  it('shows staff that the citizen is outside the window, and their reply reaches the citizen on the next message', async () => {
    const user = 'zalo-901';
    await z.deliver(textEvent(user, '/start'));
    await z.deliver(textEvent(user, '#hoso:consent:accept'));
    await z.deliver(textEvent(user, 'tôi cần hỏi về phiếu lý lịch tư pháp'));
    const opened = (await z.deliver(textEvent(user, 'gặp nhân viên')))
      .map((m) => String(m.text ?? ''))
      .join('\n');
    const id = /HT-\d{4}-\d{6}/.exec(opened)?.[0];
    expect(id).toBeDefined();
    const lan = await staffMember(z.app, 'lan', 'staff');

    const inside = await lan.get(`/staff/api/tickets/${id}/zalo-window`);
    expect(inside.status).toBe(200);
    expect(inside.body).toMatchObject({ inside: true, held: 0, windowHours: 48 });

    // Zalo refuses messages to this follower now: the window has closed.
    z.zalo.outsideWindow.add(user);
    expect((await lan.post(`/staff/api/tickets/${id}/claim`)).status).toBe(200);
    const replied = await lan.post(`/staff/api/tickets/${id}/reply`, { text: 'Chào anh/chị, tôi là Lan.' });
    expect(replied.status).toBe(200);
    const window = await lan.get(`/staff/api/tickets/${id}/zalo-window`);
    // The claim notice and the reply both wait.
    expect(window.body).toMatchObject({ inside: false, held: 2 });

    if (!skipBrowser) {
      // What staff see: the ticket says the citizen is outside Zalo's window (375 px wide, a phone).
      const browser = await launchChromium();
      try {
        const page = await browser.newPage({ viewport: { width: 375, height: 800 } });
        await page.goto(`${z.app.baseUrl}/staff/`);
        await page.fill('input[name=username]', 'lan');
        await page.fill('input[name=password]', PASSWORD);
        await page.getByRole('button', { name: 'Đăng nhập' }).click();
        await page.getByRole('button', { name: 'Đăng nhập' }).waitFor({ state: 'detached' });
        await page.goto(`${z.app.baseUrl}/staff/#/ticket/${id}`);
        const pill = page.locator('[data-testid=zalo-outside-window]');
        await pill.waitFor();
        expect(await pill.textContent()).toContain('Ngoài khung 48 giờ của Zalo');
        const artifacts = fileURLToPath(new URL('../../../test-artifacts/', import.meta.url));
        mkdirSync(artifacts, { recursive: true });
        await page.screenshot({ path: `${artifacts}staff-console-zalo-window.png`, fullPage: true });
      } finally {
        await browser.close();
      }
    }

    z.zalo.outsideWindow.delete(user);
    const later = await z.deliver(textEvent(user, 'vâng'));
    expect(later.map((m) => String(m.text ?? '')).join('\n')).toContain('Chào anh/chị, tôi là Lan.');
  }, 90_000);
});
