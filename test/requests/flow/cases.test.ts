import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURE_CITIZENS } from '../../../src/ports/population/fixtures.ts';
import { BINH, consentedWebchat, HOA, readCode } from '../../identity/helpers.ts';
import { startTestApp } from '../../support/app.ts';
import { sealedFilesOf } from '../../support/postgres.ts';
import { WebchatClient } from '../../support/webchat-client.ts';
import { until } from '../support.ts';
import { buttonsOf, linkedClient, type Said, tap, textOf } from './support.ts';

const citizen = (role: string) => FIXTURE_CITIZENS.find((f) => f.role === role)!.citizen;
const THUY = citizen('parentWithChild');
const HUY = citizen('student');

/** A tiny valid PNG (1×1), as a phone photo of a document would be, only smaller. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

async function upload(
  baseUrl: string,
  client: { sessionId: string; token: string },
  bytes: Buffer,
  name: string,
) {
  const body = new FormData();
  body.append('file', new Blob([bytes]), name);
  const res = await fetch(`${baseUrl}/api/webchat/uploads?sessionId=${client.sessionId}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${client.token}` },
    body,
  });
  return { status: res.status, messages: ((await res.json()) as { messages: Said }).messages };
}

describe('the request conversation, case by case', () => {
  let app: Awaited<ReturnType<typeof startTestApp>> | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('stops at once, kindly, when the linked account is only level 1, instead of asking questions that cannot help', async () => {
    app = await startTestApp({ memory: true });
    const client = await linkedClient(app.baseUrl, BINH);
    const said = await client.say('xin ly lich tu phap');
    expect(textOf(said)).toContain('Rất tiếc, với thông tin hiện có');
    expect(textOf(said)).toContain('VNeID mức độ 2');
    expect(textOf(said)).not.toContain('số mấy');
    expect(buttonsOf(said).map((b) => b.label)).toEqual(['Gặp cán bộ hỗ trợ', 'Về menu chính']);
  });

  it('files for a child under 14 picked from the registry, never asking the child’s date of birth', async () => {
    app = await startTestApp({ memory: true });
    const client = await linkedClient(app.baseUrl, THUY);
    let said = await client.say('cấp lý lịch tư pháp cho con');
    said = await tap(client, said, 'Phiếu số 1');
    said = await tap(client, said, 'Du học, xin thị thực, định cư');
    said = await tap(client, said, 'Cho con');
    expect(textOf(said)).toContain('Anh/chị làm hồ sơ cho con nào?');
    said = await tap(client, said, 'Hoàng Minh Khôi (sinh 05/09/2017)');
    const rest: Said[] = [];
    while (!textOf(said).includes('Tóm tắt hồ sơ')) {
      rest.push(said);
      const yesNo = buttonsOf(said).find((b) => b.label === 'Không');
      said = yesNo
        ? await client.press(yesNo.action)
        : textOf(said).includes('bao nhiêu bản')
          ? await client.say('1')
          : await tap(client, said, 'Không thuộc đối tượng nào');
    }
    expect(rest.map(textOf).join('\n')).not.toMatch(/ngày sinh/i);
    expect(textOf(said)).toContain('Người được cấp: Hoàng Minh Khôi');
    expect(textOf(said)).toContain('Anh/chị đủ điều kiện');
    said = await tap(client, said, 'Xác nhận nộp hồ sơ');
    const code = /(LLTP-\d{4}-\d{6})/.exec(textOf(said))?.[1];
    const record = await app.requests.get(code!);
    expect(record?.subject).toMatchObject({ fullName: 'Hoàng Minh Khôi', dateOfBirth: '2017-09-05' });
    expect(record?.facts).toMatchObject({ subject: { relation: 'child', dateOfBirth: '2017-09-05' } });
  });

  it('asks a fresh one-time code before filing a Form 2 when the link is older than the configured age', async () => {
    app = await startTestApp({ memory: true, env: { IDENTITY_FRESH_LINK_MINUTES: '30' } });
    // Linked two hours ago (no code has been sent since, so none is throttled).
    const client = new WebchatClient(app.baseUrl);
    await consentedWebchat(client);
    const address = { channel: 'webchat' as const, userId: client.sessionId };
    await app.identity.service.link(address, HOA, 'sms', new Date(Date.now() - 2 * 60 * 60_000));
    let said = await client.say('làm phiếu lý lịch tư pháp số 2');
    said = await tap(client, said, 'Để biết thông tin của bản thân');
    said = await tap(client, said, 'Cho bản thân');
    said = await client.say('không');
    said = await client.say('không');
    said = await client.say('1');
    said = await tap(client, said, 'Không thuộc đối tượng nào');
    expect(textOf(said)).toContain('Tóm tắt hồ sơ');
    said = await tap(client, said, 'Xác nhận nộp hồ sơ');
    expect(textOf(said)).toContain('Phiếu lý lịch tư pháp số 2 chứa thông tin nhạy cảm');
    expect(textOf(said)).toContain('Hoso đã gửi mã xác thực');
    expect(
      await app.requests.listForCitizen((await app.identity.service.links.citizenKeyFor(address))!),
    ).toEqual([]);
    said = await client.say(await readCode(app.baseUrl, HOA.phone!));
    expect(textOf(said)).toContain('Đã xác nhận lại danh tính');
    expect(textOf(said)).toMatch(/Hoso đã lập hồ sơ LLTP-\d{4}-\d{6}/);
  });

  it('warns, without refusing, a citizen who asks for a Form 2 for a job that employers may not demand it (from 1 Jul 2026)', async () => {
    app = await startTestApp({ memory: true });
    // Linked just now, so the Form 2 needs no fresh code; the decision date is today, after 1 Jul 2026.
    const client = await linkedClient(app.baseUrl, HOA);
    let said = await client.say('làm phiếu lý lịch tư pháp số 2');
    said = await tap(client, said, 'Xin việc làm');
    said = await tap(client, said, 'Cho bản thân');
    said = await client.say('không');
    said = await client.say('không');
    said = await client.say('1');
    said = await tap(client, said, 'Không thuộc đối tượng nào');
    const summary = textOf(said);
    expect(summary).toContain('Anh/chị đủ điều kiện');
    expect(summary).toContain(
      'Lưu ý: Từ ngày 01/7/2026, cơ quan, tổ chức và người sử dụng lao động không được yêu cầu anh/chị cung cấp Phiếu lý lịch tư pháp số 2',
    );
    expect(summary).toContain('nhà tuyển dụng thường chỉ có thể yêu cầu Phiếu số 1');
    expect(summary).toContain('Anh/chị vẫn có quyền yêu cầu cấp Phiếu số 2 cho chính mình');
    // A warning, not a refusal: she may still file her Form 2.
    expect(buttonsOf(said).map((b) => b.label)).toContain('Xác nhận nộp hồ sơ');
    // The answers and the notice's legal basis are in the details.
    const details = textOf(await tap(client, said, 'Chi tiết phí và căn cứ pháp lý'));
    expect(details).toContain('• Loại phiếu: Phiếu số 2');
    expect(details).toContain('• Mục đích: Xin việc làm');
    expect(details).toContain('• Lưu ý\n  – Luật số 107/2025/QH15');
    said = await tap(client, said, 'Xác nhận nộp hồ sơ');
    const code = /Hoso đã lập hồ sơ (LLTP-\d{4}-\d{6})/.exec(textOf(said))?.[1];
    expect(code).toBeDefined();
    const record = await app.requests.get(code!);
    expect(record?.facts).toMatchObject({ request: { form: 2, purpose: 'employment' } });
    expect(record?.decision).toMatchObject({
      eligible: true,
      notices: [{ code: 'form2_not_for_employers' }],
    });
  });

  it('takes the fee-reduction proof as an upload, refuses what is not a photo or a PDF, and keeps it encrypted', async () => {
    app = await startTestApp({ memory: true, env: { UPLOAD_MAX_MB: '1' } });
    const client = await linkedClient(app.baseUrl, HUY);
    let said = await client.say('xin phieu ly lich tu phap so 1');
    said = await tap(client, said, 'Xin việc làm');
    said = await tap(client, said, 'Cho bản thân');
    said = await client.say('không');
    said = await client.say('không');
    said = await client.say('1');
    said = await tap(client, said, 'Sinh viên');
    expect(textOf(said)).toContain('Lệ phí: 100.000\u00a0₫');
    expect(textOf(said)).toContain('Giấy tờ cần gửi:\n• Giấy tờ chứng minh thuộc đối tượng được giảm phí');
    said = await tap(client, said, 'Xác nhận nộp hồ sơ');
    expect(textOf(said)).toContain('Anh/chị vui lòng gửi ảnh chụp rõ nét hoặc tệp PDF của giấy tờ sau (1/1)');

    const notAPhoto = await upload(app.baseUrl, client, Buffer.from('MZ this is a program'), 'the-card.jpg');
    expect(notAPhoto.status).toBe(200);
    expect(textOf(notAPhoto.messages)).toContain('Hoso chỉ nhận ảnh (JPG, PNG, WebP) hoặc tệp PDF.');
    const tooLarge = await upload(app.baseUrl, client, Buffer.alloc(1024 * 1024 + 10, 0x25), 'big.pdf');
    expect(textOf(tooLarge.messages)).toContain('Tệp quá lớn. Anh/chị vui lòng gửi tệp nhỏ hơn 1 MB.');
    // First bytes that say PDF, then a Linux program: refused as a file with a program inside.
    const elf = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x3e, 0]);
    const polyglot = await upload(
      app.baseUrl,
      client,
      Buffer.concat([Buffer.from('%PDF-1.7\n'), elf]),
      'a.pdf',
    );
    expect(textOf(polyglot.messages)).toContain('Tệp này có chứa chương trình hoặc tệp nén bên trong');
    // A PNG whose header declares 30000×30000 pixels: refused from the header, never forwarded.
    const huge = Buffer.from(PNG);
    huge.writeUInt32BE(30000, 16);
    huge.writeUInt32BE(30000, 20);
    const tooManyPixels = await upload(app.baseUrl, client, huge, 'huge.png');
    expect(textOf(tooManyPixels.messages)).toContain('không quá 40 megapixel');
    const card = await upload(app.baseUrl, client, PNG, 'the-s.png');
    expect(textOf(card.messages)).toContain('Hoso đã nhận tệp “the-s.png”.');
    const code = /Hoso đã lập hồ sơ (LLTP-\d{4}-\d{6})/.exec(textOf(card.messages))?.[1];
    expect(textOf(card.messages)).toContain('Số tiền: 100.000\u00a0₫');
    const record = await app.requests.get(code!);
    expect(record?.documents).toEqual([
      {
        code: 'fee_reduction_proof',
        fileId: expect.any(String),
        filename: 'the-s.png',
        mimeType: 'image/png',
      },
    ]);
    const stored = await app.files.get(record!.documents[0]!.fileId);
    expect(Buffer.from(stored!.bytes).equals(PNG)).toBe(true);
    // In the database the file is sealed: neither the PNG signature nor its name appears.
    const kept = await sealedFilesOf(app);
    expect(kept.length).toBeGreaterThan(0);
    for (const bytes of kept) {
      expect(bytes.includes(PNG.subarray(1, 8))).toBe(false);
      expect(bytes.includes(Buffer.from('the-s.png'))).toBe(false);
    }
  });

  it('does not keep a file nobody asked for', async () => {
    app = await startTestApp({ memory: true });
    const client = await linkedClient(app.baseUrl, HOA);
    const sent = await upload(app.baseUrl, client, PNG, 'selfie.png');
    expect(textOf(sent.messages)).toContain('Tệp này chưa được lưu.');
    expect(await sealedFilesOf(app)).toEqual([]);
  });

  it('extracts one visit of the e-health book after the specific consent, and refuses without it', async () => {
    app = await startTestApp({
      memory: true,
      env: { AGENCY_POLL_SECONDS: '0.1', JOBS_BACKOFF_MS: '20' },
    });
    const client = await linkedClient(app.baseUrl, HOA);
    const events = client.events();
    let said = await client.say('xem lich su kham benh');
    said = await tap(client, said, 'Bản thân tôi');
    said = await tap(client, said, 'Một lần khám, chữa bệnh');
    expect(textOf(said)).toContain('Anh/chị chọn lần khám, chữa bệnh cần trích xuất:');
    const visit = buttonsOf(said)[0]!;
    said = await client.press(visit.action);
    expect(textOf(said)).toContain('dữ liệu cá nhân nhạy cảm');
    said = await client.say('không');
    expect(textOf(said)).toContain('Rất tiếc, với thông tin hiện có');
    said = await client.say('quay lại');
    said = await client.say('có');
    // The visit picked from her own health book names what is extracted, on the card itself.
    expect(textOf(said)).toContain(`• Lần khám: ${visit.label}`);
    expect(textOf(said)).toContain('Lệ phí: không phải nộp');
    expect(textOf(said)).toContain('Kết quả: có ngay sau khi hồ sơ được chấp nhận');
    said = await tap(client, said, 'Chi tiết phí và căn cứ pháp lý');
    expect(textOf(said)).toContain('• Trích xuất cho: Bản thân tôi');
    expect(textOf(said)).not.toContain('Của tôi');
    said = await tap(client, said, 'Xác nhận nộp hồ sơ');
    const code = /(SKDT-\d{4}-\d{6})/.exec(textOf(said))?.[1];
    expect(textOf(said)).toContain('anh/chị không phải nộp phí');
    await until(() => events.messages.some((m) => m.type === 'document'), 15_000, 'the health extract');
    events.close();
    const record = await app.requests.get(code!);
    expect(record).toMatchObject({ state: 'issued', facts: { request: { scope: 'visit' } } });
    // The receipt code is the request's own, never "SKDT-SKDT-…".
    expect(record!.agency?.ref).toBe(code);
  });

  it('asks and explains in English for a citizen who chose English', async () => {
    app = await startTestApp({ memory: true });
    const client = await linkedClient(app.baseUrl, HOA);
    await client.say('English please');
    let said = await client.say('criminal record extract form 1');
    expect(textOf(said)).toContain('Your details come from your e-identity: Trần Thị Hoà, born 14/05/1990.');
    expect(textOf(said)).toContain('What do you need the extract for?');
    said = await tap(client, said, 'A job application');
    said = await tap(client, said, 'Myself');
    said = await tap(client, said, 'No');
    said = await tap(client, said, 'No');
    said = await client.say('two');
    said = await tap(client, said, 'None of these');
    const summary = textOf(said);
    expect(summary).toContain('Summary of the request “Criminal record extract (Phiếu lý lịch tư pháp)”');
    expect(summary).toContain('You can file this request.');
    expect(summary).toContain('Fee: VND\u00a0200,000');
    expect(summary).toMatch(/Result expected: \d{2}\/\d{2}\/\d{4}/);
    expect(summary).not.toMatch(/anh\/chị/);
    expect(buttonsOf(said).map((b) => b.label)).toEqual([
      'Confirm and file',
      'Fee details and legal basis',
      'Change an answer',
      'Cancel',
    ]);
    said = await tap(client, said, 'Fee details and legal basis');
    const details = textOf(said);
    expect(details).toContain('• Criminal record information fee: VND\u00a0200,000');
    expect(details).toContain('Total: VND\u00a0200,000');
    expect(details).toContain('Legal basis:');
    expect(details).toContain('• Copies: 2');
    expect(details).not.toMatch(/anh\/chị/);
    expect(buttonsOf(said).map((b) => b.label)).toEqual(['Confirm and file', 'Change an answer', 'Cancel']);
  });

  it('shows a request only to the citizen it belongs to', async () => {
    app = await startTestApp({ memory: true });
    const hoa = await linkedClient(app.baseUrl, HOA);
    let said = await hoa.say('xin lltp so 1');
    for (const step of ['Xin việc làm', 'Cho bản thân', 'Không', 'Không']) said = await tap(hoa, said, step);
    said = await hoa.say('1');
    said = await tap(hoa, said, 'Không thuộc đối tượng nào');
    said = await tap(hoa, said, 'Xác nhận nộp hồ sơ');
    const code = /(LLTP-\d{4}-\d{6})/.exec(textOf(said))![1]!;

    const binh = await linkedClient(app.baseUrl, BINH);
    said = await binh.say(`tra cứu hồ sơ ${code}`);
    expect(textOf(said)).toContain('Không tìm thấy hồ sơ này');
    said = await binh.press(`request:devpay:${code}`);
    expect(textOf(said)).toContain('Không tìm thấy hồ sơ này');
    expect((await app.requests.get(code))?.state).toBe('awaiting_payment');
    said = await hoa.say('kiểm tra trạng thái');
    expect(textOf(said)).toContain(`${code} – Phiếu lý lịch tư pháp: Chờ nộp lệ phí`);
    said = await hoa.press(`request:status:${code}`);
    expect(textOf(said)).toContain('• Lệ phí cần nộp: 200.000\u00a0₫');
  });
});
