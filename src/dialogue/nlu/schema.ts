import { z } from 'zod';

/** The intent names of contracts §2; `hoso nlu` prints exactly these. */
export const IntentSchema = z.enum([
  'greeting',
  'help',
  'link_identity',
  'criminal_record',
  'health_record',
  'request_status',
  'fees_info',
  'documents_info',
  'processing_time_info',
  'talk_to_staff',
  'change_language',
  'privacy_export',
  'privacy_delete',
  'cancel',
  'thanks',
  'unknown',
]);
export type Intent = z.infer<typeof IntentSchema>;

export const ServiceSchema = z.enum(['lltp', 'health_record']);
export type Service = z.infer<typeof ServiceSchema>;

export const LangSchema = z.enum(['vi', 'en']);

export const EntitiesSchema = z.object({
  service: ServiceSchema.optional(),
  form: z.union([z.literal(1), z.literal(2)]).optional(),
  /** Citizen ID number, 12 digits without separators. */
  cccd: z
    .string()
    .regex(/^\d{12}$/)
    .optional(),
  /** A real calendar date, ISO `YYYY-MM-DD`. */
  date: z.iso.date().optional(),
  /** Mobile number normalised to `0xxxxxxxxx`. */
  phone: z
    .string()
    .regex(/^0[35789]\d{8}$/)
    .optional(),
  /** `LLTP-YYYY-NNNNNN` or `SKDT-YYYY-NNNNNN`, upper case. */
  request_id: z
    .string()
    .regex(/^(LLTP|SKDT)-\d{4}-\d{6}$/)
    .optional(),
  /** The language asked for by `change_language`, when the message names one. */
  lang: LangSchema.optional(),
});
export type Entities = z.infer<typeof EntitiesSchema>;

export const UnderstandingSchema = z.object({
  intent: IntentSchema,
  /** How sure the reading is; for `unknown`, how sure it is that the message asks for nothing known. */
  confidence: z.number().min(0).max(1),
  entities: EntitiesSchema,
  /** Set when the message shows frustration (contract extension); the dialogue may offer a human. */
  frustrated: z.boolean().optional(),
});
export type Understanding = z.infer<typeof UnderstandingSchema>;
