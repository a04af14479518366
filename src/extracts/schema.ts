import { z } from 'zod';

/**
 * Input of an extract: exactly what is printed. Every string is trimmed and NFC-normalised here, so the layout
 * and the content hash never see decomposed Vietnamese. Types are inferred from these schemas.
 */

const text = (max = 300) =>
  z
    .string()
    .transform((s) => s.normalize('NFC').replace(/\s+/g, ' ').trim())
    .pipe(z.string().min(1).max(max));

/** Multi-line free text (paragraph breaks kept). */
const longText = (max = 4000) =>
  z
    .string()
    .transform((s) =>
      s
        .normalize('NFC')
        .split(/\r?\n/)
        .map((l) => l.replace(/\s+/g, ' ').trim())
        .join('\n')
        .trim(),
    )
    .pipe(z.string().min(1).max(max));

function isCalendarDate(s: string): boolean {
  const [y, m = 1, d = 1] = s.split('-').map(Number) as [number, number?, number?];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

export const IsoDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
  .refine(isCalendarDate, 'not a calendar date');

/** A birth date may be known only to the year or month (YYYY, YYYY-MM, YYYY-MM-DD). */
export const PartialDateSchema = z
  .string()
  .regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'expected YYYY, YYYY-MM or YYYY-MM-DD')
  .refine(isCalendarDate, 'not a calendar date');

/** Date, optionally with a time of day in Vietnam time: YYYY-MM-DD or YYYY-MM-DDTHH:mm. */
export const LocalDateTimeSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2})?$/, 'expected YYYY-MM-DD or YYYY-MM-DDTHH:mm')
  .refine((s) => isCalendarDate(s.slice(0, 10)), 'not a calendar date');

export const IdDocumentSchema = z.object({
  kind: z.enum(['cccd', 'cmnd', 'passport']),
  /** As printed: the full number, or a masked one such as 001******789. */
  number: z.string().regex(/^[0-9A-Z*]{6,20}$/, 'digits, capital letters or * only'),
  issuedOn: IsoDateSchema.optional(),
  issuedBy: text(200).optional(),
});

export const SubjectSchema = z.object({
  fullName: text(100),
  gender: z.enum(['male', 'female']),
  dateOfBirth: PartialDateSchema,
  placeOfBirth: text(200),
  /** As printed, e.g. "Việt Nam". */
  nationality: text(60),
  /** Nơi cư trú: permanent residence, else temporary residence. */
  residence: text(300),
  idDocument: IdDocumentSchema,
});

export const AuthoritySchema = z.object({
  /** The issuing body as in force on the issue date (from the rules), e.g. "CÔNG AN THÀNH PHỐ HÀ NỘI". */
  name: text(120),
  /** Its parent body, printed above it, e.g. "BỘ CÔNG AN". */
  parent: text(120).optional(),
});

export const SignerBlockSchema = z.object({
  /** Title lines, e.g. ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]. */
  title: z.array(text(80)).min(1).max(3),
  name: text(80),
});

const commonFields = {
  /** Registry id of the issued document; appears in the QR link. */
  documentId: z.string().regex(/^[A-Z0-9][A-Z0-9-]{5,40}$/, 'capital letters, digits and dashes'),
  /** Số, ký hiệu printed under the authority, e.g. "1234/LLTP-CAHN"; defaults to the document id. */
  documentNumber: text(60).optional(),
  /** Mã hồ sơ: the request this extract answers. */
  requestCode: z.string().regex(/^[A-Za-z0-9._-]{3,40}$/),
  issueDate: IsoDateSchema,
  issuePlace: text(60),
  authority: AuthoritySchema,
  signer: SignerBlockSchema.optional(),
  subject: SubjectSchema,
};

// ---- Criminal record extract (Phiếu lý lịch tư pháp), Law 28/2009/QH12 Art. 42–43 ----

export const ConvictionSchema = z.object({
  judgment: z.object({
    /** Bản án số, e.g. "125/2015/HS-ST". */
    number: text(60),
    date: IsoDateSchema,
    court: text(200),
  }),
  /** Tội danh. */
  offences: z.array(text(300)).min(1).max(10),
  /** Điều, khoản, điểm of the Criminal Code applied. */
  articles: text(300),
  mainPenalty: text(300),
  additionalPenalties: z.array(text(300)).max(10).default([]),
  /** Nghĩa vụ dân sự trong bản án hình sự. */
  civilObligations: text(300).optional(),
  courtFee: text(200).optional(),
  /** Tình trạng thi hành án. */
  executionStatus: text(300),
  /** Set when the conviction has been expunged (xóa án tích): Form 1 never shows it, Form 2 notes it. */
  expunged: z.object({ on: IsoDateSchema, basis: text(300).optional() }).optional(),
});

