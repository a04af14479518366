import type { Entities } from './schema.ts';

/** Entities read from their written shape rather than from words. */
export type PatternEntities = Pick<Entities, 'cccd' | 'date' | 'phone' | 'request_id'>;

/** Words left in place of what was extracted, so that patterns can refer to them ("tra cứu" + a request id). */
export const PLACEHOLDERS = {
  request_id: 'entreqid',
  date: 'entdate',
  cccd: 'entcccd',
  phone: 'entphone',
} as const;

const REQUEST_ID = /(?<![a-z0-9])(lltp|skdt)[ -]?(\d{4})[ -]?(\d{6})(?!\d)/g;
const ISO_DATE = /(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)/g;
const DAY_FIRST_DATE = /(?<!\d)(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?!\d)/g;
const WORDED_DATE = /(?:ngay\s+)?(?<!\d)(\d{1,2})\s+thang\s+(\d{1,2})\s*,?\s+nam\s+(\d{4})(?!\d)/g;
// 12 digits, possibly grouped with single spaces, dots or dashes ("079 084 000 123").
const CCCD = /(?<!\d)\d(?:[ .-]?\d){11}(?!\d)/g;
// Mobile: 0 or +84 / 84, then a 3/5/7/8/9 prefix and 8 more digits, possibly grouped.
const PHONE = /(?<![\d+])(?:\(?\+84\)?|84|0)[ .-]?[35789](?:[ .-]?\d){8}(?!\d)/g;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `YYYY-MM-DD` when the day exists in the calendar (day first, as Vietnamese writes it), else undefined. */
export function calendarDate(year: number, month: number, day: number): string | undefined {
  if (year < 1900 || year > 2100 || month < 1 || month > 12 || day < 1) return undefined;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return undefined;
  return `${year}-${pad2(month)}-${pad2(day)}`;
}

/** `0xxxxxxxxx` from any accepted way of writing a Vietnamese mobile number. */
export function normalisePhone(written: string): string {
  const digits = written.replace(/\D/g, '');
  return digits.startsWith('84') && digits.length === 11 ? `0${digits.slice(2)}` : digits;
}

/**
 * Finds request ids, dates, citizen ID numbers and phone numbers in folded text (no diacritics, lower case,
 * punctuation kept) and replaces each by its placeholder word. The first occurrence of each kind is kept.
 */
export function extractPatternEntities(folded: string): { entities: PatternEntities; masked: string } {
  const entities: PatternEntities = {};
  // Every entity read here contains digits; most messages have none.
  if (!/\d/.test(folded)) return { entities, masked: folded };
  let text = folded;

  text = text.replace(REQUEST_ID, (_m, kind: string, year: string, serial: string) => {
    entities.request_id ??= `${kind.toUpperCase()}-${year}-${serial}`;
    return ` ${PLACEHOLDERS.request_id} `;
  });

  const keepDate = (whole: string, iso: string | undefined): string => {
    if (!iso) return whole;
    entities.date ??= iso;
    return ` ${PLACEHOLDERS.date} `;
  };
  text = text.replace(ISO_DATE, (m, y: string, mo: string, d: string) =>
    keepDate(m, calendarDate(+y, +mo, +d)),
  );
  text = text.replace(DAY_FIRST_DATE, (m, d: string, _sep: string, mo: string, y: string) =>
    keepDate(m, calendarDate(+y, +mo, +d)),
  );
  text = text.replace(WORDED_DATE, (m, d: string, mo: string, y: string) =>
    keepDate(m, calendarDate(+y, +mo, +d)),
  );

  text = text.replace(CCCD, (m) => {
    entities.cccd ??= m.replace(/\D/g, '');
    return ` ${PLACEHOLDERS.cccd} `;
  });
  text = text.replace(PHONE, (m) => {
    entities.phone ??= normalisePhone(m);
    return ` ${PLACEHOLDERS.phone} `;
  });

  return { entities, masked: text };
}
