import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VerifyReport } from '../../src/extracts/verify-report.ts';
import { startTestApp } from '../support/app.ts';
import { issueThroughApp, qrTextOf } from '../support/extracts.ts';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;
type ErrorBody = { error: { code: string; message: string } };

describe('the /verify page and its API', () => {
  let app: TestApp;
  let pdf: Buffer;
  let documentId: string;
  let link: URL;

  beforeAll(async () => {
    app = await startTestApp();
    const issued = await issueThroughApp(app);
    pdf = issued.pdf;
    documentId = issued.issued.documentId;
    link = new URL(qrTextOf(app, pdf).link);
  });
  afterAll(async () => {
    await app?.close();
  });

  function upload(bytes: Buffer | string, filename = 'phieu.pdf', type = 'application/pdf', lang = 'vi') {
    const form = new FormData();
    form.append('file', new Blob([bytes], { type }), filename);
    return fetch(`${app.baseUrl}/api/verify?lang=${lang}`, { method: 'POST', body: form });
  }

  const lookup = (d: string, t: string, lang = 'vi') =>
    fetch(`${app.baseUrl}/api/verify/document?${new URLSearchParams({ d, t, lang })}`);

  it('serves the page where the QR link points, with a strict content security policy and no referrer', async () => {
    const res = await fetch(`${app.baseUrl}${link.pathname}${link.search}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('Kiểm tra văn bản do Hoso cấp');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const script = await fetch(`${app.baseUrl}/verify/app.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('javascript');
  });

  it('answers a QR link with the registry status, service, issue date and masked subject', async () => {
    const res = await lookup(documentId, link.searchParams.get('t')!);
    expect(res.status).toBe(200);
    const raw = await res.text();
    expect(JSON.parse(raw).document).toMatchObject({
      id: documentId,
      service: 'lltp',
      serviceName: 'Phiếu lý lịch tư pháp',
      status: 'valid',
      statusLabel: 'Còn hiệu lực',
      subject: { name: 'T. T. Hoà', idNumber: '001*******45' },
      development: true,
      message: expect.stringMatching(new RegExp(`^Văn bản số ${documentId} \\(Phiếu lý lịch tư pháp\\)`)),
    });
    expect(raw).not.toContain('Trần Thị Hoà');
    expect(raw).not.toContain('001190012345');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses a link whose token does not match with a clear message and no registry answer', async () => {
    const token = link.searchParams.get('t')!;
    const forged = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    for (const [d, t] of [
      [documentId, forged],
      [documentId, ''],
      ['not-a-document', token],
      [documentId.replace(/.$/, (c) => (c === '0' ? '1' : '0')), token],
    ] as const) {
      const res = await lookup(d, t);
      expect(res.status, `${d} ${t}`).toBe(400);
      const body = (await res.json()) as ErrorBody & { document?: unknown };
      expect(body.error.code).toBe('HOSO_ERR_VERIFY_LINK_INVALID');
      expect(body.error.message).toMatch(/^Liên kết kiểm tra không hợp lệ/);
      expect(body.document).toBeUndefined();
    }
    const english = (await (await lookup(documentId, forged, 'en')).json()) as ErrorBody;
    expect(english.error.message).toMatch(/^The verification link is not valid/);
  });

  it('checks an uploaded PDF and explains every check in Vietnamese', async () => {
    const res = await upload(pdf);
    expect(res.status).toBe(200);
    const report = (await res.json()) as VerifyReport;
    expect(report.valid).toBe(true);
    expect(report.summary).toMatch(/^Văn bản hợp lệ/);
    expect(report.developmentNote).toContain('BẢN THỬ NGHIỆM');
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ['byteRange', 'pass'],
      ['digest', 'pass'],
      ['signature', 'pass'],
      ['chain', 'pass'],
      ['registry', 'pass'],
    ]);
    expect(report.checks.map((c) => c.label)).toEqual([
      'Chữ ký bao trùm toàn bộ tệp',
      'Nội dung không bị thay đổi',
      'Chữ ký số',
      'Chứng thư số của cơ quan ký',
      'Sổ đăng ký văn bản đã cấp',
    ]);
    expect(report.document).toMatchObject({ id: documentId, status: 'valid' });
  });

  it('takes the PDF as an application/pdf body too, and answers in English when asked', async () => {
    const res = await fetch(`${app.baseUrl}/api/verify?lang=en`, {
      method: 'POST',
      headers: { 'content-type': 'application/pdf' },
      body: pdf,
    });
    const report = (await res.json()) as VerifyReport;
    expect(report.valid).toBe(true);
    expect(report.summary).toMatch(/^The document is valid/);
    expect(report.checks[0]?.label).toBe('The signature covers the whole file');
  });

  it('says the content changed for a tampered copy, and keeps the registry out of it', async () => {
    const tampered = Buffer.from(pdf);
    // Byte 1000 lies in the first signed range (the signature hole is near the end of the file).
    tampered[1000] = tampered[1000]! ^ 0x01;
    const report = (await (await upload(tampered)).json()) as VerifyReport;
    expect(report.valid).toBe(false);
    expect(report.summary).toMatch(/KHÔNG hợp lệ/);
    const digest = report.checks.find((c) => c.id === 'digest')!;
    expect(digest).toMatchObject({ status: 'fail', message: 'Nội dung tệp đã bị thay đổi sau khi ký.' });
    // A file the issuer did not sign learns nothing from the registry about the id it carries.
    expect(report.checks.find((c) => c.id === 'registry')?.status).toBe('skipped');
    expect(report.document).toBeNull();
  });

  it('refuses what is not a PDF, a missing file and a file too large, each with its own message', async () => {
    const notPdf = await upload('xin chào, đây không phải PDF', 'thu.txt', 'text/plain');
    expect(notPdf.status).toBe(415);
    expect(((await notPdf.json()) as ErrorBody).error).toMatchObject({
      code: 'HOSO_ERR_VERIFY_NOT_PDF',
      message: expect.stringMatching(/^Tệp này không phải tệp PDF/),
    });

    const form = new FormData();
    form.append('note', 'không có tệp');
    const missing = await fetch(`${app.baseUrl}/api/verify`, { method: 'POST', body: form });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as ErrorBody).error.code).toBe('HOSO_ERR_VERIFY_NO_FILE');

    const text = await fetch(`${app.baseUrl}/api/verify`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(text.status).toBe(415);
    expect(((await text.json()) as ErrorBody).error.code).toBe('HOSO_ERR_VERIFY_NOT_PDF');

    const huge = Buffer.concat([
      Buffer.from('%PDF-1.7\n'),
      Buffer.alloc(app.cfg.VERIFY_UPLOAD_MAX_KB * 1024),
    ]);
    for (const res of [
      await upload(huge),
      await fetch(`${app.baseUrl}/api/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/pdf' },
        body: huge,
      }),
    ]) {
      expect(res.status).toBe(413);
      const body = (await res.json()) as ErrorBody;
      expect(body.error.code).toBe('HOSO_ERR_VERIFY_FILE_TOO_LARGE');
      expect(body.error.message).toContain(`${app.cfg.VERIFY_UPLOAD_MAX_KB} KB`);
    }
  });
});
