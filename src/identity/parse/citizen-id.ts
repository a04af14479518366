import { birthProvinceByCode } from '../provinces.ts';
import { vietnamToday } from './date.ts';
import {
  fail,
  listStrayCharacters,
  numberInSentence,
  type ParseResult,
  type ParseWarning,
  succeed,
  warning,
} from './result.ts';

/**
 * The 12-digit personal identification number `PPP G YY RRRRRR` (Decree 137/2015/NĐ-CP Art. 13, Circular
 * 07/2016/TT-BCA Art. 7; shared/domain/vietnam.md §3.1). No check digit exists, so none is validated.
 */
export interface CitizenId {
  id: string;
  /** Where the birth was registered (or a country code for births registered abroad). */
  provinceCode: string;
  provinceName: string | null;
  gender: 'male' | 'female';
  /** The century the G digit names, e.g. 1900–1999 for G = 0 or 1. */
  birthYearFrom: number;
  birthYearTo: number;
  /** The two birth-year digits; the birth year is `birthYearFrom + birthYY`. */
  birthYY: number;
  birthYear: number;
}

export interface CitizenIdContext {
  /** A date of birth the user also gave (`YYYY-MM-DD`): a disagreement is a warning, never a refusal. */
  dateOfBirth?: string;
  gender?: 'male' | 'female';
  /** Today in Vietnam (`YYYY-MM-DD`); defaults to the clock. */
  today?: string;
}

/** Old identity cards (CMND) had 9 digits; they expired on 31 Dec 2024 (Law on Identity 2023, §3.4). */
const CMND_DIGITS = 9;
const ID_DIGITS = 12;

/** Spaces, dots and dashes people type to group digits: "001 099 012 345", "001.099.012.345". */
const GROUPING = /[\s.\-_]/gu;

export function parseCitizenId(input: string, context: CitizenIdContext = {}): ParseResult<CitizenId> {
  // NFKC turns full-width digits typed on some phone keyboards into ASCII digits.
  // A sentence around the number ("cccd của tôi là 0011…") is fine: the number is taken out of it.
  const compact = (numberInSentence(input, CMND_DIGITS) ?? input).normalize('NFKC').replace(GROUPING, '');
  if (compact === '') return fail('HOSO_ERR_CCCD_EMPTY');
  if (!/^\d+$/.test(compact)) {
    return fail('HOSO_ERR_CCCD_NOT_DIGITS', { characters: listStrayCharacters(compact, /\d/) });
  }
  if (compact.length === CMND_DIGITS) return fail('HOSO_ERR_CCCD_IS_OLD_CMND', { count: CMND_DIGITS });
  if (compact.length !== ID_DIGITS) {
    return fail('HOSO_ERR_CCCD_LENGTH', { expected: ID_DIGITS, count: compact.length });
  }

  const provinceCode = compact.slice(0, 3);
  const g = Number(compact[3]);
  const birthYY = Number(compact.slice(4, 6));
  // G = 0/1 → 1900s, 2/3 → 2000s, … up to 8/9 → 2300s; even is male, odd is female (§3.1).
  const birthYearFrom = 1900 + Math.floor(g / 2) * 100;
  const province = birthProvinceByCode(provinceCode);
  const value: CitizenId = {
    id: compact,
    provinceCode,
    provinceName: province?.name ?? null,
    gender: g % 2 === 0 ? 'male' : 'female',
    birthYearFrom,
    birthYearTo: birthYearFrom + 99,
    birthYY,
    birthYear: birthYearFrom + birthYY,
  };

  const warnings: ParseWarning[] = [];
  // Country codes and re-established numbers exist, so an unknown code never blocks (§8.5 L2).
  if (!province) warnings.push(warning('HOSO_WARN_CCCD_UNKNOWN_PROVINCE', { code: provinceCode }));
  // Numbers can be re-established after a corrected birth year or gender, so these only warn (§8.5 L3).
  const thisYear = Number((context.today ?? vietnamToday()).slice(0, 4));
  if (value.birthYear > thisYear) {
    warnings.push(warning('HOSO_WARN_CCCD_BIRTH_YEAR_IN_FUTURE', { idYear: value.birthYear, digit: g }));
  }
  const dobYear = context.dateOfBirth ? Number(context.dateOfBirth.slice(0, 4)) : undefined;
  if (dobYear !== undefined && Number.isInteger(dobYear) && dobYear !== value.birthYear) {
    warnings.push(
      warning('HOSO_WARN_CCCD_BIRTH_YEAR_MISMATCH', { idYear: value.birthYear, dateOfBirthYear: dobYear }),
    );
  }
  if (context.gender && context.gender !== value.gender) {
    warnings.push(warning('HOSO_WARN_CCCD_GENDER_MISMATCH', { idGender: value.gender }));
  }
  return succeed(value, warnings);
}
