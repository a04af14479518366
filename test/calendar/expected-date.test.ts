import { describe, expect, it } from 'vitest';
import { expectedDate } from '../../src/calendar/expected-date.ts';
import { loadHolidays } from '../../src/support/office-hours.ts';

const holidays = new Set(loadHolidays().map((h) => h.date));

describe('the expected date of a result', () => {
  it('counts working days from the day after receipt, skipping the weekend', () => {
    // Thursday 3 December 2026 + 5 working days: Fri 4, Mon 7, Tue 8, Wed 9, Thu 10.
    expect(expectedDate('2026-12-03', { days: 5, unit: 'working' }, holidays)).toBe('2026-12-10');
  });

  it('skips the public holidays of the data file (Tết 2026)', () => {
    // Thursday 12 February 2026: Friday 13, then Tết until Sunday 22, then Mon 23 … Thu 26.
    expect(expectedDate('2026-02-12', { days: 5, unit: 'working' }, holidays)).toBe('2026-02-26');
  });

  it('counts calendar days as they are', () => {
    expect(expectedDate('2026-12-28', { days: 10, unit: 'calendar' }, holidays)).toBe('2027-01-07');
  });
});
