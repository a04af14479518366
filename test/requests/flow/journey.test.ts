import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HOA } from '../../identity/helpers.ts';
import { startTestApp } from '../../support/app.ts';
import type { WireMessage } from '../../support/webchat-client.ts';
import { until } from '../support.ts';
import { buttonsOf, linkedClient, type Said, tap, textOf } from './support.ts';

/**
 * A whole request as a citizen does it in the web chat: a fixture citizen asks for a Form 1 extract,
 * answers only what the catalog asks (never her date of birth), sees the fee and its legal basis, pays in
 * the dev outbox, follows the status and receives the extract.
 */
describe('requesting a criminal record extract in the web chat', () => {
  let app: Awaited<ReturnType<typeof startTestApp>> | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('asks the catalog’s questions, shows the decision with its legal basis, and carries the request to the extract', async () => {
    app = await startTestApp({
      env: { AGENCY_SIM_DELAY_SECONDS: '0.6', AGENCY_POLL_SECONDS: '0.1', JOBS_BACKOFF_MS: '20' },
    });
    const client = await linkedClient(app.baseUrl, HOA);
    const events = client.events();
    const conversation: Said[] = [];
    const say = async (said: Promise<Said>) => {
      const s = await said;
      conversation.push(s);
      return s;
    };

    let said = await say(client.say('xin phiếu lý lịch tư pháp'));
    expect(textOf(said)).toContain('Trần Thị Hoà, sinh ngày 14/05/1990');
    expect(textOf(said)).toContain('Anh/chị cần Phiếu lý lịch tư pháp số mấy?');
    said = await say(tap(client, said, 'Phiếu số 1'));
    expect(textOf(said)).toContain('Anh/chị xin phiếu để làm gì?');
    // Typed without diacritics, as on a phone.
    said = await say(client.say('xin viec lam'));
    expect(textOf(said)).toContain('Anh/chị làm phiếu cho ai?');
    said = await say(tap(client, said, 'Cho bản thân'));
    expect(textOf(said)).toContain('cư trú ở nhiều tỉnh');
    said = await say(client.say('không'));
    expect(textOf(said)).toContain('cư trú ở nước ngoài');
    said = await say(client.say('ko'));
    expect(textOf(said)).toContain('bao nhiêu bản');
    said = await say(client.say('mười một'));
    expect(textOf(said)).toContain('Anh/chị vui lòng nhập một số từ 1 đến 10.');
    said = await say(client.say('1 bản'));
    expect(textOf(said)).toContain('miễn, giảm phí');
    said = await say(tap(client, said, 'Không thuộc đối tượng nào'));

    const summary = textOf(said);
    expect(summary).toContain('Tóm tắt hồ sơ “Cấp Phiếu lý lịch tư pháp”');
    expect(summary).toContain('Anh/chị đủ điều kiện');
    expect(summary).toContain('Giấy tờ cần gửi: không có.');
    expect(summary).toContain('Lệ phí: 200.000\u00a0₫');
    expect(summary).toMatch(/Dự kiến có kết quả: ngày \d{2}\/\d{2}\/\d{4}/);
    // The fee line by line, the legal basis and the answers are one tap away; filing stays one tap from there.
    said = await say(tap(client, said, 'Chi tiết phí và căn cứ pháp lý'));
    const details = textOf(said);
    expect(details).toContain('• Phí cung cấp thông tin lý lịch tư pháp: 200.000\u00a0₫');
    expect(details).toContain('Thông tư 16/2025/TT-BTC');
    expect(details).toContain('Cơ quan giải quyết: Công an tỉnh');
    expect(details).toContain('Thời hạn giải quyết: 5 ngày làm việc');
    expect(details).toContain('• Loại phiếu: Phiếu số 1');
    expect(details).toContain('• Mục đích: Xin việc làm');
    // A linked citizen is never asked her own date of birth, and the channel is known: Hoso files online.
    const asked = conversation.map(textOf).join('\n');
    expect(asked).not.toMatch(/ngày sinh của/i);
    expect(asked).not.toContain('nộp yêu cầu bằng cách nào');

    said = await tap(client, said, 'Xác nhận nộp hồ sơ');
    const code = /Hoso đã lập hồ sơ (LLTP-\d{4}-\d{6})/.exec(textOf(said))?.[1];
    expect(code).toBeDefined();
    expect(textOf(said)).toContain(`Nội dung chuyển khoản: ${code}`);
    const qr = said.find((m): m is Extract<WireMessage, { type: 'document' }> => m.type === 'document');
    expect(qr?.filename).toBe(`vietqr-${code}.png`);
    // The VietQR code scans back to a NAPAS payload carrying the amount and the request code.
    const dir = mkdtempSync(join(tmpdir(), 'hoso-qr-'));
    try {
      const png = join(dir, 'qr.png');
      writeFileSync(png, Buffer.from(await (await fetch(qr!.url)).arrayBuffer()));
      const payload = execFileSync('zbarimg', ['--raw', '-q', png], { encoding: 'utf8' }).trim();
      expect(payload).toMatch(/^000201010212/);
      expect(payload).toContain('5406200000');
      expect(payload).toContain(code!);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    // The dev outbox plays the payment gateway.
    const paid = await fetch(`${app.baseUrl}/api/dev/outbox/payments/${code}/paid`, { method: 'POST' });
    expect(paid.status).toBe(200);
    await until(() => events.messages.some((m) => m.type === 'document'), 15_000, 'the extract');
    events.close();
    const pushed = textOf(events.messages);
    expect(pushed).toContain(`Hoso đã nhận lệ phí 200.000\u00a0₫ cho hồ sơ ${code}.`);
    expect(pushed).toContain(`Hồ sơ ${code} (Phiếu lý lịch tư pháp) đã được gửi đến cơ quan giải quyết`);
    expect(pushed).toContain(`Hồ sơ ${code} đã có kết quả.`);

    said = await client.say('hồ sơ của tôi đến đâu rồi');
    expect(textOf(said)).toContain(`${code} – Phiếu lý lịch tư pháp: Đã có kết quả`);
    said = await client.say(`tra cứu hồ sơ ${code!.toLowerCase()}`);
    expect(textOf(said)).toContain(`Hồ sơ ${code} – Phiếu lý lịch tư pháp`);
    expect(textOf(said)).toContain('• Trạng thái: Đã có kết quả');
    said = await tap(client, said, 'Gửi lại kết quả');
    expect(said.some((m) => m.type === 'document')).toBe(true);

    const record = await app.requests.get(code!);
    expect(record).toMatchObject({
      state: 'issued',
      subject: { fullName: 'Trần Thị Hoà', dateOfBirth: '1990-05-14' },
      facts: { request: { form: 1, purpose: 'employment', copies: 1 }, channel: 'online' },
      ruleSetVersion: app.rules.get('lltp').ruleSet.version,
    });
  });

  it('goes back one step with “quay lại” and changes an answer from the summary with “sửa”', async () => {
    app = await startTestApp({ memory: true });
    const client = await linkedClient(app.baseUrl, HOA);
    let said = await client.say('lam LLTP so 1');
    // The form named in the message is taken as the answer.
    expect(textOf(said)).toContain('Anh/chị xin phiếu để làm gì?');
    said = await tap(client, said, 'Xin việc làm');
    said = await tap(client, said, 'Cho vợ hoặc chồng');
    expect(textOf(said)).toContain('Ngày sinh của người được cấp phiếu');
    said = await client.say('quay lại');
    expect(textOf(said)).toContain('Anh/chị làm phiếu cho ai?');
    said = await tap(client, said, 'Cho bản thân');
    said = await client.say('không');
    said = await client.say('không');
    said = await client.say('2');
    said = await tap(client, said, 'Không thuộc đối tượng nào');
    expect(textOf(said)).toContain('Lệ phí: 200.000\u00a0₫');
    expect(textOf(await client.say('chi tiết'))).toContain('• Số bản: 2');

    said = await client.say('sửa');
    expect(textOf(said)).toContain('Anh/chị muốn sửa thông tin nào?');
    said = await tap(client, said, 'Số bản: 2');
    expect(textOf(said)).toContain('bao nhiêu bản');
    said = await client.say('4');
    // Back at the summary with the new answer: copies 3 and 4 cost 5,000 ₫ each (Circular 16/2025).
    expect(textOf(said)).toContain('Lệ phí: 210.000\u00a0₫');
    expect(buttonsOf(said).map((b) => b.label)).toContain('Xác nhận nộp hồ sơ');
    said = await client.say('chi tiết');
    expect(textOf(said)).toContain('• Số bản: 4');
    // Nothing of the earlier "vợ hoặc chồng" path is left in the answers.
    expect(textOf(said)).not.toContain('Cho vợ hoặc chồng');

    said = await client.say('hủy');
    expect(textOf(said)).toContain('Đã hủy thao tác đang thực hiện');
    said = await client.say('xin LLTP');
    // A new request starts from the first question.
    expect(textOf(said)).toContain('Anh/chị cần Phiếu lý lịch tư pháp số mấy?');
  });
});
