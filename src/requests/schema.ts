import { z } from 'zod';
import { AddressSchema } from '../dialogue/message.ts';
import { LangSchema } from '../i18n.ts';
import { REQUEST_CODE_PATTERN } from './code.ts';

/**
 * The lifecycle of a request. `failed` means the work was dead-lettered (staff see it); staff may retry a
 * failed request, so it can move on again.
 */
export const REQUEST_STATES = [
  'draft',
  'awaiting_payment',
  'paid',
  'exempt',
  'submitted',
  'processing',
  'issued',
  'rejected',
  'failed',
  'cancelled',
] as const;
export const RequestStateSchema = z.enum(REQUEST_STATES);
export type RequestState = z.infer<typeof RequestStateSchema>;

export const TRANSITIONS: Readonly<Record<RequestState, readonly RequestState[]>> = {
  draft: ['awaiting_payment', 'exempt', 'cancelled'],
  awaiting_payment: ['paid', 'cancelled'],
  // The agency may refuse at filing (rejected) as well as after.
  paid: ['submitted', 'rejected', 'failed'],
  exempt: ['submitted', 'rejected', 'failed'],
  submitted: ['processing', 'issued', 'rejected', 'failed'],
  processing: ['issued', 'rejected', 'failed'],
  issued: [],
  rejected: [],
  // A staff retry: resubmitted, or a status poll that finally got an answer.
  failed: ['submitted', 'processing', 'issued', 'rejected'],
  cancelled: [],
};

export const FINAL_STATES: readonly RequestState[] = ['issued', 'rejected', 'cancelled'];

export function canTransition(from: RequestState, to: RequestState): boolean {
  return TRANSITIONS[from].includes(to);
}

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');
const Timestamp = z.iso.datetime({ offset: true });

/**
 * The citizen's opaque key (a keyed hash the identity module gives). It becomes part of a storage key,
 * so a raw 12-digit citizen ID is refused here.
 */
export const CitizenKeySchema = z
  .string()
  .min(8)
  .max(128)
  .regex(/^[A-Za-z0-9_.=-]+$/, 'letters, digits, _ . = - only')
  .refine((k) => !/\d{9,}/.test(k), 'looks like a personal number: pass the keyed hash, not the ID');

/** The person the extract is about (the requester, or their child): what the agency needs to find them. */
export const SubjectSchema = z.object({
  citizenId: z.string().regex(/^\d{12}$/, 'a 12-digit personal identification number'),
  fullName: z.string().min(1).max(100),
  dateOfBirth: IsoDate,
  gender: z.enum(['male', 'female']).optional(),
  nationality: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .optional(),
  placeOfBirth: z.string().max(200).optional(),
  residence: z.string().max(300).optional(),
  /** Printed on a Form 2 extract (Law 28/2009 Art. 43). */
  fatherName: z.string().max(100).nullable().optional(),
  motherName: z.string().max(100).nullable().optional(),
  spouseName: z.string().max(100).nullable().optional(),
});
export type Subject = z.infer<typeof SubjectSchema>;

/**
 * The rules engine's decision (contracts §3), kept whole and opaque: only the pinned rule set and the fee
 * are read here. A decision without a fee costs nothing (the health-record extract, domain §8.6 H5).
 */
export const DecisionSnapshotSchema = z.looseObject({
  ruleSet: z.looseObject({ version: z.string().min(1), hash: z.string().min(1) }),
  eligible: z.boolean().optional(),
  fee: z
    .looseObject({ total: z.number().int().nonnegative(), currency: z.literal('VND').default('VND') })
    .optional(),
  authority: z.string().nullable().optional(),
});
export type DecisionSnapshot = z.infer<typeof DecisionSnapshotSchema>;

export const PaymentSchema = z.object({
  amount: z.number().int().positive(),
  currency: z.literal('VND'),
  /** What the citizen writes in the transfer: the request code. */
  reference: z.string(),
  /** The VietQR (NAPAS EMVCo) payload the citizen scans. */
  qrPayload: z.string().optional(),
  requestedAt: Timestamp,
  paidAt: Timestamp.optional(),
  /** `dev` (the outbox's "mark as paid") or `gateway` (the signed callback). */
  provider: z.enum(['dev', 'gateway']).optional(),
  transactionId: z.string().max(128).optional(),
});
export type Payment = z.infer<typeof PaymentSchema>;