export const ManagementBanSchema = z.object({
  /** Decision declaring bankruptcy and banning the person, with its court and date. */
  decision: text(300),
  /** The posts or roles banned. */
  scope: text(300),
  duration: text(120),
});

const RelativeName = text(100).nullable();

export const LltpContentSchema = z.object({
  /** Mục đích sử dụng, as stated by the requester. */
  purpose: text(200).optional(),
  convictions: z.array(ConvictionSchema).max(50).default([]),
  managementBan: z
    .object({
      /** Form 1 shows the ban section only when the requester asked for it (Art. 42(3)); Form 2 always does. */
      requested: z.boolean().default(false),
      bans: z.array(ManagementBanSchema).max(10).default([]),
    })
    .default({ requested: false, bans: [] }),
  /** Form 2 only (Art. 43): full names of father, mother and spouse; null when there is none. */
  relatives: z.object({ father: RelativeName, mother: RelativeName, spouse: RelativeName }).optional(),
});

export const LltpExtractSchema = z
  .object({
    kind: z.literal('lltp'),
    form: z.union([z.literal(1), z.literal(2)]),
    ...commonFields,
    content: LltpContentSchema,
  })
  .superRefine((v, ctx) => {
    if (v.form === 2 && !v.content.relatives) {
      ctx.addIssue({
        code: 'custom',
        path: ['content', 'relatives'],
        message: 'Form 2 prints the parents and spouse',
      });
    }
  });

// ---- Electronic health book extract (Sổ sức khỏe điện tử), Decision 1332/QĐ-BYT groups A–D ----

export const HEALTH_GROUPS = ['administrative', 'history', 'visits', 'summary'] as const;
export const HEALTH_SCOPES = ['summary', 'vaccinations', 'visit', 'all'] as const;

export const AdministrativeSchema = z.object({
  ethnicity: text(40).optional(),
  occupation: text(100).optional(),
  /** Masked before it gets here, e.g. 09******78. */
  phone: z
    .string()
    .regex(/^[0-9*+ ]{6,20}$/)
    .optional(),
  insuranceCard: z
    .object({
      number: z.string().regex(/^[A-Z0-9*]{6,20}$/),
      initialFacility: text(200).optional(),
      validFrom: IsoDateSchema.optional(),
      validTo: IsoDateSchema.optional(),
    })
    .optional(),
  address: text(300).optional(),
  /** Người đại diện / giám hộ / chăm sóc chính (1332 part B fields 12–15). */
  representative: z
    .object({
      name: text(100),
      relationship: text(60),
      idNumber: z
        .string()
        .regex(/^[0-9A-Z*]{6,20}$/)
        .optional(),
      phone: z
        .string()
        .regex(/^[0-9*+ ]{6,20}$/)
        .optional(),
    })
    .optional(),
});

export const AllergySchema = z.object({
  type: text(100),
  allergen: text(200),
  reaction: text(300).optional(),
});
export const DiseaseSchema = z.object({ time: text(60), place: text(200).optional(), diagnosis: text(300) });
export const VaccinationSchema = z.object({
  /** Vaccine or antigen. */
  vaccine: text(200),
  doseNumber: z.number().int().min(1).max(20),
  date: IsoDateSchema,
  place: text(200),
});

export const KeyIndicatorsSchema = z.object({
  bloodGroup: text(10).optional(),
  heightCm: z.number().positive().max(300).optional(),
  weightKg: z.number().positive().max(500).optional(),
});

export const RecordSummarySchema = z.object({
  /** Quá trình bệnh lý và diễn biến lâm sàng. */
  course: longText(),
  /** Tóm tắt kết quả cận lâm sàng có giá trị chẩn đoán. */
  keyResults: longText().optional(),
  /** Phương pháp điều trị. */
  treatment: longText(),
  /** Hướng điều trị tiếp theo, đơn thuốc, lời dặn, hẹn tái khám. */
  followUp: longText().optional(),
  doctor: text(100),
});

