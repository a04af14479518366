import { afterEach, describe, expect, it } from 'vitest';
import { HOA } from '../../identity/helpers.ts';
import { startTestApp } from '../../support/app.ts';
import type { WebchatClient } from '../../support/webchat-client.ts';
import { until } from '../support.ts';
import { linkedClient, type Said, tap, textOf } from './support.ts';

/** Answers a Form 1 request for herself up to the summary, with the given fee category. */
async function toSummary(client: WebchatClient, category: string): Promise<Said> {
  let said = await client.say('xin lltp so 1');
  for (const step of ['Xin việc làm', 'Cho bản thân', 'Không', 'Không']) said = await tap(client, said, step);
  said = await client.say('1');
  return tap(client, said, category);
}

describe('a request in the staff handoff and in the citizen’s data rights', () => {
  let app: Awaited<ReturnType<typeof startTestApp>> | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('hands staff the answers, the decision with its legal basis and the documents still missing', async () => {
    app = await startTestApp({ memory: true, env: { STAFF_OFFICE_HOURS: 'mon-sun 00:00-24:00' } });
    const client = await linkedClient(app.baseUrl, HOA);
    await toSummary(client, 'Sinh viên');
    const opened = textOf(await client.say('gặp nhân viên'));
    const ticket = await app.support.tickets.get(/HT-\d{4}-\d{6}/.exec(opened)![0]);
    const packet = ticket!.packet;
    expect(packet.doing).toMatchObject({
      flow: 'request',
      step: 'summary',
      answers: { 'Loại phiếu': 'Phiếu số 1', 'Số bản': '1', 'Đối tượng miễn, giảm phí': 'Sinh viên' },
    });
    expect(packet.decision).toMatchObject({ service: 'lltp', eligible: true, ruleSetVersion: '2026.11.2' });
    // Why: every rule with whether it fired and the facts it read.
    const trace = packet.decision!.trace;
    expect(trace.some((e) => e.fired) && trace.some((e) => !e.fired)).toBe(true);
    expect(trace.find((e) => e.fired && Object.keys(e.facts).length > 0)).toBeDefined();
    expect(packet.missingDocuments.map((d) => d.code)).toEqual(['fee_reduction_proof']);
    expect(packet.legalBasis.join('\n')).toContain('Thông tư 16/2025/TT-BTC');
    expect(packet.extra).toContainEqual({
      label: 'Thủ tục đang làm',
      value: 'Cấp Phiếu lý lịch tư pháp (2026.11.2)',
    });
    expect(JSON.stringify(packet)).not.toContain(HOA.id);
  });

  it('shows staff the decision behind a request the citizen just filed, with its trace', async () => {
    app = await startTestApp({ memory: true, env: { STAFF_OFFICE_HOURS: 'mon-sun 00:00-24:00' } });
    const client = await linkedClient(app.baseUrl, HOA);
    const said = await toSummary(client, 'Không thuộc đối tượng nào');
    await tap(client, said, 'Xác nhận nộp hồ sơ');
    const opened = textOf(await client.say('gặp nhân viên'));
    const ticket = await app.support.tickets.get(/HT-\d{4}-\d{6}/.exec(opened)![0]);
    const decision = ticket!.packet.decision;
    expect(decision).toMatchObject({ service: 'lltp', eligible: true, ruleSetVersion: '2026.11.2' });
    expect(decision!.trace.length).toBeGreaterThan(0);
    expect(JSON.stringify(ticket!.packet)).not.toContain(HOA.id);
  });

  it('exports the citizen’s requests and erases them with their files, keeping only the record of the fee paid', async () => {
    app = await startTestApp({
      memory: true,
      env: { AGENCY_SIM_DELAY_SECONDS: '0.3', AGENCY_POLL_SECONDS: '0.1', JOBS_BACKOFF_MS: '20' },
    });
    const client = await linkedClient(app.baseUrl, HOA);
    const events = client.events();
    let said = await toSummary(client, 'Không thuộc đối tượng nào');
    said = await tap(client, said, 'Xác nhận nộp hồ sơ');
    const code = /(LLTP-\d{4}-\d{6})/.exec(textOf(said))![1]!;
    said = await tap(client, said, 'Đánh dấu đã nộp lệ phí (thử nghiệm)');
    expect(textOf(said)).toContain(`hồ sơ ${code} đã được đánh dấu là đã nộp lệ phí`);
    await until(() => events.messages.some((m) => m.type === 'document'), 15_000, 'the extract');
    const issued = await app.requests.get(code);
    expect(issued?.result).toBeDefined();

    said = await client.say('tai du lieu ca nhan');
    const doc = said.find((m) => m.type === 'document') as { url: string };
    const exported = (await (await fetch(doc.url)).json()) as {
      data: { requests: { code: string; state: string }[] };
    };
    expect(exported.data.requests).toMatchObject([{ code, state: 'issued' }]);

    await client.say('xóa dữ liệu của tôi');
    await client.press('privacy:erase');
    await until(
      () => textOf(events.messages).includes('Hoso đã hoàn tất yêu cầu xóa dữ liệu'),
      10_000,
      'erasure',
    );
    events.close();
    const done = textOf(events.messages);
    expect(done).toContain('1 hồ sơ cùng giấy tờ đã gửi và kết quả đã cấp');
    expect(done).toContain('Chứng từ 1 khoản lệ phí đã nộp');
    expect(done).toContain('Luật Kế toán số 88/2015/QH13, Điều 41');
    expect(done).toContain('Thông tin xác minh của 1 văn bản đã cấp');
    expect(await app.requests.get(code)).toBeUndefined();
    expect(await app.files.get(issued!.result!.fileId)).toBeUndefined();
    const ledger = JSON.parse((await app.records.get(`payments:ledger:${code}`))!);
    expect(ledger).toMatchObject({ code, amount: 200000, provider: 'dev' });
    expect(JSON.stringify(ledger)).not.toContain('Hoà');
  });
});