/** A document the citizen uploaded for the request (the rules' `require` events), kept encrypted in the blob store. */
export const RequestDocumentSchema = z.object({
  /** The rules' document code (authorization_letter, fee_reduction_proof…). */
  code: z.string().min(1).max(80),
  fileId: z.string().min(1),
  filename: z.string().min(1).max(255),
  mimeType: z.string().min(1).max(100),
});
export type RequestDocument = z.infer<typeof RequestDocumentSchema>;

export const HistoryEntrySchema = z.object({
  from: RequestStateSchema.nullable(),
  to: RequestStateSchema,
  at: Timestamp,
  /** Who moved it: `citizen`, `payment`, `agency`, `jobs`, `staff:<id>`. */
  by: z.string().max(64).optional(),
  note: z.string().max(500).optional(),
});

export const RequestRecordSchema = z.object({
  code: z.string().regex(REQUEST_CODE_PATTERN),
  /**
   * The agency's Idempotency-Key for this filing: random, made once with the record. Never the human code,
   * which a restored backup could hand out again for another person's request.
   */
  submissionKey: z.uuid().optional(),
  service: z.string().min(1).max(64),
  citizenKey: CitizenKeySchema,
  /** Where status changes are sent: the channel and chat the citizen used. */
  address: AddressSchema,
  lang: LangSchema,
  subject: SubjectSchema,
  /** The facts the decision was made on, as they were at confirmation. */
  facts: z.record(z.string(), z.unknown()),
  decision: DecisionSnapshotSchema,
  documents: z.array(RequestDocumentSchema).default([]),
  /** The rule-set version the request started under and keeps (a rule change never rewrites it). */
  ruleSetVersion: z.string().min(1),
  state: RequestStateSchema,
  createdAt: Timestamp,
  updatedAt: Timestamp,
  /** When the request entered each state it went through (the latest time, for a state seen twice). */
  stateAt: z.partialRecord(RequestStateSchema, Timestamp),
  history: z.array(HistoryEntrySchema),
  payment: PaymentSchema.optional(),
  agency: z
    .object({
      ref: z.string().min(1).max(128),
      submittedAt: Timestamp,
      /** The agency's expected date of the result, when it gives one. */
      expectedBy: IsoDate.optional(),
    })
    .optional(),
  result: z
    .object({
      fileId: z.string().min(1),
      documentId: z.string().min(1),
      filename: z.string().min(1),
      issuedAt: Timestamp,
    })
    .optional(),
  rejection: z.object({ code: z.string().optional(), reason: z.string().max(1000) }).optional(),
  failure: z.object({ code: z.string().optional(), message: z.string().max(1000), at: Timestamp }).optional(),
});
export type RequestRecord = z.infer<typeof RequestRecordSchema>;

export const NewRequestSchema = z.object({
  service: z.string().min(1).max(64),
  citizenKey: CitizenKeySchema,
  address: AddressSchema,
  lang: LangSchema,
  subject: SubjectSchema,
  facts: z.record(z.string(), z.unknown()),
  decision: DecisionSnapshotSchema,
  documents: z.array(RequestDocumentSchema).default([]),
  /**
   * Names the conversation's draft: filing the same draft again (a turn run a second time after a crash,
   * before its session was saved) gives back the request it already made instead of a second one.
   */
  filingKey: z.string().min(8).max(64).optional(),
});
export type NewRequest = z.input<typeof NewRequestSchema>;

/** What a change announces on pub/sub (no personal data: the code and the states). */
export const RequestChangeSchema = z.object({
  code: z.string(),
  service: z.string(),
  citizenKey: z.string(),
  from: RequestStateSchema.nullable(),
  to: RequestStateSchema,
  at: Timestamp,
});
export type RequestChange = z.infer<typeof RequestChangeSchema>;

/** The fee the decision asks for, in whole đồng (0 when it asks none). */
export function feeOf(decision: DecisionSnapshot): number {
  return decision.fee?.total ?? 0;
}
