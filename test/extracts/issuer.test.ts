import type { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { devKeyPaths } from '../../src/extracts/signing/dev-keys.ts';
import { readCertificates } from '../../src/extracts/signing/identity.ts';
import { verifyPdf } from '../../src/extracts/verify.ts';
import { MemoryBlobStore } from '../../src/files/memory-blob-store.ts';
import { SimulatedBackOffice } from '../../src/ports/agency/simulated.ts';
import type { AgencyPort, ExtractContent } from '../../src/ports/agency/types.ts';
import { EmbeddedHealthRecords } from '../../src/ports/health/embedded.ts';
import { EmbeddedJudicialRecords } from '../../src/ports/judicial/embedded.ts';
import { HealthRecordsFulfilment } from '../../src/requests/health-fulfilment.ts';
import { toSubmission } from '../../src/requests/jobs.ts';
import { RequestRepository } from '../../src/requests/repository.ts';
import type { NewRequest, RequestRecord } from '../../src/requests/schema.ts';
import { MemoryStore } from '../../src/store/memory.ts';
import { decision, HOA, HUNG, lltpRequest } from '../requests/support.ts';
import { signedExtractIssuer } from '../support/extracts.ts';
import { pdftotext, pdfWords, tempDir } from './support.ts';

/** The rules' decision.authority from 1 March 2025 (E7-authority-police): a description, not a name. */
const POLICE_RULE =
  'Công an tỉnh, thành phố nơi người được cấp phiếu thường trú (nếu không có thì nơi tạm trú; người đang ở nước ngoài: nơi cư trú trước khi xuất cảnh)';

const tmp = tempDir();
let anchors: X509Certificate[];
beforeAll(async () => {
  anchors = await readCertificates([devKeyPaths(inject('devKeysDir')).caCertificate]);
});
afterAll(() => tmp.cleanup());

function setup() {
  const kv = new MemoryStore();
  const files = new MemoryBlobStore();
  return {
    kv,
    files,
    ...signedExtractIssuer(kv, files, inject('devKeysDir'), 'https://hoso.example.gov.vn'),
  };
}

/** A request as the pipeline holds it, and the result its back office issues. */
async function issuedBy(
  kv: MemoryStore,
  agency: AgencyPort,
  overrides: Partial<NewRequest> = {},
): Promise<{ request: RequestRecord; content: ExtractContent }> {
  const request = await new RequestRepository(kv).create(lltpRequest(overrides));
  const submission = toSubmission(request);
  const { agencyRef } = await agency.submit(submission);
  const status = await agency.status(agencyRef, submission);
  if (status.state !== 'issued') throw new Error(`not issued: ${status.state}`);
  return { request, content: status.result };
}

const simulated = (kv: MemoryStore) =>
  new SimulatedBackOffice(kv, new EmbeddedJudicialRecords(), { processingDelayMs: 0 });

describe('the signed extract issuer', () => {
  it('signs the agency result as phieu-lltp-<code>.pdf, stores it and records it in the registry', async () => {
    const s = setup();
    const { request, content } = await issuedBy(s.kv, simulated(s.kv), {
      decision: decision(200000, { authority: POLICE_RULE }),
    });
    const issued = await s.issuer.issue(request, content);
    expect(issued.filename).toBe(`phieu-lltp-${request.code}.pdf`);
    expect(issued.documentId).toMatch(/^LLTP-\d{8}-[0-9A-Z]{10}$/);

    const file = await s.files.get(issued.fileId);
    expect(file?.meta).toMatchObject({ filename: issued.filename, mimeType: 'application/pdf' });
    const pdf = Buffer.from(file!.bytes);
    const result = await verifyPdf(pdf, { trustAnchors: anchors, registryLookup: s.registry.lookup });
    expect(result).toMatchObject({ valid: true, documentId: issued.documentId });
    expect(result.checks.registry).toBe('pass');
    expect(await s.registry.get(issued.documentId)).toMatchObject({
      status: 'valid',
      service: 'lltp',
      requestCode: request.code,
      subject: { name: 'T. T. Hoà', idNumber: '001*******45' },
      issueDate: content.issueDate,
      development: true,
    });

    const path = join(tmp.dir, 'hoa.pdf');
    writeFileSync(path, pdf);
    const text = pdftotext(path).replace(/\s+/g, ' ');
    // The rule's 147-character description becomes the body it designates for the residence, Hà Nội.
    expect(text).toContain('BỘ CÔNG AN');
    expect(text).toContain('CÔNG AN THÀNH PHỐ HÀ NỘI');
    expect(text).not.toContain('nơi người được cấp phiếu');
    expect(text).toContain('TRẦN THỊ HOÀ');
    expect(text).toContain(issued.documentId);
  });

  it('gives a retried job the same document and file', async () => {
    const s = setup();
    const { request, content } = await issuedBy(s.kv, simulated(s.kv));
    const first = await s.issuer.issue(request, content);
    const again = await s.issuer.issue(request, content);
    expect(again).toEqual(first);
  });

  it('issues one document when two workers issue the same request at once', async () => {
    const s = setup();
    const { request, content } = await issuedBy(s.kv, simulated(s.kv));
    const [a, b] = await Promise.all([s.issuer.issue(request, content), s.issuer.issue(request, content)]);
    expect(b).toEqual(a);
    const pdf = Buffer.from((await s.files.get(a.fileId))!.bytes);
    const result = await verifyPdf(pdf, { trustAnchors: anchors, registryLookup: s.registry.lookup });
    expect(result.checks.registry).toBe('pass');
  });

  it('prints the document id reserved before a crash', async () => {
    const s = setup();
    const { request, content } = await issuedBy(s.kv, simulated(s.kv));
    // What an attempt that died after reserving the id and before storing its file leaves behind.
    await s.kv.set(`extracts:request:${request.code}:document-id`, 'LLTP-20261125-RESERVED01');
    const issued = await s.issuer.issue(request, content);
    expect(issued.documentId).toBe('LLTP-20261125-RESERVED01');
    expect(await s.registry.get('LLTP-20261125-RESERVED01')).toMatchObject({ requestCode: request.code });
  });

  it('signs the same document again when its file was lost before delivery, and the registry follows', async () => {
    const s = setup();
    const { request, content } = await issuedBy(s.kv, simulated(s.kv));
    const first = await s.issuer.issue(request, content);
    await s.files.delete(first.fileId);
    const again = await s.issuer.issue(request, content);
    expect(again.documentId).toBe(first.documentId);
    expect(again.fileId).not.toBe(first.fileId);
    const pdf = Buffer.from((await s.files.get(again.fileId))!.bytes);
    const result = await verifyPdf(pdf, { trustAnchors: anchors, registryLookup: s.registry.lookup });
    expect(result.valid).toBe(true);
  });

  it('prints a Form 2 with every conviction, the gender read from the ID number and "no data" lines', async () => {
    const s = setup();
    const { request, content } = await issuedBy(s.kv, simulated(s.kv), {
      subject: { ...HUNG, gender: undefined },
      decision: decision(0),
      facts: { request: { form: 2 } },
    });
    expect(content.subject.gender).toBeUndefined();
    const issued = await s.issuer.issue(request, content);
    const path = join(tmp.dir, 'hung.pdf');
    writeFileSync(path, (await s.files.get(issued.fileId))!.bytes);
    const text = pdftotext(path).replace(/\s+/g, ' ');
    expect(text).toContain('ĐỖ QUỐC HÙNG');
    expect(text).toMatch(/Giới tính:? Nam/);
    expect(text).toMatch(/Nơi cư trú:? Chưa có thông tin/);
    expect(text).toContain('87/2023/HS-ST');
    expect(text).toContain('Nguyễn Thị Thu');
  });

  it("dates the extract from the province of the police that issues it, not from the agency's own city", async () => {
    const s = setup();
    const { request, content } = await issuedBy(s.kv, simulated(s.kv), {
      subject: { ...HOA, residence: 'Phường Lê Chân, thành phố Hải Phòng' },
      decision: decision(0, { authority: POLICE_RULE }),
      facts: { request: { form: 2 } },
    });
    const issued = await s.issuer.issue(request, content);
    const path = join(tmp.dir, 'hai-phong.pdf');
    writeFileSync(path, (await s.files.get(issued.fileId))!.bytes);
    const text = pdftotext(path).replace(/\s+/g, ' ');
    expect(text).toContain('CÔNG AN THÀNH PHỐ HẢI PHÒNG');
    expect(text).toMatch(/Hải Phòng, ngày \d+ tháng \d+ năm \d{4}/);
    expect(text).not.toMatch(/Hà Nội, ngày/);
  });

  it('prints the ban section on a Form 1 for founding or managing an enterprise, and the signer under the signature line', async () => {
    const s = setup();
    const { request, content } = await issuedBy(s.kv, simulated(s.kv), {
      decision: decision(0, { authority: POLICE_RULE }),
      facts: { request: { form: 1, purpose: 'business' } },
    });
    const issued = await s.issuer.issue(request, content);
    const path = join(tmp.dir, 'business.pdf');
    writeFileSync(path, (await s.files.get(issued.fileId))!.bytes);
    const text = pdftotext(path).replace(/\s+/g, ' ');
    expect(text).toContain('THÔNG TIN VỀ VIỆC CẤM ĐẢM NHIỆM CHỨC VỤ, THÀNH LẬP, QUẢN LÝ DOANH NGHIỆP');
    expect(text).toContain('Không bị cấm đảm nhiệm chức vụ, thành lập, quản lý doanh nghiệp, hợp tác xã.');
    const words = pdfWords(path);
    const at = (w: string) => words.find((x) => x.text === w);
    const title = at('GIÁM');
    const signed = at('(Đã');
    const name = words.find((x) => x.text === 'Khôi');
    expect(title && signed && name).toBeTruthy();
    // Title, then the signature line, then the name below it, in the signer's column.
    expect(signed!.yMin).toBeGreaterThan(title!.yMin);
    expect(name!.yMin).toBeGreaterThan(signed!.yMin);
    expect(name!.page).toBe(signed!.page);
    expect(text).toContain('Trần Minh Khôi');
  });

  it('signs an e-health-book extract as so-suc-khoe-<code>.pdf with the chosen scope', async () => {
    const s = setup();
    const { request, content } = await issuedBy(
      s.kv,
      new HealthRecordsFulfilment(new EmbeddedHealthRecords()),
      {
        service: 'health_record',
        subject: HOA,
        decision: { ...decision(0), service: 'health_record' },
        facts: { request: { scope: 'vaccinations', groups: ['administrative', 'history'] } },
      },
    );
    const issued = await s.issuer.issue(request, content);
    expect(issued.filename).toBe(`so-suc-khoe-${request.code}.pdf`);
    expect(issued.documentId).toMatch(/^SKDT-/);
    const path = join(tmp.dir, 'health.pdf');
    writeFileSync(path, (await s.files.get(issued.fileId))!.bytes);
    const text = pdftotext(path).replace(/\s+/g, ' ');
    expect(text).toContain('SỔ SỨC KHỎE ĐIỆN TỬ');
    expect(text).toContain('TRẦN THỊ HOÀ');
    expect(text).toContain('Phạm vi trích xuất: Lịch sử tiêm chủng');
  });
});
