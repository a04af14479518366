import type { OfficeHours } from './office-hours.ts';
import type { Ticket } from './ticket.ts';

/**
 * First-response state of a ticket. Only office time counts (a message sent on a Saturday night does not
 * breach a 15-minute target): `ok` and `at_risk` (past 75 % of the target) while waiting, `breached` once
 * past it; after the first reply, `met` or `missed`.
 */
export type SlaState = 'ok' | 'at_risk' | 'breached' | 'met' | 'missed';

export interface SlaView {
  state: SlaState;
  /** Wall-clock minutes since the ticket opened (what the citizen felt). */
  waitingMinutes: number;
  /** Office minutes until the first reply, or until now while unanswered. */
  officeMinutes: number;
  targetMinutes: number;
}

const AT_RISK_SHARE = 0.75;

export function slaOf(ticket: Ticket, now: Date, targetMinutes: number, hours: OfficeHours): SlaView {
  const opened = new Date(ticket.openedAt);
  const end = ticket.endedAt ? new Date(ticket.endedAt) : now;
  const waitingMinutes = Math.max(0, Math.floor((end.getTime() - opened.getTime()) / 60_000));
  if (ticket.firstResponseAt) {
    const officeMinutes = hours.officeMinutesBetween(opened, new Date(ticket.firstResponseAt));
    return {
      state: officeMinutes <= targetMinutes ? 'met' : 'missed',
      waitingMinutes,
      officeMinutes: Math.round(officeMinutes),
      targetMinutes,
    };
  }
  const officeMinutes = hours.officeMinutesBetween(opened, end);
  const state: SlaState =
    officeMinutes > targetMinutes
      ? 'breached'
      : officeMinutes >= targetMinutes * AT_RISK_SHARE
        ? 'at_risk'
        : 'ok';
  return { state, waitingMinutes, officeMinutes: Math.round(officeMinutes), targetMinutes };
}
