import { mkdirSync } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRulesUsersCommand } from '../../../src/rules/console/users-cli.ts';
import { RulesAdmin } from '../../../src/rules/publish.ts';
import { RuleVersionStore } from '../../../src/rules/versions.ts';
import { startTestApp } from '../../support/app.ts';
import { CHROMIUM, launchChromium, skipBrowser } from '../../support/browser.ts';
import { serviceFiles } from '../fixtures.ts';

const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/', import.meta.url));
const PASSWORD = 'mat-khau-du-dai-2026';
const title = skipBrowser
  ? `rules console in a real browser (skipped: ${CHROMIUM} is not installed)`
  : 'rules console in a real browser';

describe.skipIf(skipBrowser)(title, () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let browser: Browser;

  async function addUser(username: string, grant: string): Promise<void> {
    const code = await runRulesUsersCommand(
      ['add', username, '--grant', grant, '--name', username],
      { stdout: () => {}, stderr: () => {}, stdin: Readable.from([`${PASSWORD}\n`]) },
      { DATA_DIR: '/nonexistent' },
      { records: app.records },
    );
    expect(code).toBe(0);
  }

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    app = await startTestApp({ env: { RULES_POLL_SECONDS: '0' } });
    await addUser('dung', 'lltp:drafter');
    await addUser('vy.ngo', 'lltp:viewer');
    await addUser('binh', 'lltp:approver');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function signIn(page: Page, username: string): Promise<void> {
    await page.goto(`${app.baseUrl}/rules/`);
    await page.fill('input[name=username]', username);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForSelector('#app:not([hidden])');
  }

  it('lets a drafter preview a case, save it as a scenario, change a fee through a form, and be refused at the gate', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, 'dung');
    await page.waitForSelector('text=Đang áp dụng: 2026.11.2');
    await page.goto(`${app.baseUrl}/rules/#/lltp/preview`);
    await page.selectOption('select[aria-label="Tình huống"]', 'copies-3-in-person');
    await page.click('text=Xem kết quả');
    await page.waitForSelector('.decision');
    expect(await page.textContent('.decision[lang=vi]')).toContain('205.000');
    expect(await page.textContent('.decision[lang=en]')).toContain('Eligible');
    const card = await page.textContent('.decision[lang=vi] .citizen');
    expect(card).toContain('Lệ phí: 205.000');
    expect(card).toMatch(/Dự kiến có kết quả: ngày \d{2}\/\d{2}\/\d{4} \(nếu nộp hôm nay\)/);
    expect(await page.textContent('.decision[lang=en] .citizen')).toMatch(
      /Result expected: \d{2}\/\d{2}\/\d{4} \(if filed today\)/,
    );
    await page.click('text=Lưu thành tình huống kiểm thử');
    await page.waitForSelector('#flash:not([hidden])');

    await page.goto(`${app.baseUrl}/rules/#/lltp/edit`);
    await page.waitForSelector('input[name="amount-F3-base-2025"]');
    await page.screenshot({ path: `${ARTIFACTS}rules-console-edit-1280.png`, fullPage: false });
    await page.fill('input[name="amount-F3-base-2025"]', '190000');
    await page.dispatchEvent('input[name="amount-F3-base-2025"]', 'change');
    await page.click('button:text-is("Lưu bản nháp")');
    await page.waitForSelector('#flash:text("Đã lưu bản nháp")', { timeout: 180_000 });
    const saved = await page.textContent('#flash');
    expect(saved).toContain('200.000 ₫ → 190.000 ₫');
    expect(saved).toContain('hồ sơ mẫu');

    // Impact, grouped by the rule that changed: the base fee's group says how many pay less and by how much.
    const cause = page.locator('section[data-cause="F3-base-2025"]');
    await cause.waitFor();
    expect(await cause.textContent()).toMatch(/hồ sơ phí giảm, tổng −[\d.]+ ₫/);
    expect(await page.$('section[data-cause="F3-online-discount-standard"]')).toBeNull();
    await page.screenshot({ path: `${ARTIFACTS}rules-console-impact-1280.png`, fullPage: false });
    await page.setViewportSize({ width: 375, height: 800 });
    await page.screenshot({ path: `${ARTIFACTS}rules-console-impact-375.png`, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
    const draftVersion = /impact\/([^/]+)$/.exec(page.url())![1]!;

    // An example opens in the preview, decided by the draft and by the version in force side by side.
    await cause.locator('button:text-is("Mở trong Xem trước")').first().click();
    await page.waitForSelector(`h2:text-is("Theo ${draftVersion}")`);
    await page.waitForSelector('h2:text-is("Theo 2026.11.2")');
    const [draftSide, currentSide] = await page.$$eval('.decision[lang=vi]', (els) =>
      els.map((e) => e.textContent ?? ''),
    );
    const feeOf = (text: string) => Number(/Phí: ([\d.]+) ₫/.exec(text)![1]!.replaceAll('.', ''));
    expect(feeOf(currentSide!) - feeOf(draftSide!)).toBeGreaterThan(0);
    await page.locator(`h2:text-is("Theo ${draftVersion}")`).scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${ARTIFACTS}rules-console-preview-compare-1280.png` });
    await page.setViewportSize({ width: 375, height: 800 });
    await page.locator(`h2:text-is("Theo ${draftVersion}")`).scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${ARTIFACTS}rules-console-preview-compare-375.png` });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${app.baseUrl}/rules/#/lltp/impact/${draftVersion}`);
    await page.click('button:text-is("Đề xuất")');
    await page.waitForSelector('#flash.is-error', { timeout: 60_000 });
    expect(await page.textContent('#flash')).toContain('Tình huống');
    expect(app.rules.get('lltp').ruleSet.version).toBe('2026.11.2');

    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(`${app.baseUrl}/rules/#/lltp/edit`);
    await page.waitForSelector('input[name="amount-F3-base-2025"]');
    await page.screenshot({ path: `${ARTIFACTS}rules-console-edit-375.png`, fullPage: false });
    await page.goto(`${app.baseUrl}/rules/#/lltp/versions`);
    await page.waitForSelector('table');
    await page.screenshot({ path: `${ARTIFACTS}rules-console-versions-375.png`, fullPage: false });
    await page.close();
  }, 300_000);

  it('lets a different approver publish a proposed draft, and the citizen’s next decision has the new fee', async () => {
    const facts = {
      on: '2027-02-01',
      channel: 'online',
      requester: { dateOfBirth: '1990-05-05', identityLevel: 2 },
    };
    const files = structuredClone(serviceFiles('lltp')) as Record<
      string,
      { version?: string; rules?: object[] }
    >;
    files['service.json']!.version = '2026.12.1';
    const fees = files['rules/fees.json']!.rules! as { id: string }[];
    const discount = structuredClone(fees.find((r) => r.id === 'F3-online-discount-standard')!);
    fees.push({
      ...discount,
      id: 'F3-online-discount-2027',
      effective: { from: '2027-01-01' },
      event: { type: 'fee', params: { code: 'online_discount', amount: -50000 } },
    } as { id: string });
    (files['scenarios/fees-2027.json'] as unknown) = {
      scenarios: [
        { id: 'online-2027', description: 'Online in 2027', facts, expect: { fee: { total: 150000 } } },
      ],
    };
    const admin = new RulesAdmin({ versions: new RuleVersionStore(app.records) });
    await admin.upload('lltp', files, { name: 'dung', role: 'drafter' });
    await admin.propose('lltp', '2026.12.1', { name: 'dung', role: 'drafter' });

    const drafter = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(drafter, 'dung');
    await drafter.goto(`${app.baseUrl}/rules/#/lltp/versions`);
    await drafter.waitForSelector('text=Đề xuất bởi dung');
    expect(await drafter.$('text=Phê duyệt, áp dụng ngay')).toBeNull();
    await drafter.close();

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, 'binh');
    await page.goto(`${app.baseUrl}/rules/#/lltp/versions`);
    await page.click('button:text-is("Phê duyệt, áp dụng ngay")');
    await page.waitForSelector('#flash:text("Đã áp dụng")');
    await page.screenshot({ path: `${ARTIFACTS}rules-console-published-1280.png` });
    const end = Date.now() + 15_000;
    while (app.rules.get('lltp').ruleSet.version !== '2026.12.1' && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(app.rules.get('lltp').decideSync(facts).fee.total).toBe(150000);
    await page.close();
  }, 120_000);

  it('lets a drafter add a document requirement with nested conditions through the form, and see whom it touches', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, 'dung');
    await page.goto(`${app.baseUrl}/rules/#/lltp/edit`);
    await page.click('button:text-is("+ Thêm giấy tờ phải nộp")');
    const rule = page.locator('[data-kind=require] > .rule').last();
    const id = (await rule.getAttribute('data-rule'))!;
    expect(id).toMatch(/^D-moi-/);
    await rule.locator(`input[name="title-vi-${id}"]`).fill('Bản sao hộ chiếu');
    await rule.locator(`input[name="title-en-${id}"]`).fill('Passport copy');
    await rule.locator(`input[name="code-${id}"]`).fill('ban_sao_ho_chieu');
    await rule.locator(`input[name="code-${id}"]`).dispatchEvent('change');
    await rule.locator('textarea').nth(0).fill('Bản sao hộ chiếu còn hạn.');
    await rule.locator('textarea').nth(0).dispatchEvent('change');
    await rule.locator('textarea').nth(1).fill('A copy of a valid passport.');
    await rule.locator('textarea').nth(1).dispatchEvent('change');
    await rule.locator('label:has-text("Hiệu lực từ") input').fill('2025-01-01');
    await rule.locator('label:has-text("Hiệu lực từ") input').dispatchEvent('change');

    // In person, and (lived abroad or not Vietnamese): a condition, then a group of two.
    await rule.locator('button:text-is("+ Thêm điều kiện")').click();
    const top = rule.locator('.group[data-depth="0"] > .cond').first();
    await top.locator('select[aria-label="Thông tin"]').selectOption('channel');
    await top.locator('select').nth(2).selectOption('in_person');
    await rule.locator('button:text-is("+ Thêm nhóm “một trong”")').click();
    const group = rule.locator('.group[data-depth="1"]');
    await group
      .locator('.cond')
      .first()
      .locator('select[aria-label="Thông tin"]')
      .selectOption('subject.livedAbroad');
    await group.locator('button:text-is("+ Thêm điều kiện")').click();
    const second = group.locator('.cond').nth(1);
    await second.locator('select[aria-label="Thông tin"]').selectOption('requester.nationality');
    await second.locator('select[aria-label="Phép so sánh"]').selectOption('notEqual');
    await second.locator('input').fill('VN');
    await second.locator('input').dispatchEvent('change');
    await rule.locator('label:has-text("Căn cứ pháp lý") input').fill('Luật Lý lịch tư pháp 2009');
    await rule.locator('label:has-text("Căn cứ pháp lý") input').dispatchEvent('change');
    await rule.locator('label:has-text("Điều, khoản") input').fill('Điều 45');
    await rule.locator('label:has-text("Điều, khoản") input').dispatchEvent('change');
    await rule.screenshot({ path: `${ARTIFACTS}rules-console-new-rule-1280.png` });
    await page.setViewportSize({ width: 375, height: 800 });
    await rule.screenshot({ path: `${ARTIFACTS}rules-console-new-rule-375.png` });
    await page.setViewportSize({ width: 1280, height: 900 });

    await page.click('button:text-is("Xem JSON")');
    const files = JSON.parse(await page.inputValue('textarea[aria-label="JSON của bản nháp"]'));
    const written = files['rules/documents.json'].rules.find((r: { id: string }) => r.id === id);
    expect(written).toMatchObject({
      title: { vi: 'Bản sao hộ chiếu', en: 'Passport copy' },
      effective: { from: '2025-01-01' },
      basis: [{ instrument: 'Luật Lý lịch tư pháp 2009', article: 'Điều 45' }],
      event: { type: 'require', params: { document: 'ban_sao_ho_chieu' } },
      conditions: {
        all: [
          { fact: 'channel', operator: 'equal', value: 'in_person' },
          {
            any: [
              { fact: 'subject', path: '$.livedAbroad', operator: 'equal', value: true },
              { fact: 'requester', path: '$.nationality', operator: 'notEqual', value: 'VN' },
            ],
          },
        ],
      },
    });
    expect(files['service.json'].messages.documents.ban_sao_ho_chieu).toEqual({
      vi: 'Bản sao hộ chiếu còn hạn.',
      en: 'A copy of a valid passport.',
    });

    await page.fill('input[aria-label="Số phiên bản mới"]', '2026.11.40');
    await page.click('button:text-is("Lưu bản nháp")');
    await page.waitForSelector('#flash:text("Đã lưu bản nháp 2026.11.40")', { timeout: 180_000 });
    expect(await page.textContent('#flash')).toContain('Thêm quy tắc "Bản sao hộ chiếu"');
    const cause = page.locator(`section[data-cause="${id}"]`);
    await cause.waitFor();
    expect(await cause.textContent()).toMatch(/hồ sơ phải nộp thêm giấy tờ “ban_sao_ho_chieu”/);
    await page.close();
  }, 300_000);

  it('shows a viewer no form to change anything', async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 800 } });
    await signIn(page, 'vy.ngo');
    await page.goto(`${app.baseUrl}/rules/#/lltp/edit`);
    await page.waitForSelector('text=Vai trò Xem không được sửa quy tắc.');
    expect(await page.$('input[name="amount-F3-base-2025"]')).toBeNull();
    await page.close();
  });
});
