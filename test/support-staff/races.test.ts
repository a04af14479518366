import { describe, expect, it } from 'vitest';
import { supportHarness, textOf } from './harness.ts';

const ID = 'HT-2026-000001';

async function waitingCitizen(h: ReturnType<typeof supportHarness>) {
  const c = h.citizen();
  await c.say('xin chào');
  await c.press('consent:accept');
  await c.say('gặp nhân viên');
  return c;
}

describe('staff actions racing each other', () => {
  it('never claims a ticket the citizen cancelled, even when the cancel lands between the check and the claim', async () => {
    const h = supportHarness();
    await waitingCitizen(h);
    // The desk saw the ticket open; the citizen's cancel ends it before the claim reaches the store.
    const ended = await h.support.tickets.end(ID, { status: 'cancelled', by: 'citizen', at: new Date() });
    expect(ended).toBe(true);
    expect(await h.support.tickets.claim(ID, 'lan', new Date())).toEqual({ ok: false, ended: 'cancelled' });
    expect((await h.support.tickets.get(ID))?.claimedBy).toBeUndefined();
    await expect(h.support.desk.claim(h.staff.lan, ID)).rejects.toMatchObject({
      code: 'HOSO_ERR_TICKET_CLOSED',
    });
    expect(textOf(await h.pushed())).not.toContain('đã tiếp nhận');
  });

  it('tells a citizen who cancels while a claim is under way that the wait is cancelled, and nothing after it', async () => {
    const h = supportHarness({ sendDelayMs: 80 });
    const c = await waitingCitizen(h);
    const claim = h.support.desk.claim(h.staff.lan, ID).catch((e: Error) => e);
    await new Promise((r) => setTimeout(r, 10));
    const cancelled = textOf(await c.say('hủy'));
    await claim;
    expect(cancelled).toContain('Đã hủy yêu cầu gặp cán bộ hỗ trợ');
    // The claim's notice went out before the cancel was taken, never after it.
    const ticket = await h.support.tickets.get(ID);
    expect(ticket?.status).toBe('cancelled');
    const lines = (await h.support.tickets.messages(ID)).map((m) => m.text);
    expect(lines.indexOf('Người dân đã hủy yêu cầu.')).toBe(lines.length - 1);
  });

  it('lets a reply racing a close reach the citizen before the closing notice, or not at all', async () => {
    const h = supportHarness({ sendDelayMs: 80 });
    await waitingCitizen(h);
    await h.support.desk.claim(h.staff.lan, ID);
    const reply = h.support.desk.reply(h.staff.lan, ID, 'Anh chờ tôi một chút nhé.');
    await new Promise((r) => setTimeout(r, 10));
    // A supervisor closes the ticket while the reply is still on its way.
    await h.support.desk.close(h.staff.boss, ID, 'answered');
    await reply;
    const pushed = (await h.pushed()).map((m) => (m.type === 'text' ? m.text : ''));
    const replyAt = pushed.findIndex((t) => t.includes('Anh chờ tôi một chút nhé.'));
    const closedAt = pushed.findIndex((t) => t.includes('đã hoàn tất'));
    expect(replyAt).toBeGreaterThanOrEqual(0);
    expect(replyAt).toBeLessThan(closedAt);
    await expect(h.support.desk.reply(h.staff.lan, ID, 'Còn gì nữa không?')).rejects.toMatchObject({
      code: 'HOSO_ERR_TICKET_CLOSED',
    });
    expect(pushed.join('\n')).not.toContain('Còn gì nữa không?');
  });
});
