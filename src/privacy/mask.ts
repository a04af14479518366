import { normalizeName } from '../identity/parse/name.ts';
import { parsePhone } from '../identity/parse/phone.ts';

/**
 * Masked forms of personal data for logs, staff screens and confirmations ("we sent a code to 091*****78").
 * ID and phone numbers are basic personal data under Decree 13/2023 and Law 91/2025 (shared/domain/vietnam.md
 * §5): never in clear in logs.
 */

const MASK = '*';

/** Keeps `keepStart` leading and `keepEnd` trailing characters; never reveals more than half of a short value. */
function maskMiddle(value: string, keepStart: number, keepEnd: number): string {
  if (value.length <= keepStart + keepEnd || keepStart + keepEnd > value.length / 2) {
    const end = Math.min(keepEnd, Math.floor(value.length / 4));
    return MASK.repeat(value.length - end) + value.slice(value.length - end);
  }
  return value.slice(0, keepStart) + MASK.repeat(value.length - keepStart - keepEnd) + value.slice(-keepEnd);
}

/** `001099012345` → `001*******45`: the birth-registration code and two last digits stay readable. */
export function maskCitizenId(id: string): string {
  return maskMiddle(id.replace(/[\s._-]/g, ''), 3, 2);
}

/** `0912345678`, `+84 912 345 678` → `091*****78`. */
export function maskPhone(phone: string): string {
  const parsed = parsePhone(phone);
  const digits = parsed.ok ? parsed.value.national : phone.replace(/\D/g, '');
  return maskMiddle(digits, 3, 2);
}

/** `Nguyễn Thị Minh Thư` → `N. T. M. Thư`: initials, then the given name (the last word). */
export function maskName(fullName: string): string {
  const words = normalizeName(fullName).split(' ').filter(Boolean);
  if (words.length <= 1) return words[0] ?? '';
  return [...words.slice(0, -1).map((w) => `${[...w][0]}.`), words.at(-1)].join(' ');
}

/**
 * Between two digits of a number as people type it: nothing, a space, or a dot, hyphen or underscore with
 * spaces around it or not ("001-190-012-345", "001 190 012 345", "001 - 190 - 012 - 345", "001_190_012_345").
 */
const GAP = String.raw`(?:[ \t]*[._-][ \t]*|[ \t])?`;

/** Twelve digits, however grouped. */
const TWELVE_DIGITS = new RegExp(String.raw`(?<!\d)\d(?:${GAP}\d){11}(?!\d)`, 'g');

/**
 * Vietnamese mobile numbers in any usual form: 0912345678, 0912 345 678, 0912.345.678, +84 912-345-678,
 * (+84) 912 345 678, +84 (0) 912 345 678, 0084912345678, 84912345678.
 */
const MOBILE = new RegExp(
  String.raw`(?<![\d+])(?:\(?(?:\+|00)84\)?[ .-]?(?:\(0\)[ .-]?)?|84[ .-]?|0)[35789](?:${GAP}\d){8}(?!\d)`,
  'g',
);

/** A 9-digit CMND number counts only next to words that name an identity document. */
const CMND_IN_CONTEXT =
  /((?:cmnd|cmt|cccd|căn cước|can cuoc|chứng minh|chung minh|định danh|dinh danh|\bid\b)[^\d\n]{0,24}?)(?<!\d)(\d{9})(?!\d)/giu;

/**
 * A whole date with its year: 15/03/1990, 15-3-1990, 15.03.1990, 03/15/1990 (day and month either way round),
 * 1990-03-15 (not an ISO timestamp's).
 */
const DMY = /(?<![\d/.-])\d{1,2}\s?([/.-])\s?\d{1,2}\s?\1\s?((?:19|20)\d{2})(?![\d/.-])/g;
const YMD = /(?<![\d/.-])((?:19|20)\d{2})-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?![\dT:/.-])/g;
/** "ngày 15 tháng 3 năm 1990". */
const WORDS_DATE = /ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+((?:19|20)\d{2})/giu;

/** Words that say a date of birth follows ("sinh ngày", "ngày sinh", "NS:", "DOB", "born"). */
const BIRTH_WORD = /(?:sinh|\bns\b|dob|born|birth)[^\d\n]{0,20}$/iu;

