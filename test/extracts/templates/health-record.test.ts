import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectHealthContent } from '../../../src/extracts/health-scope.ts';
import { ExtractRenderer } from '../../../src/extracts/renderer.ts';
import { SAMPLE_HEALTH_RECORD, sampleHealthRecord } from '../../../src/extracts/samples.ts';
import type { HealthChoice } from '../../../src/extracts/schema.ts';
import { createDevKeys, loadDevIdentity } from '../../../src/extracts/signing/dev-keys.ts';
import { pageCount, pdftotext, pdfWords, tempDir } from '../support.ts';

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

const flat = (s: string) => s.replace(/\s+/g, ' ');
const ALL_GROUPS: HealthChoice['groups'] = ['administrative', 'history', 'visits', 'summary'];

async function textOf(choice: HealthChoice, name: string): Promise<string> {
  const out = await renderer.render(sampleHealthRecord(choice));
  const file = join(tmp.dir, `${name}.pdf`);
  writeFileSync(file, out.pdf);
  return flat(pdftotext(file));
}

describe('e-health-record extract template', () => {
  it('prints all four Decision 1332 groups for scope "all", with the key indicators flagged', async () => {
    const t = await textOf({ scope: 'all', groups: ALL_GROUPS }, 'all');
    expect(t).toContain('TRÍCH XUẤT SỔ SỨC KHỎE ĐIỆN TỬ');
    expect(t).toContain('Phạm vi trích xuất: Toàn bộ');
    expect(t).toContain('I. THÔNG TIN HÀNH CHÍNH');
    expect(t).toContain('Số thẻ bảo hiểm y tế: DN4010******789');
    expect(t).toContain('II. TIỀN SỬ');
    expect(t).toContain('Thuốc: Penicillin; biểu hiện: Nổi mề đay, ngứa');
    expect(t).toContain('11/09/2021: COVID-19 (Pfizer-BioNTech Comirnaty), mũi 2');
    expect(t).toContain('III. THÔNG TIN KHÁM BỆNH, CHỮA BỆNH');
    expect(t).toContain('Chẩn đoán: Viêm phổi, không đặc hiệu; hen phế quản (ICD-10: J18.9; J45.9)');
    expect(t).toContain('Chỉ số theo dõi chính: nhóm máu O Rh+, chiều cao 158 cm, cân nặng 51,5 kg');
    expect(t).toContain('IV. TÓM TẮT HỒ SƠ BỆNH ÁN');
    expect(t).toContain('Bác sĩ điều trị: BS.CKI Phạm Thu Hà');
  });

  it('states the data source, the sync lag and that the legally valid copy is on VNeID', async () => {
    const t = await textOf({ scope: 'summary', groups: ALL_GROUPS }, 'notes');
    expect(t).toContain('Nguồn dữ liệu: Bệnh viện Đa khoa Đống Đa (đồng bộ 06:00 07/03/2026)');
    expect(t).toContain('chậm nhất 24 giờ');
    expect(t).toContain('Bản có giá trị pháp lý là Sổ sức khỏe điện tử trên ứng dụng VNeID.');
  });

  it('prints only vaccinations for scope "vaccinations"', async () => {
    const t = await textOf({ scope: 'vaccinations', groups: ['history'] }, 'vacc');
    expect(t).toContain('Phạm vi trích xuất: Lịch sử tiêm chủng');
    expect(t).toContain('Tiêm chủng');
    expect(t).toContain('Viêm gan B, mũi 3');
    expect(t).not.toContain('Penicillin');
    expect(t).not.toContain('THÔNG TIN HÀNH CHÍNH');
    expect(t).not.toContain('Ceftriaxon');
  });

  it('prints one visit and its record summary for scope "visit"', async () => {
    const t = await textOf({ scope: 'visit', visitId: 'V2025-1102', groups: ['visits', 'summary'] }, 'visit');
    expect(t).toContain('Trạm Y tế phường Kim Liên (09:15 02/11/2025)');
    expect(t).toContain('Khám sức khỏe định kỳ');
    expect(t).not.toContain('Bệnh viện Đa khoa Đống Đa (08:30');
    expect(t).toContain('TÓM TẮT HỒ SƠ BỆNH ÁN');
    expect(t).toContain('Không có dữ liệu trong phạm vi đã chọn.');
  });

  it('prints no discharge status for an outpatient visit', async () => {
    const data = sampleHealthRecord({ scope: 'visit', visitId: 'V2025-1102', groups: ['visits'] });
    if (data.kind !== 'health_record') throw new Error('sample kind');
    const visits = data.content.visits!.map((v) => ({ ...v, dischargeStatus: 'Ra viện' }));
    const out = await renderer.render({ ...data, content: { ...data.content, visits } });
    const file = join(tmp.dir, 'outpatient.pdf');
    writeFileSync(file, out.pdf);
    const t = flat(pdftotext(file));
    expect(t).toContain('Hình thức: Ngoại trú');
    expect(t).not.toContain('Tình trạng ra viện');
  });

  it('never leaves the signature and QR code alone on a page, whatever the scope', async () => {
    const choices: HealthChoice[] = [
      { scope: 'all', groups: ALL_GROUPS },
      { scope: 'summary', groups: ALL_GROUPS },
      { scope: 'visit', visitId: 'V2026-0301', groups: ['visits', 'summary'] },
      { scope: 'visit', visitId: 'V2025-1102', groups: ['visits', 'summary'] },
      { scope: 'vaccinations', groups: ['history'] },
    ];
    for (const [i, choice] of choices.entries()) {
      const out = await renderer.render(sampleHealthRecord(choice));
      const file = join(tmp.dir, `signature-${i}.pdf`);
      writeFileSync(file, out.pdf);
      const words = pdfWords(file);
      const signed = words.find((w) => w.text === '(Đã');
      expect(signed, `signature of ${choice.scope}`).toBeDefined();
      const page = pdftotext(file, signed!.page);
      // The body text above the signature block (not the running header) shares its page.
      const above = words.filter(
        (w) => w.page === signed!.page && w.yMax < signed!.yMin - 20 && w.yMin > 150,
      );
      expect(
        above.length,
        `${choice.scope}: content above the signature on page ${signed!.page}/${pageCount(file)}`,
      ).toBeGreaterThan(20);
      expect(flat(page)).toContain('Nguồn dữ liệu');
    }
  });

  it('leaves out a group the citizen did not choose', async () => {
    const t = await textOf({ scope: 'all', groups: ['history'] }, 'history-only');
    expect(t).toContain('I. TIỀN SỬ');
    expect(t).not.toContain('THÔNG TIN HÀNH CHÍNH');
    expect(t).not.toContain('THÔNG TIN KHÁM BỆNH');
    expect(t).not.toContain('TÓM TẮT HỒ SƠ BỆNH ÁN');
  });
});

