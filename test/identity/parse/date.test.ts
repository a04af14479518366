import { describe, expect, it } from 'vitest';
import { parseVietnameseDate, vietnamToday } from '../../../src/identity/parse/date.ts';

const today = '2026-03-15';

function iso(input: string): string | undefined {
  const r = parseVietnameseDate(input, { today });
  return r.ok ? r.value.iso : undefined;
}

function errorOf(input: string, options: Parameters<typeof parseVietnameseDate>[1] = { today }) {
  const r = parseVietnameseDate(input, options);
  return r.ok ? undefined : r.error;
}

describe('parseVietnameseDate', () => {
  it('reads the usual written forms, day first', () => {
    expect(iso('02/10/1990')).toBe('1990-10-02');
    expect(iso('2/10/1990')).toBe('1990-10-02');
    expect(iso('2-10-1990')).toBe('1990-10-02');
    expect(iso('2.10.1990')).toBe('1990-10-02');
    expect(iso(' 02 / 10 / 1990 ')).toBe('1990-10-02');
    expect(iso('1990-10-02')).toBe('1990-10-02');
  });

  it('reads "ngày … tháng … năm …" with and without diacritics', () => {
    expect(iso('ngày 2 tháng 10 năm 1990')).toBe('1990-10-02');
    expect(iso('Ngày 02 Tháng 10 Năm 1990')).toBe('1990-10-02');
    expect(iso('ngay 2 thang 10 nam 1990')).toBe('1990-10-02');
    expect(iso('2 tháng 10 năm 1990')).toBe('1990-10-02');
    expect(iso('sinh ngày 2 tháng 10, 1990')).toBe('1990-10-02');
    // NFD input (decomposed marks) as some keyboards send it
    expect(iso('ngày 2 tháng 10 năm 1990'.normalize('NFD'))).toBe('1990-10-02');
  });

  it('never reads a date in the US month-first order', () => {
    expect(iso('03/04/1990')).toBe('1990-04-03');
  });

  it('explains a month-first date instead of only saying the month does not exist', () => {
    expect(errorOf('10/25/1990')).toMatchObject({
      code: 'HOSO_ERR_DATE_MONTH_FIRST',
      params: { day: 10, month: 25, year: 1990, suggestion: '25/10/1990' },
    });
  });

  it('refuses a two-digit year and says why', () => {
    expect(errorOf('2/10/90')).toMatchObject({
      code: 'HOSO_ERR_DATE_TWO_DIGIT_YEAR',
      params: { yy: '90', example: '02/10/1990' },
    });
    expect(errorOf('2/10/05')?.params).toMatchObject({ example: '02/10/2005' });
  });

  it('refuses 31 February with the number of days that month has', () => {
    expect(errorOf('31/02/2023')).toEqual({
      code: 'HOSO_ERR_DATE_DAY_RANGE',
      key: 'identity:errors.HOSO_ERR_DATE_DAY_RANGE',
      params: { day: 31, month: 2, year: 2023, maxDay: 28 },
    });
  });

  it('knows 29 February exists in leap years only', () => {
    expect(iso('29/02/2024')).toBe('2024-02-29');
    expect(errorOf('29/02/2023')?.params).toMatchObject({ maxDay: 28 });
    expect(iso('29/02/2000')).toBe('2000-02-29');
    expect(errorOf('29/02/1900')?.code).toBe('HOSO_ERR_DATE_DAY_RANGE');
  });

  it('refuses month 13 when it cannot be a swapped day', () => {
    expect(errorOf('31/13/1990')).toMatchObject({ code: 'HOSO_ERR_DATE_MONTH_RANGE', params: { month: 13 } });
    expect(errorOf('00/00/1990')?.code).toBe('HOSO_ERR_DATE_MONTH_RANGE');
  });

  it('refuses day 0', () => {
    expect(errorOf('0/5/1990')?.code).toBe('HOSO_ERR_DATE_DAY_RANGE');
  });

  it('refuses a birth date after today, naming both dates', () => {
    expect(errorOf('16/03/2026')).toMatchObject({
      code: 'HOSO_ERR_DATE_IN_FUTURE',
      params: { date: '16/03/2026', today: '15/03/2026' },
    });
    expect(iso('15/03/2026')).toBe('2026-03-15');
  });

  it('accepts a future date when it is not a date of birth', () => {
    const r = parseVietnameseDate('01/01/2030', { today, birth: false });
    expect(r.ok && r.value.iso).toBe('2030-01-01');
  });

  it('refuses birth years before 1900', () => {
    expect(errorOf('01/01/1899')?.code).toBe('HOSO_ERR_DATE_TOO_OLD');
  });

  it('says when the year is missing or malformed', () => {
    expect(errorOf('02/10')?.code).toBe('HOSO_ERR_DATE_NO_YEAR');
    expect(errorOf('02/10/199')).toMatchObject({
      code: 'HOSO_ERR_DATE_YEAR_FORMAT',
      params: { year: '199' },
    });
    expect(errorOf('')?.code).toBe('HOSO_ERR_DATE_EMPTY');
    expect(errorOf('hôm qua')?.code).toBe('HOSO_ERR_DATE_FORMAT');
    expect(errorOf('2 tháng mười năm 1990')?.code).toBe('HOSO_ERR_DATE_FORMAT');
  });

  it('takes today in Vietnam time, not UTC', () => {
    // 18:30 UTC on 11 March is already 12 March in Hà Nội.
    expect(vietnamToday(new Date('2025-03-11T18:30:00Z'))).toBe('2025-03-12');
    const r = parseVietnameseDate('12/03/2025', { today: new Date('2025-03-11T18:30:00Z') });
    expect(r.ok).toBe(true);
  });
});
