import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExtractRenderer } from '../../../src/extracts/renderer.ts';
import { sampleLltp } from '../../../src/extracts/samples.ts';
import type { ExtractInputData } from '../../../src/extracts/schema.ts';
import { createDevKeys, loadDevIdentity } from '../../../src/extracts/signing/dev-keys.ts';
import { pageCount, pdftotext, tempDir, testMarkPixels } from '../support.ts';

const tmp = tempDir();
let renderer: ExtractRenderer;

beforeAll(async () => {
  await createDevKeys(tmp.dir);
  renderer = new ExtractRenderer({
    identity: (await loadDevIdentity(tmp.dir))!,
    publicUrl: 'https://hoso.example.gov.vn',
  });
}, 30_000);
afterAll(() => tmp.cleanup());

async function renderToText(data: ExtractInputData, name: string): Promise<{ text: string; file: string }> {
  const out = await renderer.render(data);
  const file = join(tmp.dir, `${name}.pdf`);
  writeFileSync(file, out.pdf);
  return { text: pdftotext(file), file };
}

/** pdftotext breaks long lines where the PDF wraps them; compare on collapsed whitespace. */
const flat = (s: string) => s.replace(/\s+/g, ' ');

function withConvictions(form: 1 | 2, expungedOnly: boolean): ExtractInputData {
  const base = sampleLltp(2) as Extract<ExtractInputData, { kind: 'lltp' }>;
  const convictions = base.content.convictions ?? [];
  return {
    ...base,
    form,
    content: {
      ...base.content,
      convictions: expungedOnly ? convictions.filter((c) => c.expunged) : convictions,
    },
  };
}