/**
 * After a birth word, any day and month, with or without the year: "sinh 15 03 1990", "ngày sinh: 15/03/90",
 * "sinh ngày 15 tháng 03, 1990", "ngày sinh 15/3". Keeps a four-digit year, as the other forms do.
 */
const BIRTH_DATE =
  /((?:sinh|\bns\b|dob|born|birth)[^\d\n]{0,20}?)(?<!\d)\d{1,2}(?:\s*[/.-]\s*|\s+(?:tháng|thang)?\s*)\d{1,2}(?:(?:\s*[/.,-]\s*|\s+(?:năm|nam)?\s*)(\d{4}|\d{2}))?(?!\d)/giu;

/**
 * Dates of birth are personal data, but free text cannot always tell one from a filing date or an appointment.
 * A whole date right after a birth word keeps only its year; so does any whole date more than five years
 * back (dates a conversation plans or files are recent, most birth dates are not).
 */
function scrubPastDates(text: string): string {
  const recent = new Date().getFullYear() - 5;
  const mask = (m: string, year: string, offset: number, whole: string) =>
    Number(year) < recent || BIRTH_WORD.test(whole.slice(Math.max(0, offset - 24), offset))
      ? `**/**/${year}`
      : m;
  return text
    .replace(BIRTH_DATE, (_m, context: string, year: string | undefined) =>
      year?.length === 4 ? `${context}**/**/${year}` : `${context}**/**${year ? '/**' : ''}`,
    )
    .replace(DMY, (m, _sep: string, year: string, offset: number, whole: string) =>
      mask(m, year, offset, whole),
    )
    .replace(YMD, (m, year: string, offset: number, whole: string) => mask(m, year, offset, whole))
    .replace(WORDS_DATE, (m, year: string, offset: number, whole: string) => mask(m, year, offset, whole));
}

/** A UUID (a turn id, a ticket id): its hex groups can hold twelve digits joined by hyphens, but no person. */
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

function insideIdentifier(text: string, offset: number, length: number): boolean {
  for (const u of text.matchAll(UUID)) {
    const start = u.index ?? 0;
    if (offset >= start && offset + length <= start + u[0].length) return true;
  }
  return false;
}

/** Full-width digits and punctuation, superscript and subscript digits, circled digits, mathematical digits. */
const COMPATIBILITY_DIGIT =
  /[\uFF0B-\uFF19\uFF3F\u2070-\u2079\u2080-\u2089\u2460-\u249B\u24EA-\u24FF\u2776-\u2793\u{1D7CE}-\u{1D7FF}]/u;

/**
 * Replaces personal data in free text with its masked forms: 12-digit ID numbers however grouped, Vietnamese
 * mobile numbers, 9-digit CMND numbers written next to an ID word, whole dates of past years and any date
 * written after a birth word (dates of birth). Used by the log redaction, transcripts, tickets and dead letters.
 */
export function scrubPersonalData(input: string): string {
  // Digits typed on a Japanese or Chinese keyboard (full-width １２３), circled or styled digits read as the
  // same number to a person and to our parsers (which fold them with NFKC), so they are masked the same way.
  const text = COMPATIBILITY_DIGIT.test(input) ? input.normalize('NFKC') : input;
  const dated = /(?:19|20)\d{2}|sinh|\bns\b|dob|born|birth/i.test(text) ? scrubPastDates(text) : text;
  // The log hot path: most lines hold no run of nine digits at all.
  if (!/\d{9}/.test(dated.replace(/[\s.+()_-]/g, ''))) return dated;
  return dated
    .replace(TWELVE_DIGITS, (m, offset: number, whole: string) =>
      insideIdentifier(whole, offset, m.length) ? m : maskCitizenId(m),
    )
    .replace(MOBILE, (m, offset: number, whole: string) =>
      insideIdentifier(whole, offset, m.length) ? m : maskPhone(m),
    )
    .replace(CMND_IN_CONTEXT, (_m, context: string, digits: string) => context + maskMiddle(digits, 0, 2));
}
