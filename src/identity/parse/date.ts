import { fail, type ParseResult, succeed } from './result.ts';

/**
 * Vietnamese dates are written day first: "02/10/2024", "2-10-2024", "2.10.2024", "ngày 2 tháng 10 năm 2024"
 * (shared/domain/vietnam.md §6). The US month-first order is never guessed, and two-digit years are refused:
 * "02/10/24" could be 1924 or 2024.
 */
export interface VietnameseDate {
  /** `YYYY-MM-DD` */
  iso: string;
  day: number;
  month: number;
  year: number;
}

export interface DateOptions {
  /** Today in Vietnam, `YYYY-MM-DD` or an instant; defaults to the clock. */
  today?: string | Date;
  /** A date of birth (the default): refuse future dates and years before 1900. */
  birth?: boolean;
}

/** Vietnam has kept UTC+7 without daylight saving since 1975. */
const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;
const EARLIEST_BIRTH_YEAR = 1900;

export function vietnamToday(now: Date = new Date()): string {
  return new Date(now.getTime() + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
}

/** Lower case without tone or vowel marks, đ → d: "Ngày 2 Tháng 10" → "ngay 2 thang 10". */
function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase();
}

const DATE_WORDS = /^(?:sinh\s+)?(?:ngay\s*)?/;

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

export function formatVietnameseDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH = '(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\\.?';
const monthOf = (name: string) => MONTH_NAMES.indexOf(name) + 1;

/** English month names, day first ("2 Nov 1985", "2nd of November, 1985") or month first ("November 2, 1985"). */
function englishMonths(text: string): string {
  return text
    .replace(
      new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH},?\\s+(\\d{2,4})\\b`, 'g'),
      (_, d: string, m: string, y: string) => `${d}/${monthOf(m)}/${y}`,
    )
    .replace(
      new RegExp(`\\b${MONTH}\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{2,4})\\b`, 'g'),
      (_, m: string, d: string, y: string) => `${d}/${monthOf(m)}/${y}`,
    );
}

/** The one date a sentence carries ("ngay sinh cua toi la 14/5/1990", "i was born on 2/11/1985"). */
function dateInSentence(text: string): string | undefined {
  const found = [
    ...text.matchAll(
      /(?:^|\s)((?:ngay\s*)?\d{1,4}\s*(?:[/.-]|\s*thang\s*)\s*\d{1,2}\s*(?:[/.-]|,?\s*nam\s*)\s*\d{2,4})(?=$|[\s.,!?])/g,
    ),
  ];
  return found.length === 1 ? found[0]?.[1] : undefined;
}

export function parseVietnameseDate(input: string, options: DateOptions = {}): ParseResult<VietnameseDate> {
  const folded = englishMonths(fold(input.normalize('NFKC')).trim().replace(/\s+/g, ' '));
  const text = dateInSentence(folded) ?? folded;
  if (text === '') return fail('HOSO_ERR_DATE_EMPTY');

  // "ngày 2 tháng 10 năm 2024" becomes "2 / 10 / 2024"; commas people add after the month are separators too.
  const numeric = text
    .replace(DATE_WORDS, '')
    .replace(/\s*(?:thang|nam|,)\s*/g, '/')
    .replace(/^\/+/, '');
  const groups = numeric.split(/\s*[/.\-\s]\s*/).filter((g) => g !== '');
  if (groups.length === 0 || groups.some((g) => !/^\d+$/.test(g))) return fail('HOSO_ERR_DATE_FORMAT');
  if (groups.length === 2 && groups.every((g) => g.length <= 2)) return fail('HOSO_ERR_DATE_NO_YEAR');
  if (groups.length !== 3) return fail('HOSO_ERR_DATE_FORMAT');

  const [a, b, c] = groups as [string, string, string];
  let day: number;
  let month: number;
  let yearText: string;
  if (a.length === 4) {
    // ISO order (2024-10-02) is unambiguous because the year comes first.
    [yearText, month, day] = [a, Number(b), Number(c)];
  } else {
    if (a.length > 2 || b.length > 2) return fail('HOSO_ERR_DATE_FORMAT');
    [day, month, yearText] = [Number(a), Number(b), c];
  }
  const today = typeof options.today === 'string' ? options.today : vietnamToday(options.today);
  if (yearText.length === 2) {
    // The example shows the likelier century (20yy if that is not in the future) without assuming it.
    const recent = 2000 + Number(yearText);
    const example = `${pad(day)}/${pad(month)}/${recent <= Number(today.slice(0, 4)) ? recent : recent - 100}`;
    return fail('HOSO_ERR_DATE_TWO_DIGIT_YEAR', { yy: yearText, example });
  }
  if (yearText.length !== 4) return fail('HOSO_ERR_DATE_YEAR_FORMAT', { year: yearText });
  const year = Number(yearText);

  if (month < 1 || month > 12) {
    // 10/25/1990 is a US-order date: say so instead of only "month 25 does not exist".
    if (month > 12 && day >= 1 && day <= 12) {
      return fail('HOSO_ERR_DATE_MONTH_FIRST', {
        day,
        month,
        year,
        suggestion: `${pad(month)}/${pad(day)}/${year}`,
      });
    }
    return fail('HOSO_ERR_DATE_MONTH_RANGE', { month });
  }
  const maxDay = daysInMonth(year, month);
  if (day < 1 || day > maxDay) return fail('HOSO_ERR_DATE_DAY_RANGE', { day, month, year, maxDay });

  const iso = `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
  if (options.birth ?? true) {
    if (year < EARLIEST_BIRTH_YEAR)
      return fail('HOSO_ERR_DATE_TOO_OLD', { year, earliest: EARLIEST_BIRTH_YEAR });
    if (iso > today) {
      return fail('HOSO_ERR_DATE_IN_FUTURE', {
        date: formatVietnameseDate(iso),
        today: formatVietnameseDate(today),
      });
    }
  }
  return succeed({ iso, day, month, year });
}
