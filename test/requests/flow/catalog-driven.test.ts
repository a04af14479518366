import { afterEach, describe, expect, it } from 'vitest';
import { vietnamDate } from '../../../src/i18n.ts';
import { HOA } from '../../identity/helpers.ts';
import { mooringService, serviceFiles, writeMooringCatalog } from '../../rules/fixtures.ts';
import { startTestApp } from '../../support/app.ts';
import { WebchatClient } from '../../support/webchat-client.ts';
import { linkedClient, tap, textOf } from './support.ts';

const L = (vi: string, en: string) => ({ vi, en });

describe('a conversation driven by the catalog', () => {
  let app: Awaited<ReturnType<typeof startTestApp>> | undefined;
  let cleanup: (() => void) | undefined;
  afterEach(async () => {
    await app?.close();
    cleanup?.();
    app = undefined;
    cleanup = undefined;
  });

  it('asks a made-up third service’s own questions, with an input added to it, and no code of its own', async () => {
    const service = mooringService();
    (service.inputs as unknown[]).unshift({
      id: 'ownerDob',
      type: 'date',
      fills: 'owner.dateOfBirth',
      notInFuture: true,
      prompt: L('Chủ thuyền sinh ngày nào? (ngày/tháng/năm)', 'Owner’s date of birth?'),
    });
    const catalog = writeMooringCatalog({ service }, { withRepo: true });
    cleanup = catalog.cleanup;
    app = await startTestApp({ memory: true, env: { RULES_DIR: catalog.dir } });
    const client = await linkedClient(app.baseUrl, HOA);

    let said = await client.press('request:start:mooring');
    expect(textOf(said)).toContain('lập hồ sơ “Giấy phép neo đậu thuyền”');
    expect(textOf(said)).toContain('Chủ thuyền sinh ngày nào?');
    said = await client.say('31/02/1980');
    expect(textOf(said)).toContain('Tháng 2 năm 1980 chỉ có 29 ngày, nên không có ngày 31.');
    said = await client.say('ngày 1 tháng 1 năm 1980');
    expect(textOf(said)).toContain('Thuyền của anh/chị là loại nào?');
    said = await tap(client, said, 'Thuyền đánh cá');
    expect(textOf(said)).toContain('Thuyền dài bao nhiêu mét?');
    said = await client.say('35');
    // A refusal that no later answer can lift ends the questions at once, with the catalog's own words.
    expect(textOf(said)).toContain('Thuyền đánh cá dài quá 30 mét phải xin phép tại cảng biển.');
    said = await client.say('quay lại');
    expect(textOf(said)).toContain('Thuyền dài bao nhiêu mét?');
    said = await client.say('20 mét');
    expect(textOf(said)).toContain('Thuyền đã có bảo hiểm chưa?');
    said = await tap(client, said, 'Không');
    const summary = textOf(said);
    expect(summary).toContain('Tóm tắt hồ sơ “Giấy phép neo đậu thuyền”');
    expect(summary).toContain('Giấy chứng nhận bảo hiểm thuyền');
    // 80,000 ₫ in 2026 plus 1,000 ₫ for each of the 10 metres over 10.
    expect(summary).toContain('Lệ phí: 90.000\u00a0₫');
    // The authority and its basis are one tap away.
    expect(textOf(await tap(client, said, 'Chi tiết phí và căn cứ pháp lý'))).toContain(
      'Cơ quan giải quyết: Ban quản lý bến thuyền',
    );
  });

  it('answers fees from the rules in force, keeps a conversation under way on its version, and follows a publication at once', async () => {
    const key = 'agency-lltp-key-0123456789abcdef';
    const approverKey = 'approver-lltp-key-0123456789abcd';
    app = await startTestApp({
      env: {
        RULES_API_KEYS: JSON.stringify([
          { name: 'moj', role: 'agency', services: ['lltp'], key },
          { name: 'moj-head', role: 'approver', services: ['lltp'], key: approverKey },
        ]),
      },
    });
    const visitor = new WebchatClient(app.baseUrl);
    await visitor.start();
    // General information needs no consent.
    await visitor.press('consent:decline');
    let said = await visitor.say('le phi lam ly lich tu phap bn');
    expect(textOf(said)).toContain('• Trực tuyến (VNeID, Cổng Dịch vụ công): 200.000\u00a0₫');
    expect(textOf(said)).toContain('Từ bản thứ 3 trở đi: thu thêm 5.000\u00a0₫ mỗi bản');
    expect(textOf(said)).toContain('Sinh viên (100.000\u00a0₫)');
    expect(textOf(said)).toContain('Căn cứ: Thông tư 16/2025/TT-BTC');
    said = await visitor.say('can mang theo gi');
    expect(textOf(said)).toContain('• Nộp trực tiếp: Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp');
    said = await visitor.say('mất mấy ngày');
    expect(textOf(said)).toContain('5 ngày làm việc');

    // A citizen half-way through a request when the agency publishes.
    const citizen = await linkedClient(app.baseUrl, HOA);
    let going = await citizen.say('xin lltp so 1');
    for (const step of ['Xin việc làm', 'Cho bản thân', 'Không', 'Không'])
      going = await tap(citizen, going, step);

    const today = vietnamDate();
    const files = structuredClone(serviceFiles('lltp')) as Record<
      string,
      { version?: string; rules?: object[] }
    >;
    files['service.json']!.version = '2026.12.90';
    files['rules/fees.json']!.rules!.push({
      id: 'F3-online-discount-test',
      effective: { from: today },
      basis: [{ instrument: 'Thông tư giả định dùng trong kiểm thử', article: 'Điều 1' }],
      certainty: 'uncertain',
      note: '[UNCERTAIN] A made-up discount for this test only.',
      conditions: { all: [{ fact: 'channel', operator: 'equal', value: 'online' }] },
      event: { type: 'fee', params: { code: 'online_discount', amount: -30000 } },
    });
    // The gate wants every rule seen firing in some scenario: the draft brings one for its new rule.
    files['scenarios/online-discount-test.json'] = {
      scenarios: [
        {
          id: 'online-discount-test',
          description: 'The made-up online discount applies to an online request from today',
          facts: {
            on: today,
            channel: 'online',
            request: { copies: 1 },
            requester: { dateOfBirth: '1990-05-05', identityLevel: 2 },
          },
          expect: { eligible: true },
        },
      ],
    } as never;
    const auth = { authorization: `Bearer ${key}` };
    const up = await app.http.inject({
      method: 'POST',
      url: '/api/admin/rules/services/lltp/versions',
      headers: auth,
      payload: { files },
    });
    expect(up.statusCode).toBe(201);
    const proposed = await app.http.inject({
      method: 'POST',
      url: '/api/admin/rules/services/lltp/versions/2026.12.90/propose',
      headers: auth,
    });
    expect(proposed.statusCode).toBe(200);
    // Four eyes: another key publishes what this one proposed.
    const pub = await app.http.inject({
      method: 'POST',
      url: '/api/admin/rules/services/lltp/versions/2026.12.90/publish',
      headers: { authorization: `Bearer ${approverKey}` },
    });
    expect(pub.statusCode).toBe(200);

    said = await visitor.say('phí làm lý lịch tư pháp bao nhiêu');
    expect(textOf(said)).toContain('• Trực tuyến (VNeID, Cổng Dịch vụ công): 170.000\u00a0₫');
    expect(textOf(said)).toContain('• Nộp trực tiếp: 200.000\u00a0₫');

    going = await citizen.say('1');
    going = await tap(citizen, going, 'Không thuộc đối tượng nào');
    // The request started on 2026.11.2 and is decided on it.
    expect(textOf(going)).toContain('Lệ phí: 200.000\u00a0₫');
    going = await tap(citizen, going, 'Xác nhận nộp hồ sơ');
    const code = /(LLTP-\d{4}-\d{6})/.exec(textOf(going))![1]!;
    expect((await app.requests.get(code))?.ruleSetVersion).toBe('2026.11.2');
  });
});
