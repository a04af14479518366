import { z } from 'zod';
import { defineSlice, FlowStateSchema } from '../dialogue/session.ts';
import type { OfficeHours } from './office-hours.ts';
import { EscalationReasonSchema, type HandoffRegistry } from './packet.ts';
import type { TicketStore } from './ticket-store.ts';

/** What the support features need during a turn. */
export interface SupportServices {
  tickets: TicketStore;
  registry: HandoffRegistry;
  hours: OfficeHours;
  /** Estimated minutes a staff member needs per waiting citizen, for the "about N minutes" answer. */
  minutesPerTicket: number;
}

declare module '../dialogue/context.ts' {
  interface Services {
    /** Absent when Hoso runs without the support module: `talk_to_staff` then answers that it is not open. */
    support?: SupportServices;
  }
}

/** The support module's part of the session. */
export const SupportSliceSchema = z.object({
  /** The ticket a person is handling (or will handle) for this conversation. */
  ticketId: z.string().optional(),
  /** The next opening time already announced to the citizen, so it is said once per closed period. */
  toldReturnAt: z.string().optional(),
  /** Staff lines of the ticket already copied into the session's transcript. */
  syncedSeq: z.number().int().nonnegative().default(0),
  /** A pending offer of a person: why, and the flow as it was, for the packet if the citizen accepts. */
  offer: z
    .object({
      reason: EscalationReasonSchema,
      detail: z.string().max(500).optional(),
      flow: FlowStateSchema.optional(),
      at: z.string(),
    })
    .optional(),
});
export type SupportSlice = z.infer<typeof SupportSliceSchema>;

export const supportSlice = defineSlice('support', SupportSliceSchema, () => ({ syncedSeq: 0 }));
