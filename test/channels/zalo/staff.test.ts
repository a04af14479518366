import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startZaloTestApp, textEvent, type ZaloTestApp } from '../../support/zalo.ts';
import { staffMember } from '../../support-staff/staff-client.ts';

describe('staff and a Zalo citizen outside the interaction window', () => {
  let z: ZaloTestApp;
  beforeEach(async () => {
    z = await startZaloTestApp({ env: { STAFF_OFFICE_HOURS: 'mon-sun 00:00-24:00' } });
  });
  afterEach(async () => {
    await z.close();
  });

  it('shows staff that the citizen is outside the window, and their reply reaches the citizen on the next message', async () => {
    const user = 'zalo-901';
    await z.deliver(textEvent(user, '/start'));
    await z.deliver(textEvent(user, '#hoso:consent:accept'));
    await z.deliver(textEvent(user, 'tôi cần hỏi về phiếu lý lịch tư pháp'));
    const opened = (await z.deliver(textEvent(user, 'gặp nhân viên')))
      .map((m) => String(m.text ?? ''))
      .join('\n');
    const id = /HT-\d{4}-\d{6}/.exec(opened)?.[0];
    expect(id).toBeDefined();
    const lan = await staffMember(z.app, 'lan', 'staff');

    const inside = await lan.get(`/staff/api/tickets/${id}/zalo-window`);
    expect(inside.status).toBe(200);
    expect(inside.body).toMatchObject({ inside: true, held: 0, windowHours: 48 });

    // Zalo refuses messages to this follower now: the window has closed.
    z.zalo.outsideWindow.add(user);
    expect((await lan.post(`/staff/api/tickets/${id}/claim`)).status).toBe(200);
    const replied = await lan.post(`/staff/api/tickets/${id}/reply`, { text: 'Chào anh/chị, tôi là Lan.' });
    expect(replied.status).toBe(200);
    const window = await lan.get(`/staff/api/tickets/${id}/zalo-window`);
    // The claim notice and the reply both wait.
    expect(window.body).toMatchObject({ inside: false, held: 2 });

    z.zalo.outsideWindow.delete(user);
    const later = await z.deliver(textEvent(user, 'vâng'));
    expect(later.map((m) => String(m.text ?? '')).join('\n')).toContain('Chào anh/chị, tôi là Lan.');
  });
});