export const VisitSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9._-]{1,40}$/),
  facility: text(200),
  admittedAt: LocalDateTimeSchema,
  dischargedAt: LocalDateTimeSchema.optional(),
  type: z.enum(['outpatient', 'inpatient', 'day_care', 'telemedicine']),
  reason: text(300),
  /** ICD-10 codes, the first one being the main disease. */
  icd10: z
    .array(z.string().regex(/^[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$/))
    .min(1)
    .max(20),
  diagnosis: text(500),
  dischargeStatus: text(200).optional(),
  treatmentResult: text(200).optional(),
  indicators: KeyIndicatorsSchema.default({}),
  clinicalResults: z.array(text(500)).max(50).default([]),
  paraclinicalResults: z.array(text(500)).max(50).default([]),
  medicines: z
    .array(
      z.object({
        name: text(200),
        strength: text(60).optional(),
        quantity: text(60).optional(),
        dosage: text(300).optional(),
      }),
    )
    .max(100)
    .default([]),
  procedures: z.array(text(300)).max(50).default([]),
  summary: RecordSummarySchema.optional(),
});

/** The citizen's e-health book as a port returns it (all four groups). */
export const HealthRecordSchema = z.object({
  administrative: AdministrativeSchema.default({}),
  history: z
    .object({
      allergies: z.array(AllergySchema).default([]),
      diseases: z.array(DiseaseSchema).default([]),
      vaccinations: z.array(VaccinationSchema).default([]),
    })
    .default({ allergies: [], diseases: [], vaccinations: [] }),
  visits: z.array(VisitSchema).default([]),
  /** Where the data came from and when it was synchronised (domain §8.6 H4). */
  sources: z.array(z.object({ facility: text(200), syncedAt: LocalDateTimeSchema })).default([]),
});

export const HealthChoiceSchema = z
  .object({
    scope: z.enum(HEALTH_SCOPES),
    groups: z.array(z.enum(HEALTH_GROUPS)).min(1),
    visitId: z.string().optional(),
  })
  .refine((c) => c.scope !== 'visit' || c.visitId, {
    message: 'scope "visit" needs a visitId',
    path: ['visitId'],
  });

/** What a health extract prints: the chosen groups, already cut to the chosen scope (see selectHealthContent). */
export const HealthContentSchema = z.object({
  scope: z.enum(HEALTH_SCOPES),
  groups: z.array(z.enum(HEALTH_GROUPS)).min(1),
  sources: HealthRecordSchema.shape.sources,
  administrative: AdministrativeSchema.optional(),
  history: z
    .object({
      allergies: z.array(AllergySchema).optional(),
      diseases: z.array(DiseaseSchema).optional(),
      vaccinations: z.array(VaccinationSchema).optional(),
    })
    .optional(),
  /** Latest key indicators (blood group, height, weight), flagged as the main tracked indicators. */
  keyIndicators: KeyIndicatorsSchema.extend({ measuredOn: LocalDateTimeSchema.optional() }).optional(),
  visits: z.array(VisitSchema.omit({ summary: true })).optional(),
  summaries: z
    .array(
      RecordSummarySchema.extend({ visitId: z.string(), facility: text(200), date: LocalDateTimeSchema }),
    )
    .optional(),
});

export const HealthExtractSchema = z.object({
  kind: z.literal('health_record'),
  ...commonFields,
  content: HealthContentSchema,
});

export const ExtractInputSchema = z.discriminatedUnion('kind', [LltpExtractSchema, HealthExtractSchema]);

export type Subject = z.infer<typeof SubjectSchema>;
export type Conviction = z.infer<typeof ConvictionSchema>;
export type LltpExtract = z.infer<typeof LltpExtractSchema>;
export type HealthRecord = z.infer<typeof HealthRecordSchema>;
export type HealthChoice = z.infer<typeof HealthChoiceSchema>;
export type HealthContent = z.infer<typeof HealthContentSchema>;
export type HealthExtract = z.infer<typeof HealthExtractSchema>;
export type Visit = z.infer<typeof VisitSchema>;
export type ExtractInput = z.infer<typeof ExtractInputSchema>;
/** What callers pass before parsing (defaults not yet applied). */
export type ExtractInputData = z.input<typeof ExtractInputSchema>;
export type ExtractKind = ExtractInput['kind'];
