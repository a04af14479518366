import { fail, listStrayCharacters, type ParseResult, succeed } from './result.ts';

/**
 * Vietnamese mobile numbers: ten digits starting with 0 and a mobile prefix 03, 05, 07, 08 or 09, or the
 * same number after +84 / 84 / 0084 without the 0 (shared/domain/vietnam.md §6; [UNCERTAIN] as a rule, so the
 * prefixes are data here).
 */
export interface VietnamesePhone {
  /** `0xxxxxxxxx`, the form stored and compared. */
  national: string;
  /** `+84xxxxxxxxx` */
  e164: string;
}

export const MOBILE_PREFIXES: readonly string[] = ['03', '05', '07', '08', '09'];
const NATIONAL_DIGITS = 10;

/** Grouping people type: spaces, dots, dashes, brackets ("(+84) 912-345-678"). */
const GROUPING = /[\s.\-()]/gu;

export function parsePhone(input: string): ParseResult<VietnamesePhone> {
  const compact = input.normalize('NFKC').replace(GROUPING, '');
  if (compact === '') return fail('HOSO_ERR_PHONE_EMPTY');
  if (!/^\+?\d+$/.test(compact)) {
    return fail('HOSO_ERR_PHONE_NOT_DIGITS', { characters: listStrayCharacters(compact, /[\d+]/) });
  }

  let national: string;
  const international = /^(?:\+|00)84(\d*)$/.exec(compact) ?? /^84(\d{9,10})$/.exec(compact);
  if (international) {
    const rest = international[1]!;
    // "+84 0912…" keeps the trunk 0 by mistake; drop it rather than refuse.
    national = rest.startsWith('0') ? rest : `0${rest}`;
  } else if (compact.startsWith('+')) {
    return fail('HOSO_ERR_PHONE_FOREIGN', { prefix: compact.slice(0, 4) });
  } else {
    national = compact;
  }

  if (!national.startsWith('0')) return fail('HOSO_ERR_PHONE_NO_LEADING_ZERO', { count: national.length });
  // Eleven-digit mobile numbers (01x…) were converted to ten digits in 2018.
  if (national.length === 11 && national.startsWith('01')) return fail('HOSO_ERR_PHONE_OLD_ELEVEN_DIGITS');
  // Landlines (02x, eleven digits) cannot receive a text message.
  if (national.startsWith('02')) return fail('HOSO_ERR_PHONE_LANDLINE', { prefix: national.slice(0, 3) });
  if (national.length < NATIONAL_DIGITS) {
    return fail('HOSO_ERR_PHONE_TOO_SHORT', { expected: NATIONAL_DIGITS, count: national.length });
  }
  if (national.length > NATIONAL_DIGITS) {
    return fail('HOSO_ERR_PHONE_TOO_LONG', { expected: NATIONAL_DIGITS, count: national.length });
  }
  const prefix = national.slice(0, 2);
  if (!MOBILE_PREFIXES.includes(prefix)) {
    return fail('HOSO_ERR_PHONE_NOT_MOBILE', { prefix, prefixes: MOBILE_PREFIXES.join(', ') });
  }
  return succeed({ national, e164: `+84${national.slice(1)}` });
}
