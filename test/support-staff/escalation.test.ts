import { describe, expect, it } from 'vitest';
import type { Feature, Flow } from '../../src/dialogue/context.ts';
import { offerStaff } from '../../src/support/escalation.ts';
import { buttonsOf, silentLog, supportHarness, textOf } from './harness.ts';

/** A stand-in service flow that asks for an ID number and then fails, as a flow does when a registry is down. */
const failingFlow: Flow = {
  id: 'test_lltp',
  async start(ctx) {
    ctx.session.flow = { id: 'test_lltp', step: 'cccd', data: { form: 1 }, startedAt: ctx.now.toISOString() };
    ctx.reply('Số CCCD của anh/chị?');
  },
  async onInput(ctx) {
    ctx.session.flow!.data.cccd = ctx.inbound.text;
    ctx.session.flow!.step = 'submit';
    await offerStaff(ctx, 'flow_failed', 'HOSO_ERR_REGISTRY_UNAVAILABLE');
    ctx.endFlow();
  },
};
const failingFeature: Feature = {
  name: 'test-lltp',
  flows: [failingFlow],
  actions: { 'start-lltp': async (ctx) => ctx.startFlow('test_lltp') },
};

async function consented(h: ReturnType<typeof supportHarness>, userId = 'citizen-1') {
  const c = h.citizen(userId);
  await c.say('xin chào');
  await c.press('consent:accept');
  return c;
}

describe('escalation to a person', () => {
  it('opens a ticket with a handoff packet when the citizen asks for a person, and says roughly when', async () => {
    const h = supportHarness();
    const c = await consented(h);
    await c.say('tôi muốn hỏi về lý lịch tư pháp');
    const reply = textOf(await c.say('gặp nhân viên'));
    expect(reply).toContain('mã yêu cầu HT-2026-000001');
    expect(reply).toContain('trong khoảng 5 phút');
    const ticket = await h.support.tickets.get('HT-2026-000001');
    expect(ticket).toMatchObject({ status: 'open', reason: 'asked', lang: 'vi' });
    expect(ticket?.packet.who).toMatchObject({ channel: 'webchat', lang: 'vi', linkLevel: 0 });
    expect(ticket?.packet.transcript.map((e) => e.text)).toContain('tôi muốn hỏi về lý lịch tư pháp');
  });

  it('puts the citizen through after three misunderstood messages in a row, with that reason', async () => {
    const h = supportHarness();
    const c = await consented(h);
    await c.say('abc xyz');
    await c.say('qwerty zzz');
    const third = await c.say('lorem ipsum');
    expect(buttonsOf(third).map((b) => b.action)).toContain('intent:talk_to_staff');
    expect(textOf(await c.press('intent:talk_to_staff'))).toContain('HT-2026-000001');
    expect((await h.support.tickets.get('HT-2026-000001'))?.reason).toBe('misunderstood');
  });

  it('offers a person on words of frustration, and opens a ticket only when the citizen accepts', async () => {
    const h = supportHarness();
    const c = await consented(h);
    const offer = await c.say('bực quá');
    expect(textOf(offer)).toContain('Tôi rất tiếc');
    expect(buttonsOf(offer).map((b) => b.action)).toEqual(['support:open', 'menu']);
    expect(await h.support.tickets.list('all', 'x')).toEqual([]);
    await c.press('support:open');
    expect((await h.support.tickets.get('HT-2026-000001'))?.reason).toBe('frustrated');
  });

  it('answers a request made in frustration, then offers a person as well', async () => {
    const h = supportHarness();
    const c = await consented(h);
    const reply = await c.say('lâu quá, hồ sơ của tôi đến đâu rồi');
    expect(textOf(reply)).toContain('tra cứu hồ sơ');
    expect(textOf(reply)).toContain('Tôi rất tiếc');
    expect(buttonsOf(reply).map((b) => b.action)).toContain('support:open');
  });

  it('offers a person when a flow fails; the packet shows the flow, its step and answers with the ID masked', async () => {
    const h = supportHarness({ extra: [failingFeature] });
    const c = await consented(h);
    await c.press('start-lltp');
    const failed = await c.say('001203004567');
    expect(textOf(failed)).toContain('chưa thực hiện được');
    expect(c.session().flow).toBeUndefined();
    await c.press('support:open');
    const packet = (await h.support.tickets.get('HT-2026-000001'))!.packet;
    expect(packet.reason).toBe('flow_failed');
    expect(packet.detail).toBe('HOSO_ERR_REGISTRY_UNAVAILABLE');
    expect(packet.doing).toMatchObject({
      flow: 'test_lltp',
      step: 'submit',
      answers: { form: 1, cccd: '001*******67' },
    });
    expect(JSON.stringify(packet)).not.toContain('001203004567');
  });

  it('fills the who and decision sections from a registered contributor, masking a clear ID', async () => {
    const h = supportHarness();
    h.support.registry.register('test-identity-and-rules', async ({ address }) => ({
      who: { name: 'Trần Văn Bình', citizenIdMasked: '079203001234', linkLevel: 2 },
      decision: {
        service: 'lltp',
        eligible: false,
        on: '2026-11-25',
        reasons: [{ code: 'form2_proxy_not_allowed', message: 'Phiếu số 2 không được ủy quyền.' }],
      },
      missingDocuments: [{ code: 'authorization_letter', message: 'Văn bản ủy quyền có công chứng' }],
      legalBasis: ['Luật Lý lịch tư pháp số 28/2009/QH12, Điều 46'],
      extra: [{ label: 'Kênh liên kết', value: address.channel }],
    }));
    h.support.registry.register('broken', async () => {
      throw new Error('identity service down');
    });
    const c = await consented(h);
    await c.say('gặp nhân viên');
    const packet = (await h.support.tickets.get('HT-2026-000001'))!.packet;
    expect(packet.who).toMatchObject({
      name: 'Trần Văn Bình',
      citizenIdMasked: '079*******34',
      linkLevel: 2,
    });
    expect(packet.decision?.reasons[0]?.code).toBe('form2_proxy_not_allowed');
    expect(packet.missingDocuments[0]?.code).toBe('authorization_letter');
    expect(packet.legalBasis).toEqual(['Luật Lý lịch tư pháp số 28/2009/QH12, Điều 46']);
    expect(packet.extra).toEqual([{ label: 'Kênh liên kết', value: 'webchat' }]);
  });
});

