import { z } from 'zod';
import { CURRENT_UNIT_NAMES } from '../../identity/provinces.ts';

/**
 * A person as the National Population Database would answer for them: what linking, eligibility and the
 * Form 2 extract need, nothing more (data minimisation, shared/domain/vietnam.md §7.5).
 */

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');

/**
 * The 12-digit personal identification number. Foreign residents are keyed by the same 12-digit shape: the
 * embedded registry gives them numbers in the fictional range 900xxxxxxxxx (not a province code), standing for
 * the electronic identification number Decree 69/2024 issues to foreigners — its real format is [UNCERTAIN].
 * Their passport and residence card are carried beside it.
 */
export const PersonalIdSchema = z.string().regex(/^\d{12}$/, 'a 12-digit personal identification number');

export const ResidenceCardSchema = z.object({
  number: z.string().min(1),
  /** thẻ thường trú (permanent) or thẻ tạm trú (temporary) */
  kind: z.enum(['permanent', 'temporary']),
  validUntil: IsoDate,
});

export const PassportSchema = z.object({
  number: z.string().min(1),
  /** issuing country, ISO 3166 alpha-2 */
  country: z.string().regex(/^[A-Z]{2}$/),
});

export const CitizenSchema = z.object({
  id: PersonalIdSchema,
  fullName: z.string().min(1),
  gender: z.enum(['male', 'female']),
  dateOfBirth: IsoDate,
  /** The 63-table code where the birth was registered; null for people born and registered abroad. */
  placeOfBirthProvinceCode: z
    .string()
    .regex(/^\d{3}$/)
    .nullable(),
  /** ISO 3166 alpha-2 */
  nationality: z.string().regex(/^[A-Z]{2}$/),
  /** The current (post-2025, 34-unit) provincial unit of residence. */
  residenceProvince: z.enum(CURRENT_UNIT_NAMES as [string, ...string[]]),
  /** The phone number on record, `0xxxxxxxxx`; children often have none. */
  phone: z
    .string()
    .regex(/^0[35789]\d{8}$/)
    .nullable(),
  /** VNeID account level: 0 none, 1 basic, 2 verified in person (Decree 69/2024, §2.2). */
  vneidLevel: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  parentIds: z.array(PersonalIdSchema),
  childIds: z.array(PersonalIdSchema),
  isForeignResident: z.boolean(),
  passport: PassportSchema.nullable(),
  residenceCard: ResidenceCardSchema.nullable(),
  /** Printed on a Form 2 extract (Law 28/2009 Art. 43, §1.2). */
  fatherName: z.string().nullable(),
  motherName: z.string().nullable(),
  spouseName: z.string().nullable(),
});

export type Citizen = z.infer<typeof CitizenSchema>;
