import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/main.ts';
import { newStaffAccount } from '../../src/support/staff/accounts.ts';
import { decision, lltpRequest } from '../requests/support.ts';
import { startTestApp } from '../support/app.ts';
import { CHROMIUM, launchChromium, skipBrowser } from '../support/browser.ts';
import { PASSWORD } from './staff-client.ts';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const skip = skipBrowser;
const title = skip
  ? `staff console in a real browser (skipped: ${CHROMIUM} is not installed; apt-get install chromium)`
  : 'staff console in a real browser';

const EVIL = '<img src=x onerror=alert(1)>';

describe.skipIf(skip)(title, () => {
  let app: App & { baseUrl: string };
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    app = await startTestApp({ env: { STAFF_OFFICE_HOURS: 'mon-sun 00:00-24:00' } });
    await app.support.accounts.save(
      await newStaffAccount({
        username: 'lan',
        role: 'staff',
        password: PASSWORD,
        displayName: 'Nguyễn Thị Lan',
      }),
    );
    // A linked citizen refused a request, as the identity and request contributors describe one.
    app.support.registry.register('test-identity-and-rules', async () => ({
      who: { name: 'Trần Thị Mai', citizenIdMasked: '079190001234', linkLevel: 2 },
      decision: {
        service: 'lltp',
        eligible: false,
        on: '2026-11-25',
        reasons: [
          {
            code: 'form2_proxy_not_allowed',
            message: 'Phiếu lý lịch tư pháp số 2 không được ủy quyền cho người khác nhận thay.',
          },
        ],
        trace: [
          {
            rule: 'E2-form2-no-proxy',
            fired: true,
            facts: <Record<string, string>>{ 'request.form': '2', 'request.forWhom': '"child"' },
          },
          { rule: 'E1-age-14', fired: false, facts: <Record<string, string>>{ 'subject.age': '36' } },
        ],
      },
      missingDocuments: [
        { code: 'relationship_proof', message: 'Giấy khai sinh của con (chứng minh quan hệ cha, mẹ – con)' },
      ],
      legalBasis: ['Luật Lý lịch tư pháp số 28/2009/QH12, Điều 46'],
    }));
    app.support.registry.setRevealer(async () => '079190001234');
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** The citizen's last bot bubble containing a text. */
  const botSays = (page: Page, text: string) =>
    page.locator('[data-testid=bot-message]', { hasText: text }).last().waitFor({ timeout: 10_000 });

  async function citizenSays(page: Page, text: string) {
    const replies = page.locator('[data-testid=bot-message]');
    await page.fill('#text', text);
    await page.click('#send');
    // The page shows a typing bubble until the answer (or silence) arrives.
    await page.locator('.msg--typing').waitFor({ state: 'detached' });
    return replies;
  }

  it('a citizen asks for a person; staff claim, see the packet, reply, hand back; the bot answers again', {
    timeout: 90_000,
  }, async () => {
    const alerts: string[] = [];
    const citizenContext = await browser.newContext({ locale: 'vi-VN' });
    const staffContext = await browser.newContext({
      locale: 'vi-VN',
      viewport: { width: 1366, height: 900 },
    });
    try {
      // --- the citizen, on the web chat page
      const citizen = await citizenContext.newPage();
      citizen.on('dialog', (d) => {
        alerts.push(d.message());
        void d.dismiss();
      });
      await citizen.goto(`${app.baseUrl}/`);
      await citizen.getByRole('button', { name: 'Đồng ý', exact: true }).click();
      await botSays(citizen, 'Cảm ơn anh/chị đã đồng ý');
      await citizenSays(citizen, 'tôi cần xin phiếu lý lịch tư pháp số 2 cho con');
      await citizenSays(citizen, 'gặp nhân viên');
      await botSays(citizen, 'mã yêu cầu HT-');
      const opened = await citizen
        .locator('[data-testid=bot-message]', { hasText: 'mã yêu cầu' })
        .last()
        .textContent();
      const ticketId = /HT-\d{4}-\d{6}/.exec(opened ?? '')?.[0];
      expect(ticketId).toBeDefined();
      await citizenSays(citizen, EVIL);

      // --- a staff member, in a second browser context
      const staff = await staffContext.newPage();
      staff.on('dialog', (d) => {
        alerts.push(d.message());
        void d.dismiss();
      });
      await staff.goto(`${app.baseUrl}/staff/`);
      await staff.fill('input[name=username]', 'lan');
      await staff.fill('input[name=password]', PASSWORD);
      await staff.getByRole('button', { name: 'Đăng nhập' }).click();
      const row = staff.locator(`[data-testid=queue-row][data-ticket-id="${ticketId}"]`);
      await row.waitFor();
      await expect(row.textContent()).resolves.toContain('Trần Thị Mai');
      await staff.screenshot({ path: `${ARTIFACTS}staff-console-queue.png`, fullPage: true });

      await row.getByRole('button', { name: 'Nhận' }).click();
      await staff.waitForURL(`**/staff/#/ticket/${ticketId}`);
      const packet = staff.locator('[data-testid=packet]');
      await packet.waitFor();
      const packetText = await packet.textContent();
      expect(packetText).toContain('Người dân yêu cầu gặp cán bộ');
      expect(packetText).toContain('Chưa đủ điều kiện');
      expect(packetText).toContain('form2_proxy_not_allowed');
      expect(packetText).toContain('Giấy khai sinh của con');
      expect(packetText).toContain('Luật Lý lịch tư pháp số 28/2009/QH12, Điều 46');
      // The ID is masked until the staff member asks, and asking is audited.
      expect(await staff.locator('[data-testid=citizen-id]').textContent()).toBe('079*******34');
      await staff.click('[data-testid=reveal]');
      await staff.locator('[data-testid=citizen-id]', { hasText: '079190001234' }).waitFor();
      await staff.locator('[data-testid=reveal]').waitFor({ state: 'detached' });
      expect((await app.support.audit.list({ action: 'reveal' })).entries[0]).toMatchObject({
        actor: 'lan',
        target: ticketId,
      });
      const transcript = staff.locator('[data-testid=transcript]');
      await transcript.getByText('tôi cần xin phiếu lý lịch tư pháp số 2 cho con').waitFor();
      // A tap reads as the button the citizen saw, and the packet says why the rules decided so.
      const said = await transcript.textContent();
      expect(said).toContain('[Đồng ý]');
      expect(said).not.toContain('[consent:');
      await staff.click('[data-testid=decision-trace] summary');
      const why = await staff.locator('[data-testid=decision-trace]').textContent();
      expect(why).toContain('Vì sao: 1/2 quy tắc được áp dụng');
      expect(why).toContain('E2-form2-no-proxy được áp dụng');
      expect(why).toContain('subject.age = 36');
      expect(await staff.locator('.ticket-meta').textContent()).not.toContain('vừa xong');

      // HTML in a citizen's message is shown as text and never runs.
      const evil = transcript.locator('[data-testid=transcript-message] .msg__body', { hasText: EVIL });
      await evil.waitFor();
      expect(await evil.textContent()).toBe(EVIL);
      expect(await transcript.locator('img').count()).toBe(0);

      await staff.fill(
        '[data-testid=reply-text]',
        'Chào anh/chị, tôi là Lan. Tôi sẽ hướng dẫn anh/chị ngay.',
      );
      await staff.click('[data-testid=reply-send]');
      await transcript.locator('[data-from=staff]', { hasText: 'tôi là Lan' }).waitFor();
      await staff.screenshot({ path: `${ARTIFACTS}staff-console-ticket.png`, fullPage: true });

      // --- the citizen's page receives the reply over server-sent events
      await botSays(citizen, 'Nguyễn Thị Lan (cán bộ hỗ trợ): Chào anh/chị, tôi là Lan.');

      // The citizen writes; it reaches the console live, and the bot stays quiet.
      const before = await citizen.locator('[data-testid=bot-message]').count();
      await citizenSays(citizen, 'Dạ vâng, cảm ơn chị');
      await transcript.locator('[data-from=citizen]', { hasText: 'Dạ vâng, cảm ơn chị' }).waitFor();
      expect(await citizen.locator('[data-testid=bot-message]').count()).toBe(before);

      // --- staff hand back; the bot answers again
      await staff.click('[data-testid=hand-back]');
      await staff.locator('[data-testid=ticket-status]', { hasText: 'Đã trả cho trợ lý' }).waitFor();
      await botSays(citizen, 'Trợ lý Hoso tiếp tục hỗ trợ');
      await citizenSays(citizen, 'tro giup');
      await botSays(citizen, 'Hoso có thể giúp anh/chị');
      await staff.screenshot({ path: `${ARTIFACTS}staff-console-handed-back.png`, fullPage: true });
      await citizen.screenshot({ path: `${ARTIFACTS}webchat-citizen.png`, fullPage: true });

      // The console on a phone-sized screen: a toast shows at the top and lets taps through to the buttons.
      await staff.setViewportSize({ width: 375, height: 812 });
      await staff.evaluate(
        "(() => { const el = document.getElementById('toast'); el.textContent = 'Đã trả cho trợ lý'; el.hidden = false; })()",
      );
      const toastBox = (await staff.locator('#toast').boundingBox())!;
      expect(toastBox.y).toBeLessThan(80);
      expect(await staff.evaluate("getComputedStyle(document.getElementById('toast')).pointerEvents")).toBe(
        'none',
      );
      await staff.screenshot({ path: `${ARTIFACTS}staff-console-mobile.png`, fullPage: false });

      expect(alerts).toEqual([]);
      expect(existsSync(`${ARTIFACTS}staff-console-ticket.png`)).toBe(true);
    } finally {
      await citizenContext.close();
      await staffContext.close();
    }
  });

  it('a supervisor sees a request whose submission failed every attempt and sends it again', {
    timeout: 60_000,
  }, async () => {
    await app.support.accounts.save(
      await newStaffAccount({ username: 'hoa', role: 'supervisor', password: PASSWORD, displayName: 'Hoa' }),
    );
    // A request the agency never accepted: failed, its submission job on the dead-letter list.
    const { code } = await app.requests.create(lltpRequest({ decision: decision(0) }));
    await app.requests.repo.transition(code, 'exempt', { by: 'citizen' });
    await app.requests.repo.transition(code, 'failed', { by: 'system' });
    await app.deadLetters.add({
      name: 'request.submit',
      data: { code },
      attempts: 6,
      error: { message: 'agency down', code: 'HOSO_ERR_AGENCY_UNAVAILABLE' },
    });
    const context = await browser.newContext({ locale: 'vi-VN', viewport: { width: 1366, height: 900 } });
    try {
      const page = await context.newPage();
      await page.goto(`${app.baseUrl}/staff/#/dead-letters`);
      await page.fill('input[name=username]', 'hoa');
      await page.fill('input[name=password]', PASSWORD);
      await page.getByRole('button', { name: 'Đăng nhập' }).click();
      await page.getByRole('link', { name: 'Việc lỗi' }).click();
      const row = page.locator('[data-testid=dead-letter-row]', { hasText: code });
      await row.waitFor();
      expect(await row.textContent()).toContain('Nộp hồ sơ đến cơ quan');
      expect(await row.textContent()).toContain('HOSO_ERR_AGENCY_UNAVAILABLE');
      await page.screenshot({ path: `${ARTIFACTS}staff-console-dead-letters.png`, fullPage: true });
      await row.getByRole('button', { name: 'Gửi lại' }).click();
      await page.locator('.toast', { hasText: `Đã gửi lại hồ sơ ${code}` }).waitFor();
      await row.waitFor({ state: 'detached' });
      expect((await app.support.audit.list({ action: 'retry' })).entries[0]).toMatchObject({
        actor: 'hoa',
        target: code,
      });
    } finally {
      await context.close();
    }
  });
});
