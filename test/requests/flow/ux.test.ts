import { afterEach, describe, expect, it } from 'vitest';
import { BINH, HOA } from '../../identity/helpers.ts';
import { startTestApp } from '../../support/app.ts';
import { buttonsOf, linkedClient, tap, textOf } from './support.ts';

describe('what a new user trips over in the request conversation', () => {
  let app: Awaited<ReturnType<typeof startTestApp>> | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('ends the request after an up-front refusal, so the next message is understood as itself', async () => {
    app = await startTestApp({ memory: true });
    const client = await linkedClient(app.baseUrl, BINH);
    let said = await client.say('xin ly lich tu phap');
    expect(textOf(said)).toContain('Rất tiếc, với thông tin hiện có');
    said = await client.say('xin chào');
    expect(textOf(said)).not.toContain('Xác nhận nộp hồ sơ');
    expect(textOf(said)).toContain('Hoso hỗ trợ');
    said = await client.say('/foo');
    expect(textOf(said)).not.toMatch(/Xác nhận nộp hồ sơ|Sửa thông tin/);
  });

  it('offers a 36-year-old only the fee categories a rule can apply (age is read from the date of birth)', async () => {
    app = await startTestApp({ memory: true });
    const hoa = await linkedClient(app.baseUrl, HOA);
    let said = await hoa.say('xin lltp so 1');
    for (const step of ['Xin việc làm', 'Cho bản thân', 'Không', 'Không']) said = await tap(hoa, said, step);
    said = await hoa.say('tôi cần 1 bản');
    const labels = buttonsOf(said).map((b) => b.label);
    expect(labels).toContain('Không thuộc đối tượng nào');
    expect(labels).toContain('Sinh viên');
    expect(labels).not.toContain('Trẻ em');
    expect(labels).not.toContain('Người cao tuổi');
  });

  it('names the bank and the account holder in the payment message', async () => {
    app = await startTestApp({ memory: true });
    const hoa = await linkedClient(app.baseUrl, HOA);
    let said = await hoa.say('xin lltp so 1');
    for (const step of ['Xin việc làm', 'Cho bản thân', 'Không', 'Không']) said = await tap(hoa, said, step);
    said = await hoa.say('1');
    said = await tap(hoa, said, 'Không thuộc đối tượng nào');
    said = await tap(hoa, said, 'Xác nhận nộp hồ sơ');
    expect(textOf(said)).toContain('• Ngân hàng: Vietcombank');
    expect(textOf(said)).toContain('• Chủ tài khoản: HOSO THU HO LE PHI');
    expect(textOf(said)).not.toContain('BIN');
  });
});
