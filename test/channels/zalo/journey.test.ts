import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURE_CITIZENS } from '../../../src/ports/population/fixtures.ts';
import { typed } from '../../identity/helpers.ts';
import { startZaloTestApp, textEvent, type ZaloTestApp, zaloButtons } from '../../support/zalo.ts';

const HUY = FIXTURE_CITIZENS.find((f) => f.role === 'student')!.citizen;
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

/** A whole request on Zalo: linked by the shared phone, Form 1 requested, the proof sent as a file, the QR as a photo. */
describe('requesting an extract on Zalo', () => {
  let z: ZaloTestApp;
  let last: Record<string, unknown>[] = [];

  beforeEach(async () => {
    z = await startZaloTestApp({ memory: true });
  });
  afterEach(async () => {
    await z.close();
  });

  async function deliver(event: Record<string, unknown>): Promise<string> {
    last = await z.deliver(event);
    return last.map((m) => String(m.text ?? '')).join('\n');
  }
  const say = (user: string, text: string) => deliver(textEvent(user, text));
  async function tap(user: string, label: string): Promise<string> {
    const button = zaloButtons(last).find((b) => b.label === label);
    if (!button)
      throw new Error(
        `no button ${label}: ${zaloButtons(last)
          .map((b) => b.label)
          .join(' | ')}`,
      );
    return say(user, button.payload);
  }

  it('links by the phone shared in the OA form, takes a file and sends the VietQR code as a photo', async () => {
    const user = 'zalo-811';
    await say(user, '/start');
    await tap(user, 'Đồng ý');
    await say(user, 'liên kết VNeID');
    await say(user, HUY.id);
    const asked = await say(user, typed(HUY.dateOfBirth));
    expect(asked).toContain('Hoso đã gửi mã xác thực');
    // The phone request is the OA's user-info form.
    expect(
      last.some(
        (m) =>
          (m.attachment as { payload?: { template_type?: string } } | undefined)?.payload?.template_type ===
          'request_user_info',
      ),
    ).toBe(true);
    const linked = await deliver({
      event_name: 'user_submit_info',
      sender: { id: user },
      recipient: { id: 'oa-1' },
      info: { name: 'Huy', phone: `84${HUY.phone!.slice(1)}` },
    });
    expect(linked).toContain('Liên kết thành công');

    expect(await say(user, 'xin phiếu lý lịch tư pháp số 1')).toContain('để làm gì');
    await tap(user, 'Xin việc làm');
    await tap(user, 'Cho bản thân');
    await tap(user, 'Không');
    await tap(user, 'Không');
    await say(user, '1');
    expect(await tap(user, 'Sinh viên')).toContain('Lệ phí: 100.000\u00a0₫');
    const details = await tap(user, 'Chi tiết phí và căn cứ pháp lý');
    expect(details).toContain(
      'Giảm phí cho sinh viên, học sinh, người có công, thân nhân liệt sĩ: -100.000\u00a0₫',
    );
    expect(details).toContain('Thông tư 16/2025/TT-BTC');
    expect(await tap(user, 'Xác nhận nộp hồ sơ')).toContain('giấy tờ sau (1/1)');

    const url = z.zalo.addFile(PNG, 'the-sinh-vien.png');
    const answer = await deliver({
      event_name: 'user_send_file',
      sender: { id: user },
      recipient: { id: 'oa-1' },
      message: {
        attachments: [
          {
            type: 'file',
            payload: { url, name: 'the-sinh-vien.png', size: String(PNG.length), type: 'png' },
          },
        ],
      },
    });
    expect(answer).toContain('Hoso đã nhận tệp “the-sinh-vien.png”.');
    expect(answer).toMatch(/Hoso đã lập hồ sơ LLTP-\d{4}-\d{6}/);
    const photo = z.zalo.calls.filter((c) => c.path === '/v2.0/oa/upload/image').at(-1);
    expect(photo?.file?.filename).toMatch(/^vietqr-LLTP-\d{4}-\d{6}\.png$/);
    expect(photo?.file?.bytes.subarray(1, 4).toString()).toBe('PNG');
    expect(
      last.some(
        (m) => (m.attachment as { payload?: { template_type?: string } })?.payload?.template_type === 'media',
      ),
    ).toBe(true);
  });

  it('answers a sticker politely and greets a new follower', async () => {
    const greeting = await deliver({
      event_name: 'follow',
      follower: { id: 'zalo-812' },
      oa_id: 'oa-1',
      source: 'oa_profile',
    });
    expect(greeting).toContain('Tôi là Hoso');
    const sticker = await deliver({
      event_name: 'user_send_sticker',
      sender: { id: 'zalo-812' },
      recipient: { id: 'oa-1' },
      message: {
        attachments: [{ type: 'sticker', payload: { id: 'st-1', url: 'https://zalo.example/st.png' } }],
      },
    });
    expect(sticker.length).toBeGreaterThan(0);
    expect(sticker).not.toContain('HOSO_ERR');
  });
});

describe('a Zalo result outside the window with a ZNS template configured', () => {
  it('goes out as a ZNS notification to the phone the follower shared, and waits for their next message too', async () => {
    const z = await startZaloTestApp({ memory: true, env: { ZALO_ZNS_TEMPLATE_ID: '301234' } });
    try {
      const user = 'zalo-821';
      await z.deliver(textEvent(user, '/start'));
      await z.deliver({
        event_name: 'user_submit_info',
        sender: { id: user },
        recipient: { id: 'oa-1' },
        info: { name: 'Lan', phone: '84901234567' },
      });
      z.zalo.outsideWindow.add(user);
      await z.app.notifier.send({ channel: 'zalo', userId: user }, [
        { type: 'text', text: 'Hồ sơ LLTP-2026-000001 đã có kết quả.' },
      ]);
      const zns = z.zalo.calls.filter((c) => c.path === '/message/template');
      expect(zns.map((c) => c.json)).toEqual([
        expect.objectContaining({
          phone: '84901234567',
          template_id: '301234',
          template_data: { message: 'Hồ sơ LLTP-2026-000001 đã có kết quả.' },
        }),
      ]);
      expect((await z.app.zalo!.window(user)).held).toBe(1);
    } finally {
      await z.close();
    }
  });
});
