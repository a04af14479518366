import { z } from 'zod';

/**
 * Judicial records (lý lịch tư pháp) as the records centre holds them for one person, Law 28/2009/QH12
 * Art. 42–43. Field names match the extract renderer's `ConvictionSchema` so a result passes through unchanged.
 */
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');

export const ConvictionSchema = z.object({
  judgment: z.object({
    /** Bản án số, e.g. "125/2015/HS-ST". */
    number: z.string().min(1).max(60),
    date: IsoDate,
    court: z.string().min(1).max(200),
  }),
  /** Tội danh. */
  offences: z.array(z.string().min(1).max(300)).min(1).max(10),
  /** Điều, khoản, điểm of the Criminal Code applied. */
  articles: z.string().min(1).max(300),
  mainPenalty: z.string().min(1).max(300),
  additionalPenalties: z.array(z.string().min(1).max(300)).max(10).default([]),
  civilObligations: z.string().max(300).optional(),
  courtFee: z.string().max(200).optional(),
  /** Tình trạng thi hành án. */
  executionStatus: z.string().min(1).max(300),
  /** Set once the conviction is expunged (xóa án tích): Form 1 never shows it, Form 2 shows it with this note. */
  expunged: z.object({ on: IsoDate, basis: z.string().max(300).optional() }).optional(),
});
export type Conviction = z.infer<typeof ConvictionSchema>;

/** A ban on holding posts or managing enterprises after a court declared a bankruptcy (Art. 42(3), 43(3)). */
export const ManagementBanSchema = z.object({
  decision: z.string().min(1).max(300),
  scope: z.string().min(1).max(300),
  duration: z.string().min(1).max(120),
});
export type ManagementBan = z.infer<typeof ManagementBanSchema>;

export const JudicialRecordSchema = z.object({
  convictions: z.array(ConvictionSchema).default([]),
  managementBans: z.array(ManagementBanSchema).default([]),
});
export type JudicialRecord = z.infer<typeof JudicialRecordSchema>;

/** The records centre as Hoso sees it: the embedded fixture, or (later) an agency API. */
export interface JudicialRecords {
  /** The person's record; an empty record means "không có án tích". */
  lookup(citizenId: string): Promise<JudicialRecord>;
}

/** What an extract of one form shows from a record (Art. 42 for Form 1, Art. 43 for Form 2). */
export interface ExtractSection {
  convictions: Conviction[];
  managementBan: { requested: boolean; bans: ManagementBan[] };
}

/**
 * Form 1 shows only convictions not yet expunged, and the management ban only when the requester asked for
 * it; Form 2 shows every conviction (expunged ones noted as such) and always the ban.
 */
export function extractSection(record: JudicialRecord, form: 1 | 2, banRequested = false): ExtractSection {
  if (form === 2) {
    return {
      convictions: record.convictions,
      managementBan: { requested: true, bans: record.managementBans },
    };
  }
  return {
    convictions: record.convictions.filter((c) => !c.expunged),
    managementBan: { requested: banRequested, bans: banRequested ? record.managementBans : [] },
  };
}
