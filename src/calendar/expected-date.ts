/**
 * The date a result may be expected, from the day a request is received and the processing time the rules
 * give. Working days skip Saturdays, Sundays and public holidays (the same holiday data staff office hours
 * use); the day of receipt is not counted (Civil Code 2015, Art. 147: a period in days starts the next day).
 * The result is shown as "dự kiến" (expected), never as a promise (domain §7.6).
 */
export interface Processing {
  days: number;
  unit: 'working' | 'calendar';
}

function addDays(iso: string, n: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

function isWorkingDay(iso: string, holidays: ReadonlySet<string>): boolean {
  const weekday = new Date(`${iso}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !holidays.has(iso);
}

/** `from` and the answer are calendar dates (YYYY-MM-DD) in Vietnam. */
export function expectedDate(from: string, processing: Processing, holidays: ReadonlySet<string>): string {
  if (processing.unit === 'calendar') return addDays(from, processing.days);
  let day = from;
  let left = processing.days;
  while (left > 0) {
    day = addDays(day, 1);
    if (isWorkingDay(day, holidays)) left -= 1;
  }
  return day;
}
