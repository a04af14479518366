import type { PersonalDataContributor } from '../privacy/contributors.ts';
import type { TicketStore } from './ticket-store.ts';

export interface SupportTicketsContributorOptions {
  tickets: TicketStore;
  /** How long an ended ticket's anonymous record stays (DATA_RETENTION_DAYS). */
  retentionMs: number;
}

/**
 * Support tickets are personal data: the handoff packet (name, masked ID, what the citizen was doing, the
 * conversation) and the live conversation with staff. Exported in full, internal notes included (they are
 * about the citizen). On erasure every ticket of the citizen's accounts is anonymised: a waiting one is
 * cancelled, and what remains is a record without address, packet or messages — id, reason, dates, outcome,
 * rating and the staff member who handled it — for service statistics and to account for staff's work.
 */
export function supportTicketsContributor(
  options: SupportTicketsContributorOptions,
): PersonalDataContributor {
  const { tickets } = options;
  return {
    name: 'support',
    async export(subject) {
      const out = [];
      for (const account of subject.accounts) {
        for (const ticket of await tickets.ofAccount(account)) {
          out.push({
            id: ticket.id,
            account,
            status: ticket.status,
            reason: ticket.reason,
            openedAt: ticket.openedAt,
            endedAt: ticket.endedAt ?? null,
            resolution: ticket.resolution ?? null,
            rating: ticket.rating ?? null,
            handledBy: ticket.claimedBy ?? null,
            packet: ticket.packet,
            messages: (await tickets.messages(ticket.id)).map(({ from, text, at, name }) => ({
              from,
              text,
              at,
              ...(name ? { name } : {}),
            })),
          });
        }
      }
      return out.length > 0 ? out : null;
    },
    async erase(subject, { t, now }) {
      let count = 0;
      for (const account of subject.accounts) {
        for (const ticket of await tickets.ofAccount(account)) {
          if (await tickets.anonymise(ticket.id, now)) count++;
        }
      }
      if (count === 0) return { erased: [], kept: [] };
      const until = new Date(now.getTime() + options.retentionMs).toISOString().slice(0, 10);
      return {
        erased: [t('support:privacy.erased', { count })],
        kept: [{ what: t('support:privacy.kept.what'), why: t('support:privacy.kept.why'), until }],
      };
    },
  };
}