describe('selectHealthContent', () => {
  it('gives the latest key indicators and the latest record summary for scope "summary"', () => {
    const c = selectHealthContent(SAMPLE_HEALTH_RECORD, { scope: 'summary', groups: ['visits', 'summary'] });
    expect(c.keyIndicators).toEqual({
      bloodGroup: 'O Rh+',
      heightCm: 158,
      weightKg: 51.5,
      measuredOn: '2026-03-02T08:30',
    });
    expect(c.summaries?.map((s) => s.visitId)).toEqual(['V2026-0301']);
    expect(c.visits).toBeUndefined();
    expect(c.history).toBeUndefined();
  });

  it('refuses a visit that is not in the record with a typed error', () => {
    expect(() =>
      selectHealthContent(SAMPLE_HEALTH_RECORD, { scope: 'visit', visitId: 'NOPE', groups: ['visits'] }),
    ).toThrow(expect.objectContaining({ code: 'HOSO_ERR_EXTRACT_VISIT_NOT_FOUND' }));
  });

  it('lists visits newest first for scope "all"', () => {
    const c = selectHealthContent(SAMPLE_HEALTH_RECORD, { scope: 'all', groups: ['visits'] });
    expect(c.visits?.map((v) => v.id)).toEqual(['V2026-0301', 'V2025-1102']);
    expect(c.visits?.[0]).not.toHaveProperty('summary');
  });
});
