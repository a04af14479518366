import { describe, expect, it } from 'vitest';
import { createOfficeHours, parseOfficeHours } from '../../src/support/office-hours.ts';
import { slaOf } from '../../src/support/sla.ts';
import type { Ticket } from '../../src/support/ticket.ts';

const hours = createOfficeHours(parseOfficeHours('mon-fri 08:00-17:00'), []);
const vn = (local: string) => new Date(`${local}+07:00`);

function ticket(openedAt: string, firstResponseAt?: string): Ticket {
  return {
    id: 'HT-2026-000001',
    status: 'open',
    address: { channel: 'webchat', userId: 'u' },
    lang: 'vi',
    reason: 'asked',
    openedAt: vn(openedAt).toISOString(),
    ...(firstResponseAt ? { firstResponseAt: vn(firstResponseAt).toISOString() } : {}),
    packet: {} as Ticket['packet'],
  };
}

describe('first-response target', () => {
  it('is ok, then at risk past three quarters, then breached past the target', () => {
    expect(slaOf(ticket('2026-11-25T09:00'), vn('2026-11-25T09:05'), 15, hours).state).toBe('ok');
    expect(slaOf(ticket('2026-11-25T09:00'), vn('2026-11-25T09:12'), 15, hours).state).toBe('at_risk');
    const late = slaOf(ticket('2026-11-25T09:00'), vn('2026-11-25T09:40'), 15, hours);
    expect(late).toMatchObject({ state: 'breached', waitingMinutes: 40, officeMinutes: 40 });
  });

  it('does not count nights and weekends against staff', () => {
    const weekend = slaOf(ticket('2026-11-27T16:55'), vn('2026-11-30T08:05'), 15, hours);
    expect(weekend.state).toBe('ok');
    expect(weekend.officeMinutes).toBe(10);
    expect(weekend.waitingMinutes).toBeGreaterThan(60 * 24 * 2);
  });

  it('is met or missed once staff first replied', () => {
    expect(
      slaOf(ticket('2026-11-25T09:00', '2026-11-25T09:10'), vn('2026-11-25T11:00'), 15, hours).state,
    ).toBe('met');
    expect(
      slaOf(ticket('2026-11-25T09:00', '2026-11-25T09:30'), vn('2026-11-25T11:00'), 15, hours).state,
    ).toBe('missed');
  });
});
