import { z } from 'zod';
import { HEALTH_SCOPES, HealthBookSchema } from '../health/schema.ts';
import { ConvictionSchema, ManagementBanSchema } from '../judicial/schema.ts';

/**
 * The agency back office (the police records department for LLTP) as Hoso sees it: a submission goes in
 * once per request code, and its status is asked until a result or a refusal comes back. The HTTP contract
 * is in ./CONTRACT.md; the embedded default is a simulated back office (./simulated.ts).
 */

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');
const Timestamp = z.iso.datetime({ offset: true });
export const RequestCodeSchema = z
  .string()
  .regex(/^[A-Z]{2,8}-\d{4}-\d{6,9}$/, 'a request code such as LLTP-2026-000123');

export const AgencySubjectSchema = z.object({
  citizenId: z.string().regex(/^\d{12}$/),
  fullName: z.string().min(1).max(100),
  dateOfBirth: IsoDate,
  gender: z.enum(['male', 'female']).optional(),
  nationality: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .optional(),
  placeOfBirth: z.string().max(200).optional(),
  residence: z.string().max(300).optional(),
  fatherName: z.string().max(100).nullable().optional(),
  motherName: z.string().max(100).nullable().optional(),
  spouseName: z.string().max(100).nullable().optional(),
});

export const AgencySubmissionSchema = z.object({
  /** The request code, as the citizen knows it. */
  code: RequestCodeSchema,
  /**
   * Sent as the Idempotency-Key, so a retried submission is accepted once: random per request, so that no
   * two citizens' filings can ever share one, whatever happens to the request counter.
   */
  idempotencyKey: z.string().min(8).max(100),
  service: z.string().min(1).max(64),
  subject: AgencySubjectSchema,
  /** The facts the citizen gave (form, purpose, copies…), as the rules engine read them. */
  facts: z.record(z.string(), z.unknown()),
  /** The rules engine's decision, with the pinned rule set. */
  decision: z.looseObject({ ruleSet: z.looseObject({ version: z.string(), hash: z.string() }) }),
  payment: z.object({
    amount: z.number().int().nonnegative(),
    exempt: z.boolean(),
    transactionId: z.string().optional(),
    paidAt: Timestamp.optional(),
  }),
  filedAt: Timestamp,
  /** The documents the rules asked for, as the citizen uploaded them (the status question leaves them out). */
  documents: z
    .array(
      z.object({
        code: z.string().min(1).max(80),
        filename: z.string().min(1).max(255),
        mimeType: z.string().min(1).max(100),
        contentBase64: z.string(),
      }),
    )
    .default([]),
});
export type AgencySubmission = z.input<typeof AgencySubmissionSchema>;

// ---- The result handed on to the extract renderer ----------------------------------------------------

/** As printed on an extract (fields of the renderer's SubjectSchema; the renderer requires the optional ones). */
export const ExtractSubjectSchema = z.object({
  fullName: z.string().min(1).max(100),
  gender: z.enum(['male', 'female']).optional(),
  dateOfBirth: z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/),
  placeOfBirth: z.string().max(200).optional(),
  nationality: z.string().max(60).optional(),
  residence: z.string().max(300).optional(),
  idDocument: z.object({
    kind: z.enum(['cccd', 'cmnd', 'passport']),
    number: z.string().regex(/^[0-9A-Z*]{6,20}$/),
  }),
});

export const AuthoritySchema = z.object({
  name: z.string().min(1).max(120),
  parent: z.string().max(120).optional(),
});

/**
 * A criminal record extract's content (Law 28/2009/QH12 Art. 42–43), shaped like the renderer's
 * `LltpExtractSchema` without what Hoso adds itself (document id, request code, signature).
 */
export const LltpResultSchema = z.object({
  kind: z.literal('lltp'),
  form: z.union([z.literal(1), z.literal(2)]),
  /** Số, ký hiệu given by the agency. */
  documentNumber: z.string().max(60).optional(),
  issueDate: IsoDate,
  issuePlace: z.string().min(1).max(60),
  authority: AuthoritySchema,
  signer: z.object({ title: z.array(z.string().max(80)).min(1).max(3), name: z.string().max(80) }).optional(),
  subject: ExtractSubjectSchema,
  content: z.object({
    purpose: z.string().max(200).optional(),
    /** Empty: "không có án tích" (no criminal record). */
    convictions: z.array(ConvictionSchema).max(50),
    managementBan: z.object({ requested: z.boolean(), bans: z.array(ManagementBanSchema).max(10) }),
    /** Form 2 only (Art. 43): father, mother, spouse; null when there is none. */
    relatives: z
      .object({ father: z.string().nullable(), mother: z.string().nullable(), spouse: z.string().nullable() })
      .optional(),
  }),
});