describe('while a person handles the conversation', () => {
  it('keeps the bot quiet and forwards the citizen’s messages to the ticket', async () => {
    const h = supportHarness();
    const c = await consented(h);
    await c.say('gặp nhân viên');
    expect(await c.say('tro giup')).toEqual([]);
    expect(await c.say('số của tôi là 001203004567')).toEqual([]);
    const lines = await h.support.tickets.messages('HT-2026-000001');
    expect(lines.filter((l) => l.from === 'citizen').map((l) => l.text)).toEqual([
      'tro giup',
      'số của tôi là 001*******67',
    ]);
  });

  it('tells each citizen their place in the queue and an estimate from its length', async () => {
    const h = supportHarness();
    await (await consented(h, 'a')).say('gặp nhân viên');
    const second = textOf(await (await consented(h, 'b')).say('gặp nhân viên'));
    expect(second).toContain('Hiện có 1 người đang chờ trước anh/chị');
    expect(second).toContain('khoảng 10 phút');
  });

  it('lets the citizen cancel the wait, after which the bot answers again', async () => {
    const h = supportHarness();
    const c = await consented(h);
    await c.say('gặp nhân viên');
    expect(textOf(await c.say('hủy'))).toContain('Đã hủy yêu cầu gặp cán bộ hỗ trợ (HT-2026-000001)');
    expect((await h.support.tickets.get('HT-2026-000001'))?.status).toBe('cancelled');
    expect(textOf(await c.say('tro giup'))).toContain('Hoso có thể giúp anh/chị');
  });

  it('cancels the wait from its button too', async () => {
    const h = supportHarness();
    const c = await consented(h);
    const opened = await c.say('gặp nhân viên');
    expect(buttonsOf(opened).map((b) => b.action)).toContain('support:cancel');
    await c.press('support:cancel');
    expect((await h.support.tickets.get('HT-2026-000001'))?.status).toBe('cancelled');
  });

  it('delivers staff replies on the citizen’s channel and answers again once staff hand back', async () => {
    const h = supportHarness();
    const c = await consented(h);
    await c.say('gặp nhân viên');
    await h.support.desk.claim(h.staff.lan, 'HT-2026-000001');
    await h.support.desk.reply(h.staff.lan, 'HT-2026-000001', 'Chào anh, tôi là Lan.');
    expect(textOf(await h.pushed())).toContain('Lan (cán bộ hỗ trợ): Chào anh, tôi là Lan.');
    await h.support.desk.handBack(h.staff.lan, 'HT-2026-000001');
    expect(textOf(await h.pushed())).toContain('Trợ lý Hoso tiếp tục hỗ trợ');
    expect(textOf(await c.say('tro giup'))).toContain('Hoso có thể giúp anh/chị');
    expect((await c.transcript()).some((e) => e.from === 'staff' && e.text.includes('tôi là Lan'))).toBe(
      true,
    );
  });

  it('asks for a 1–5 rating after closing and stores the one the citizen presses, once', async () => {
    const h = supportHarness();
    const c = await consented(h);
    await c.say('gặp nhân viên');
    await h.support.desk.claim(h.staff.lan, 'HT-2026-000001');
    await h.support.desk.close(h.staff.lan, 'HT-2026-000001', 'answered');
    const ask = (await h.pushed()).at(-1)!;
    expect(textOf([ask])).toContain('đánh giá');
    expect(buttonsOf([ask]).map((b) => b.action)).toEqual(
      [1, 2, 3, 4, 5].map((n) => `support:rate:HT-2026-000001:${n}`),
    );
    expect(textOf(await c.press('support:rate:HT-2026-000001:4'))).toContain('đánh giá 4/5');
    expect((await h.support.tickets.get('HT-2026-000001'))?.rating).toBe(4);
    expect(textOf(await c.press('support:rate:HT-2026-000001:1'))).toContain('đã được ghi nhận trước đó');
    expect((await h.support.tickets.get('HT-2026-000001'))?.rating).toBe(4);
  });

  it('takes a rating typed as a digit right after closing', async () => {
    const h = supportHarness();
    const c = await consented(h);
    await c.say('gặp nhân viên');
    await h.support.desk.claim(h.staff.lan, 'HT-2026-000001');
    await h.support.desk.close(h.staff.lan, 'HT-2026-000001', 'answered');
    expect(textOf(await c.say('5'))).toContain('đánh giá 5/5');
    expect((await h.support.tickets.get('HT-2026-000001'))?.rating).toBe(5);
  });

  it('refuses a rating for another citizen’s ticket', async () => {
    const h = supportHarness();
    await (await consented(h, 'a')).say('gặp nhân viên');
    await h.support.desk.claim(h.staff.lan, 'HT-2026-000001');
    await h.support.desk.close(h.staff.lan, 'HT-2026-000001', 'answered');
    const other = await consented(h, 'b');
    expect(textOf(await other.press('support:rate:HT-2026-000001:1'))).toContain('không còn hiệu lực');
    expect((await h.support.tickets.get('HT-2026-000001'))?.rating).toBeUndefined();
  });
});

