import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import {
  createOfficeHours,
  loadHolidays,
  loadHolidaysFile,
  OfficeHoursError,
  parseOfficeHours,
} from '../../src/support/office-hours.ts';

const holidays = loadHolidays();
const weekdays = createOfficeHours(parseOfficeHours('mon-fri 08:00-17:00'), holidays);
/** A Vietnam wall-clock time as an instant (UTC+7 all year). */
const vn = (local: string) => new Date(`${local}+07:00`);

describe('office hours', () => {
  it('is open on a working day in Vietnam time, closed before and after', () => {
    expect(weekdays.isOpen(vn('2026-11-25T09:00'))).toBe(true);
    expect(weekdays.isOpen(vn('2026-11-25T07:59'))).toBe(false);
    expect(weekdays.isOpen(vn('2026-11-25T17:00'))).toBe(false);
    // 02:00 UTC on Wednesday is 09:00 in Hanoi, whatever the server's zone.
    expect(weekdays.isOpen(new Date('2026-11-25T02:00:00Z'))).toBe(true);
  });

  it('is closed on weekends and on the public holidays of the data file', () => {
    expect(weekdays.isOpen(vn('2026-11-28T10:00'))).toBe(false);
    expect(weekdays.isOpen(vn('2026-04-30T10:00'))).toBe(false);
    expect(weekdays.holidayOn(vn('2026-04-30T10:00'))?.name).toBe('Ngày Chiến thắng (30/4)');
    expect(weekdays.isOpen(vn('2026-09-02T10:00'))).toBe(false);
  });

  it('finds the next opening across a weekend, Tết and the 30/4–1/5 holidays', () => {
    expect(weekdays.nextOpening(vn('2026-11-27T18:00'))).toEqual(vn('2026-11-30T08:00'));
    expect(weekdays.nextOpening(vn('2026-02-13T17:30'))).toEqual(vn('2026-02-23T08:00'));
    expect(weekdays.nextOpening(vn('2026-04-29T17:00'))).toEqual(vn('2026-05-04T08:00'));
    expect(weekdays.nextOpening(vn('2026-11-25T09:30'))).toEqual(vn('2026-11-25T09:30'));
  });

  it('reads split days with a lunch break and a Saturday morning', () => {
    const hours = createOfficeHours(parseOfficeHours('mon-fri 07:30-11:30,13:30-17:00; sat 07:30-11:30'), []);
    expect(hours.isOpen(vn('2026-11-24T12:00'))).toBe(false);
    expect(hours.nextOpening(vn('2026-11-24T12:00'))).toEqual(vn('2026-11-24T13:30'));
    expect(hours.isOpen(vn('2026-11-28T09:00'))).toBe(true);
    expect(hours.isOpen(vn('2026-11-29T09:00'))).toBe(false);
  });

  it('counts only office minutes between two moments', () => {
    expect(weekdays.officeMinutesBetween(vn('2026-11-27T16:50'), vn('2026-11-30T08:10'))).toBe(20);
    expect(weekdays.officeMinutesBetween(vn('2026-11-25T09:00'), vn('2026-11-25T09:15'))).toBe(15);
    expect(weekdays.officeMinutesBetween(vn('2026-04-30T09:00'), vn('2026-05-01T16:00'))).toBe(0);
  });

  it('accepts round-the-clock hours', () => {
    const always = createOfficeHours(parseOfficeHours('mon-sun 00:00-24:00'), []);
    expect(always.isOpen(vn('2026-11-29T03:00'))).toBe(true);
    expect(always.isOpen(vn('2026-11-29T23:59'))).toBe(true);
  });

  it('refuses specs it cannot read, naming the problem', () => {
    expect(() => parseOfficeHours('mon-fri 17:00-08:00')).toThrow(/ends before it starts/);
    expect(() => parseOfficeHours('funday 08:00-17:00')).toThrow(OfficeHoursError);
    expect(() => parseOfficeHours('mon-fri 8h-17h')).toThrow(/not a time of day/);
    expect(() => parseOfficeHours('')).toThrow(/empty/);
  });

  it('stops start-up on bad office hours with a message naming the variable', () => {
    expect(() => loadConfig({ STAFF_OFFICE_HOURS: 'weekdays 9-5' })).toThrow(/STAFF_OFFICE_HOURS: /);
    expect(loadConfig({}).STAFF_OFFICE_HOURS).toBe('mon-fri 08:00-17:00');
  });

  it('ships the national holidays of 2026 as data (Labour Code 2019, art. 112)', () => {
    const dates = new Map(holidays.map((h) => [h.date, h.name]));
    expect(dates.get('2026-01-01')).toBe('Tết Dương lịch');
    expect(dates.get('2026-02-17')).toMatch(/Tết Nguyên đán/);
    expect(dates.get('2026-04-26')).toMatch(/Giỗ Tổ Hùng Vương/);
    expect(dates.get('2026-04-30')).toMatch(/30\/4/);
    expect(dates.get('2026-05-01')).toMatch(/1\/5/);
    expect(dates.get('2026-09-02')).toMatch(/Quốc khánh/);
  });

  it('ships 2027 with Tết on 6 February and Giỗ Tổ Hùng Vương on 16 April, marking undecided days', () => {
    const dates = new Map(holidays.map((h) => [h.date, h]));
    expect(dates.get('2027-02-06')?.name).toMatch(/Tết Nguyên đán Đinh Mùi \(mùng 1\)/);
    expect(dates.get('2027-02-06')?.uncertain).toBeUndefined();
    expect(dates.get('2027-04-16')?.name).toMatch(/Giỗ Tổ Hùng Vương/);
    expect(dates.get('2027-05-03')?.name).toMatch(/Nghỉ bù/);
    // The government's decision on the Tết span and the day next to 2/9 is not known yet.
    for (const day of ['2027-02-04', '2027-02-11', '2027-09-03']) {
      expect(dates.get(day)?.uncertain).toBe(true);
      expect(dates.get(day)?.note).toMatch(/^UNCERTAIN/);
    }
    expect(loadHolidaysFile().coversThrough).toBe('2027-12-31');
    // Staff are back after Tết 2027, not during it.
    expect(weekdays.nextOpening(vn('2027-02-03T17:30'))).toEqual(vn('2027-02-12T08:00'));
  });

  it('tells once, and only once, when it is asked about a day after its holiday data', () => {
    const told: string[] = [];
    const hours = createOfficeHours(parseOfficeHours('mon-fri 08:00-17:00'), holidays, {
      coversThrough: '2027-12-31',
      onBeyondData: (covers, day) => told.push(`${covers} ${day}`),
    });
    expect(hours.beyondData(vn('2027-12-31T10:00'))).toBe(false);
    expect(told).toEqual([]);
    expect(hours.beyondData(vn('2028-03-01T10:00'))).toBe(true);
    hours.isOpen(vn('2028-03-02T10:00'));
    hours.nextOpening(vn('2028-04-01T10:00'));
    expect(told).toEqual(['2027-12-31 2028-03-01']);
  });

  it('refuses a holidays file that is missing or malformed', () => {
    expect(() => loadHolidays('/nonexistent/holidays.json')).toThrow(/cannot read the holidays file/);
    expect(() => loadHolidays('package.json')).toThrow(/holidays/);
  });
});
