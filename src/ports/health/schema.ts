import { z } from 'zod';

/**
 * A citizen's electronic health book (Sổ sức khỏe điện tử) as the health-records system gives it, in the four
 * data groups of Decision 1332/QĐ-BYT (domain notes §4.2): A administrative, B history (allergies, diseases,
 * vaccinations), C each visit or episode (ICD-10 codes, key indicators, medicines), D the record summary of a
 * visit. Field names match the extract renderer's `HealthRecordSchema`, so a book passes through unchanged.
 */
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');
const LocalDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2})?$/, 'YYYY-MM-DD or YYYY-MM-DDTHH:mm');
const Icd10 = z.string().regex(/^[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$/, 'an ICD-10 code such as J06.9');

export const AdministrativeSchema = z.object({
  ethnicity: z.string().max(40).optional(),
  occupation: z.string().max(100).optional(),
  /** Masked (09******78): the book is shared, the number is not needed to read it. */
  phone: z
    .string()
    .regex(/^[0-9*+ ]{6,20}$/)
    .optional(),
  insuranceCard: z
    .object({
      number: z.string().regex(/^[A-Z0-9*]{6,20}$/),
      initialFacility: z.string().max(200).optional(),
      validFrom: IsoDate.optional(),
      validTo: IsoDate.optional(),
    })
    .optional(),
  address: z.string().max(300).optional(),
  /** Legal representative / guardian / main carer (1332 part B fields 12–15). */
  representative: z.object({ name: z.string().max(100), relationship: z.string().max(60) }).optional(),
});

export const AllergySchema = z.object({
  type: z.string().max(100),
  allergen: z.string().max(200),
  reaction: z.string().max(300).optional(),
});

export const DiseaseSchema = z.object({
  time: z.string().max(60),
  place: z.string().max(200).optional(),
  diagnosis: z.string().max(300),
  /** Lets the sharing filter recognise an extra-sensitive diagnosis. */
  icd10: Icd10.optional(),
});

export const VaccinationSchema = z.object({
  vaccine: z.string().max(200),
  doseNumber: z.number().int().min(1).max(20),
  date: IsoDate,
  place: z.string().max(200),
});

export const KeyIndicatorsSchema = z.object({
  bloodGroup: z.string().max(10).optional(),
  heightCm: z.number().positive().max(300).optional(),
  weightKg: z.number().positive().max(500).optional(),
});

export const RecordSummarySchema = z.object({
  course: z.string().max(4000),
  keyResults: z.string().max(4000).optional(),
  treatment: z.string().max(4000),
  followUp: z.string().max(4000).optional(),
  doctor: z.string().max(100),
});

export const MedicineSchema = z.object({
  name: z.string().max(200),
  strength: z.string().max(60).optional(),
  quantity: z.string().max(60).optional(),
  dosage: z.string().max(300).optional(),
});

export const VisitSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9._-]{1,40}$/),
  facility: z.string().max(200),
  admittedAt: LocalDateTime,
  dischargedAt: LocalDateTime.optional(),
  type: z.enum(['outpatient', 'inpatient', 'day_care', 'telemedicine']),
  reason: z.string().max(300),
  /** The first code is the main disease. */
  icd10: z.array(Icd10).min(1).max(20),
  diagnosis: z.string().max(500),
  dischargeStatus: z.string().max(200).optional(),
  treatmentResult: z.string().max(200).optional(),
  indicators: KeyIndicatorsSchema.default({}),
  clinicalResults: z.array(z.string().max(500)).max(50).default([]),
  paraclinicalResults: z.array(z.string().max(500)).max(50).default([]),
  medicines: z.array(MedicineSchema).max(100).default([]),
  procedures: z.array(z.string().max(300)).max(50).default([]),
  summary: RecordSummarySchema.optional(),
});

export const HealthBookSchema = z.object({
  administrative: AdministrativeSchema.default({}),
  history: z
    .object({
      allergies: z.array(AllergySchema).default([]),
      diseases: z.array(DiseaseSchema).default([]),
      vaccinations: z.array(VaccinationSchema).default([]),
    })
    .default({ allergies: [], diseases: [], vaccinations: [] }),
  visits: z.array(VisitSchema).default([]),
  /** Where the data came from and when it was synchronised (domain §8.6 H4: data may lag 24 h). */
  sources: z.array(z.object({ facility: z.string().max(200), syncedAt: LocalDateTime })).default([]),
});

export type HealthBook = z.infer<typeof HealthBookSchema>;
export type Visit = z.infer<typeof VisitSchema>;

export const HEALTH_SCOPES = ['summary', 'vaccinations', 'visit', 'all'] as const;
export const HealthScopeSchema = z
  .object({
    scope: z.enum(HEALTH_SCOPES),
    visitId: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,40}$/)
      .optional(),
  })
  .refine((s) => s.scope !== 'visit' || s.visitId, {
    message: 'scope "visit" needs a visitId',
    path: ['visitId'],
  });
export type HealthScope = z.infer<typeof HealthScopeSchema>;

export type HealthErrorCode =
  | 'HOSO_ERR_HEALTH_UNAVAILABLE'
  | 'HOSO_ERR_HEALTH_REJECTED'
  | 'HOSO_ERR_HEALTH_BAD_ANSWER'
  | 'HOSO_ERR_HEALTH_VISIT_NOT_FOUND';

export class HealthRecordsError extends Error {
  readonly messageKey: string;
  constructor(
    readonly code: HealthErrorCode,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = 'HealthRecordsError';
    this.messageKey = `requests:errors.${code}`;
  }
}

/** The health-records system as Hoso sees it: the embedded fictional books or an HTTP API. */
export interface HealthRecords {
  /**
   * The part of the person's book the scope asks for, extra-sensitive categories removed; undefined when the
   * person has no book.
   */
  getBook(citizenId: string, scope: HealthScope): Promise<HealthBook | undefined>;
  /** The visits a citizen can pick one from (newest first), extra-sensitive ones left out. */
  listVisits(citizenId: string): Promise<VisitChoice[]>;
}

export const VisitChoiceSchema = z.object({
  id: VisitSchema.shape.id,
  facility: z.string().max(200),
  admittedAt: LocalDateTime,
  type: VisitSchema.shape.type,
});
export type VisitChoice = z.infer<typeof VisitChoiceSchema>;

/** A visit as offered in a picker: where and when, not why. */
export function visitChoices(book: HealthBook): VisitChoice[] {
  return [...book.visits]
    .sort((a, b) => b.admittedAt.localeCompare(a.admittedAt))
    .map((v) => ({ id: v.id, facility: v.facility, admittedAt: v.admittedAt, type: v.type }));
}