describe('outside office hours', () => {
  it('says when staff will be back, keeps the ticket, and does not repeat itself', async () => {
    // Friday 27 November 2026, 18:00 in Vietnam.
    const h = supportHarness({ now: new Date('2026-11-27T11:00:00Z') });
    const c = await consented(h);
    const reply = textOf(await c.say('gặp nhân viên'));
    expect(reply).toContain('ngoài giờ làm việc');
    expect(reply).toContain('Thứ Hai – Thứ Sáu 08:00–17:00');
    expect(reply).toContain('08:00, Thứ Hai 30/11/2026');
    expect(await c.say('tôi chờ được')).toEqual([]);
    expect((await h.support.tickets.get('HT-2026-000001'))?.status).toBe('open');
  });

  it('names the public holiday from the holidays file', async () => {
    // 30 April 2026, 10:00 in Vietnam; 1 May is a holiday too, then a weekend.
    const h = supportHarness({ now: new Date('2026-04-30T03:00:00Z') });
    const c = await consented(h);
    const reply = textOf(await c.say('gặp nhân viên'));
    expect(reply).toContain('ngày nghỉ lễ (Ngày Chiến thắng (30/4))');
    expect(reply).toContain('08:00, Thứ Hai 04/05/2026');
  });

  it('tells a citizen who writes again in a later closed period when staff are back', async () => {
    const h = supportHarness({ now: new Date('2026-11-27T11:00:00Z') });
    const c = await consented(h);
    await c.say('gặp nhân viên');
    // Monday 30 November, 18:00: nobody answered during the day, and it is closed again.
    h.setNow(new Date('2026-11-30T11:00:00Z'));
    expect(textOf(await c.say('có ai không ạ'))).toContain('08:00, Thứ Ba 01/12/2026');
    expect(await c.say('alo')).toEqual([]);
  });

  it('says that holidays are not known yet when staff hours reach past the holiday data, and warns once', async () => {
    const warnings: string[] = [];
    const log = { ...silentLog, warn: (_o: object, msg?: string) => void warnings.push(msg ?? '') };
    // Friday 3 March 2028, 18:00 in Vietnam: the holidays file ends on 31/12/2027.
    const h = supportHarness({ now: new Date('2028-03-03T11:00:00Z'), log });
    const c = await consented(h);
    const reply = textOf(await c.say('gặp nhân viên'));
    expect(reply).toContain('08:00, Thứ Hai 06/03/2028');
    expect(reply).toContain('Hoso chưa có lịch nghỉ lễ sau ngày 31/12/2027');
    await c.say('có ai không');
    expect(warnings.filter((w) => w.includes('the holidays file ends on 2027-12-31'))).toHaveLength(1);
  });

  it('speaks English to a citizen who chose English', async () => {
    const h = supportHarness({ now: new Date('2026-11-27T11:00:00Z') });
    const c = await consented(h);
    await c.press('lang:en');
    const reply = textOf(await c.say('talk to a human'));
    expect(reply).toContain('I have put you through to a member of staff (request HT-2026-000001)');
    expect(reply).toContain('Monday 30/11/2026 at 08:00');
  });
});
