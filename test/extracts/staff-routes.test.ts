import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VerifyReport } from '../../src/extracts/verify-report.ts';
import { startTestApp } from '../support/app.ts';
import { issueThroughApp, qrTextOf } from '../support/extracts.ts';
import { StaffClient, staffMember } from '../support-staff/staff-client.ts';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;
type DocumentBody = { document: { id: string; status: string; reason?: string; revokedBy?: string } };

describe('issued documents in the staff console', () => {
  let app: TestApp;
  let staff: StaffClient;
  let supervisor: StaffClient;

  beforeAll(async () => {
    app = await startTestApp();
    staff = await staffMember(app, 'lan', 'staff', 'Nguyễn Thị Lan');
    supervisor = await staffMember(app, 'binh', 'supervisor', 'Lê Văn Bình');
  });
  afterAll(async () => {
    await app?.close();
  });

  it('lets any staff member look a document up, masked, and says when it is unknown', async () => {
    const { issued } = await issueThroughApp(app);
    const res = await staff.get<DocumentBody>(`/staff/api/documents/${issued.documentId.toLowerCase()}`);
    expect(res.status).toBe(200);
    expect(res.body.document).toMatchObject({
      id: issued.documentId,
      status: 'valid',
      serviceName: 'Phiếu lý lịch tư pháp',
      subject: { name: 'T. T. Hoà', idNumber: '001*******45' },
    });
    const unknown = await staff.get('/staff/api/documents/LLTP-20261125-0000000000');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({
      code: 'HOSO_ERR_DOCUMENT_NOT_FOUND',
      message: 'Không tìm thấy văn bản số LLTP-20261125-0000000000 trong sổ đăng ký.',
    });
    expect((await new StaffClient(app.baseUrl).get(`/staff/api/documents/${issued.documentId}`)).status).toBe(
      401,
    );
  });

  it('refuses revocation to a staff member without the supervisor role, and without the CSRF token', async () => {
    const { issued } = await issueThroughApp(app);
    const path = `/staff/api/documents/${issued.documentId}/revoke`;
    const byStaff = await staff.post(path, { reason: 'Cấp nhầm người' });
    expect(byStaff.status).toBe(403);
    expect(byStaff.body.error?.code).toBe('HOSO_ERR_STAFF_FORBIDDEN');
    const noCsrf = await supervisor.post(path, { reason: 'Cấp nhầm người' }, { csrf: false });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.error?.code).toBe('HOSO_ERR_STAFF_CSRF');
    expect(await app.extracts.registry.get(issued.documentId)).toMatchObject({ status: 'valid' });
  });

  it('lets a supervisor revoke with a reason, once, in the audit log; /verify then reports it revoked', async () => {
    const { issued, pdf } = await issueThroughApp(app);
    const path = `/staff/api/documents/${issued.documentId}/revoke`;
    expect((await supervisor.post(path, { reason: 'x' })).status).toBe(400);

    const res = await supervisor.post<DocumentBody>(path, {
      reason: 'Cấp nhầm người; đã cấp lại văn bản khác',
    });
    expect(res.status).toBe(200);
    expect(res.body.document).toMatchObject({
      status: 'revoked',
      reason: 'Cấp nhầm người; đã cấp lại văn bản khác',
      revokedBy: 'binh',
    });
    const again = await supervisor.post(path, { reason: 'Lần nữa' });
    expect(again.status).toBe(409);
    expect(again.body.error?.code).toBe('HOSO_ERR_DOCUMENT_ALREADY_REVOKED');

    const audit = await supervisor.get<{ entries: { action: string; actor: string; detail?: string }[] }>(
      `/staff/api/audit?action=revoke&target=${issued.documentId}`,
    );
    expect(audit.body.entries).toEqual([
      expect.objectContaining({
        action: 'revoke',
        actor: 'binh',
        role: 'supervisor',
        target: issued.documentId,
        detail: 'Cấp nhầm người; đã cấp lại văn bản khác',
      }),
    ]);

    const link = new URL(qrTextOf(app, pdf).link);
    const viaLink = (await (
      await fetch(`${app.baseUrl}/api/verify/document${link.search}`)
    ).json()) as DocumentBody & { document: { message: string } };
    expect(viaLink.document.status).toBe('revoked');
    expect(viaLink.document.message).toContain('đã bị thu hồi');
    expect(viaLink.document.message).toContain('Lý do: Cấp nhầm người; đã cấp lại văn bản khác');

    const form = new FormData();
    form.append('file', new Blob([pdf], { type: 'application/pdf' }), 'phieu.pdf');
    const report = (await (
      await fetch(`${app.baseUrl}/api/verify`, { method: 'POST', body: form })
    ).json()) as VerifyReport;
    expect(report.valid).toBe(false);
    expect(report.summary).toBe('Văn bản đã bị thu hồi, không còn giá trị sử dụng.');
    expect(report.checks.find((c) => c.id === 'registry')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('Lý do: Cấp nhầm người; đã cấp lại văn bản khác'),
    });
  });
});
