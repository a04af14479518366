import { z } from 'zod';
import { AddressSchema } from '../dialogue/message.ts';
import { LangSchema } from '../i18n.ts';
import { EscalationReasonSchema, HandoffPacketSchema } from './packet.ts';

/** `open` while a person handles it (the bot stays quiet); every other status hands the chat back to the bot. */
export const TicketStatusSchema = z.enum(['open', 'closed', 'handed_back', 'cancelled']);
export type TicketStatus = z.infer<typeof TicketStatusSchema>;

/** How a staff member closed a ticket. */
export const ResolutionSchema = z.enum([
  'answered',
  'request_filed',
  'referred_in_person',
  'technical_issue',
  'no_response',
  'duplicate',
  'other',
]);
export type Resolution = z.infer<typeof ResolutionSchema>;

/** How a resolution reads in the ticket's Vietnamese timeline (the same words as the staff console). */
export const RESOLUTION_LABELS: Record<Resolution, string> = {
  answered: 'đã giải đáp',
  request_filed: 'đã hỗ trợ nộp hồ sơ',
  referred_in_person: 'hướng dẫn nộp trực tiếp',
  technical_issue: 'lỗi kỹ thuật đã báo',
  no_response: 'người dân không phản hồi',
  duplicate: 'trùng yêu cầu',
  other: 'khác',
};

export const TicketIdSchema = z.string().regex(/^HT-\d{4}-\d{6}$/, 'not a ticket id (HT-YYYY-NNNNNN)');

const json = <S extends z.ZodType>(schema: S) =>
  z.string().transform((s, ctx) => {
    try {
      return schema.parse(JSON.parse(s)) as z.infer<S>;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'bad JSON field' });
      return z.NEVER;
    }
  });

/** A ticket as stored: one hash per ticket, so that concurrent field updates never overwrite each other. */
export const StoredTicketSchema = z.object({
  id: TicketIdSchema,
  status: TicketStatusSchema,
  address: json(AddressSchema),
  lang: LangSchema,
  reason: EscalationReasonSchema,
  openedAt: z.string(),
  packet: json(HandoffPacketSchema),
  claimedBy: z.string().optional(),
  claimedAt: z.string().optional(),
  firstResponseAt: z.string().optional(),
  endedAt: z.string().optional(),
  endedBy: z.string().optional(),
  resolution: ResolutionSchema.optional(),
  rating: z.coerce.number().int().min(1).max(5).optional(),
  ratedAt: z.string().optional(),
  /** When the citizen's data was erased from it (only an anonymous record remains). */
  erasedAt: z.string().optional(),
});
export type Ticket = z.infer<typeof StoredTicketSchema>;

/** One line of a ticket's live conversation; `note` lines are internal and never reach the citizen. */
export const TicketMessageSchema = z.object({
  seq: z.number().int().positive(),
  from: z.enum(['citizen', 'staff', 'bot', 'note', 'system']),
  text: z.string(),
  at: z.string(),
  /** The staff member's username, for staff replies, notes and their actions. */
  by: z.string().optional(),
  /** Their display name, as the citizen saw it. */
  name: z.string().optional(),
});
export type TicketMessage = z.infer<typeof TicketMessageSchema>;

/** What the ticket's live stream carries. */
export type TicketEvent =
  | { type: 'message'; message: TicketMessage }
  | { type: 'status'; ticket: TicketSummary };

export interface TicketSummary {
  id: string;
  status: TicketStatus;
  claimedBy?: string;
}