describe('criminal record extract template', () => {
  it('prints the national motto, issuing authority, number, title, subject and place-and-date in Vietnamese', async () => {
    const { text } = await renderToText(sampleLltp(1), 'form1');
    const t = flat(text);
    for (const expected of [
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'BỘ CÔNG AN',
      'CÔNG AN THÀNH PHỐ HÀ NỘI',
      'Số: 2418/LLTP-CAHN',
      'PHIẾU LÝ LỊCH TƯ PHÁP SỐ 1',
      'Mã hồ sơ: HS2611250001',
      '1. Họ và tên: NGUYỄN THỊ MINH THƯ',
      '2. Giới tính: Nữ',
      '3. Ngày, tháng, năm sinh: 14/02/1994',
      'Hà Nội, ngày 25 tháng 11 năm 2026',
      'KT. GIÁM ĐỐC',
      'Đại tá Trần Quốc Bình',
      'Không có án tích.',
    ]) {
      expect(t).toContain(expected);
    }
    // Text comes back composed (NFC), the way it was written.
    expect(text).toBe(text.normalize('NFC'));
  });

  it('never shows an expunged conviction on Form 1, which then reads "Không có án tích"', async () => {
    const { text } = await renderToText(withConvictions(1, true), 'form1-expunged');
    const t = flat(text);
    expect(t).toContain('Không có án tích.');
    expect(t).not.toContain('125/2013/HS-ST');
    expect(t).not.toContain('Họ và tên cha');
  });

  it('shows only the convictions not yet expunged on Form 1', async () => {
    const { text } = await renderToText(withConvictions(1, false), 'form1-mixed');
    const t = flat(text);
    expect(t).toContain('Có án tích chưa được xóa:');
    expect(t).toContain('Bản án số 48/2024/HS-ST ngày 02/04/2024');
    expect(t).not.toContain('125/2013/HS-ST');
    expect(t).not.toContain('xóa án tích ngày');
  });

  it('shows every conviction on Form 2 with its details, the expungement noted, and the parents and spouse', async () => {
    const { text } = await renderToText(sampleLltp(2), 'form2');
    const t = flat(text);
    expect(t).toContain('PHIẾU LÝ LỊCH TƯ PHÁP SỐ 2');
    expect(t).toContain('8. Họ và tên cha: Nguyễn Văn Hùng');
    expect(t).toContain('9. Họ và tên mẹ: Lê Thị Hoa');
    expect(t).toContain('10. Họ và tên vợ/chồng: (không có)');
    expect(t).toContain('1. Bản án số 125/2013/HS-ST ngày 17/09/2013 của Tòa án nhân dân quận Đống Đa');
    expect(t).toContain('Tội danh: Trộm cắp tài sản');
    expect(t).toContain('Xóa án tích: Đã được xóa án tích ngày 17/03/2016');
    expect(t).toContain('2. Bản án số 48/2024/HS-ST');
    expect(t).toContain('Hình phạt bổ sung: Cấm hành nghề lái xe 01 năm');
    expect(t).toContain('Nghĩa vụ dân sự trong bản án hình sự: Bồi thường cho người bị hại 45.000.000 đồng');
    expect(t).toContain(
      'THÔNG TIN VỀ VIỆC CẤM ĐẢM NHIỆM CHỨC VỤ, THÀNH LẬP, QUẢN LÝ DOANH NGHIỆP, HỢP TÁC XÃ',
    );
  });

  it('prints the management-ban section on Form 1 only when the requester asked for it', async () => {
    const base = sampleLltp(1) as Extract<ExtractInputData, { kind: 'lltp' }>;
    const without = flat((await renderToText(base, 'ban-no')).text);
    expect(without).not.toContain('CẤM ĐẢM NHIỆM');
    const asked = { ...base, content: { ...base.content, managementBan: { requested: true, bans: [] } } };
    expect(flat((await renderToText(asked, 'ban-yes')).text)).toContain(
      'Không bị cấm đảm nhiệm chức vụ, thành lập, quản lý doanh nghiệp, hợp tác xã.',
    );
  });

  it('flows long content onto further pages, each with a continuation header and "Trang x/y"', async () => {
    const base = sampleLltp(2) as Extract<ExtractInputData, { kind: 'lltp' }>;
    const many = Array.from({ length: 9 }, (_, i) => ({
      ...base.content.convictions![1]!,
      judgment: {
        number: `${100 + i}/2024/HS-ST`,
        date: '2024-04-02',
        court: 'Tòa án nhân dân quận Hai Bà Trưng',
      },
    }));
    const { file } = await renderToText({ ...base, content: { ...base.content, convictions: many } }, 'long');
    const pages = pageCount(file);
    expect(pages).toBeGreaterThanOrEqual(3);
    for (let p = 1; p <= pages; p++) {
      const page = flat(pdftotext(file, p));
      expect(page).toContain(`Trang ${p}/${pages}`);
      // The banner is text; the diagonal mark is drawn as shapes, visible but out of the extracted text.
      expect(page.match(/BẢN THỬ NGHIỆM – KHÔNG CÓ GIÁ TRỊ PHÁP LÝ/g)).toHaveLength(1);
      expect(testMarkPixels(file, p)).toBeGreaterThan(200);
      if (p > 1) expect(page).toContain('PHIẾU LÝ LỊCH TƯ PHÁP SỐ 2 (tiếp theo)');
    }
    // Every judgment number made it into the text, none cut by a page break.
    const all = flat(pdftotext(file));
    for (let i = 0; i < 9; i++) expect(all).toContain(`Bản án số ${100 + i}/2024/HS-ST`);
  });

  it('wraps a very long unbroken value instead of running off the page', async () => {
    const base = sampleLltp(1) as Extract<ExtractInputData, { kind: 'lltp' }>;
    const long = 'Xóm'.concat('Đông'.repeat(40));
    const { text } = await renderToText(
      { ...base, subject: { ...base.subject, placeOfBirth: long } },
      'unbroken',
    );
    expect(text.replace(/\s+/g, '')).toContain(long);
  });

  it('keeps personal data out of the document metadata', async () => {
    const { file } = await renderToText(sampleLltp(2), 'metadata');
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    expect(info).toContain('Title:           PHIẾU LÝ LỊCH TƯ PHÁP SỐ 2');
    expect(info).not.toMatch(/Nguyễn|Thư|001\*/);
  });

  it('prints the issuing authority it is given, e.g. the Sở Tư pháp label of an extract issued before 1 March 2025', async () => {
    const { text } = await renderToText(sampleLltp(1, { issueDate: '2024-12-05' }), 'old-authority');
    const t = flat(text);
    expect(t).toContain('SỞ TƯ PHÁP');
    expect(t).toContain('Hà Nội, ngày 05 tháng 12 năm 2024');
    expect(t).toContain('28/2009/QH12 ngày 17 tháng 6 năm 2009');
  });
});