export const HEALTH_GROUPS = ['administrative', 'history', 'visits', 'summary'] as const;

/**
 * An e-health-book extract: the shareable book (extra-sensitive categories out, cut to the scope) and the
 * citizen's choice, which the renderer's `selectHealthContent(record, choice)` turns into what is printed.
 */
export const HealthResultSchema = z.object({
  kind: z.literal('health_record'),
  issueDate: IsoDate,
  issuePlace: z.string().min(1).max(60),
  authority: AuthoritySchema,
  subject: ExtractSubjectSchema,
  choice: z.object({
    scope: z.enum(HEALTH_SCOPES),
    groups: z.array(z.enum(HEALTH_GROUPS)).min(1),
    visitId: z.string().optional(),
  }),
  record: HealthBookSchema,
});

/** What the pipeline hands to the extract renderer when a request is issued. */
export const ExtractContentSchema = z.discriminatedUnion('kind', [LltpResultSchema, HealthResultSchema]);
export type ExtractContent = z.infer<typeof ExtractContentSchema>;
export type LltpResult = z.infer<typeof LltpResultSchema>;
export type HealthResult = z.infer<typeof HealthResultSchema>;

// ---- Answers -------------------------------------------------------------------------------------------

export const AGENCY_STATES = ['received', 'processing', 'issued', 'rejected'] as const;

export const SubmitAnswerSchema = z.object({
  agencyRef: z.string().min(1).max(128),
  state: z.enum(AGENCY_STATES),
  /** The agency's expected date of the result. */
  expectedBy: IsoDate.optional(),
});
export type SubmitAnswer = z.infer<typeof SubmitAnswerSchema>;

const statusBase = {
  agencyRef: z.string().min(1).max(128),
  updatedAt: Timestamp,
  expectedBy: IsoDate.optional(),
};
export const AgencyStatusSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('received'), ...statusBase }),
  z.object({ state: z.literal('processing'), ...statusBase }),
  z.object({ state: z.literal('issued'), ...statusBase, result: ExtractContentSchema }),
  z.object({
    state: z.literal('rejected'),
    ...statusBase,
    rejection: z.object({ code: z.string().max(64).optional(), reason: z.string().min(1).max(1000) }),
  }),
]);
export type AgencyStatus = z.infer<typeof AgencyStatusSchema>;

export interface AgencyPort {
  /** Files the request; the same code filed twice is accepted once and answers the same reference. */
  submit(submission: AgencySubmission): Promise<SubmitAnswer>;
  /** Where the request stands. The submission is passed again for back offices that keep nothing. */
  status(agencyRef: string, submission: AgencySubmission): Promise<AgencyStatus>;
}

export type AgencyErrorCode =
  /** Network error, timeout or 5xx: retry later. */
  | 'HOSO_ERR_AGENCY_UNAVAILABLE'
  /** The agency refused the submission (4xx): retrying will not help. */
  | 'HOSO_ERR_AGENCY_REJECTED'
  /** An answer that does not match the contract. */
  | 'HOSO_ERR_AGENCY_BAD_ANSWER'
  | 'HOSO_ERR_AGENCY_UNKNOWN_REF';

export class AgencyError extends Error {
  /** The agency's own words when it refused (HOSO_ERR_AGENCY_REJECTED). */
  readonly refusal: { code?: string; reason?: string } | undefined;
  constructor(
    readonly code: AgencyErrorCode,
    message: string,
    readonly status?: number,
    options: { cause?: unknown; refusal?: { code?: string; reason?: string } } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AgencyError';
    this.refusal = options.refusal;
  }

  get retryable(): boolean {
    return this.code === 'HOSO_ERR_AGENCY_UNAVAILABLE' || this.code === 'HOSO_ERR_AGENCY_BAD_ANSWER';
  }
}
