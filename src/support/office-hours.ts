import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** Vietnam has kept UTC+7 all year since 1975: no daylight saving, so a fixed offset is exact. */
const VN_OFFSET_MS = 7 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
/** Looking further than this for the next opening means the schedule is empty (or all holidays). */
const HORIZON_DAYS = 400;

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DEFAULT_HOLIDAYS_FILE = 'src/support/data/holidays-vn.json';

export const HolidaySchema = z.object({
  date: z.iso.date(),
  name: z.string().min(1),
  nameEn: z.string().min(1).optional(),
  /**
   * An expected day off whose official decision was not known when it was written (the note says why). It is
   * treated as a day off: better to tell a citizen staff are back a day later than promise an answer that
   * nobody is there to give.
   */
  uncertain: z.boolean().optional(),
  note: z.string().optional(),
});
export type Holiday = z.infer<typeof HolidaySchema>;

export const HolidaysFileSchema = z.object({
  source: z.string().optional(),
  note: z.string().optional(),
  /** The last day the list is complete for; without it, the date of its last holiday. */
  coversThrough: z.iso.date().optional(),
  holidays: z.array(HolidaySchema),
});
export type HolidaysFile = z.infer<typeof HolidaysFileSchema>;

/** Minutes from local midnight: [start, end), end ≤ 1440. */
export interface TimeRange {
  start: number;
  end: number;
}

/** Opening ranges per weekday, Sunday = 0. */
export type WeeklySchedule = TimeRange[][];

export class OfficeHoursError extends Error {
  readonly code = 'HOSO_ERR_OFFICE_HOURS';
}

function minutesOf(hhmm: string, spec: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm);
  const hours = Number(m?.[1]);
  const minutes = Number(m?.[2]);
  if (!m || hours > 24 || minutes > 59 || (hours === 24 && minutes > 0)) {
    throw new OfficeHoursError(`"${hhmm}" is not a time of day (HH:MM) in "${spec}"`);
  }
  return hours * 60 + minutes;
}

function dayIndex(name: string, spec: string): number {
  const i = DAYS.indexOf(name as (typeof DAYS)[number]);
  if (i === -1) throw new OfficeHoursError(`"${name}" is not a day (mon … sun) in "${spec}"`);
  return i;
}

/**
 * Parses `mon-fri 08:00-17:00; sat 08:00-11:30` (days: mon…sun, ranges and lists; times: HH:MM, end may be
 * 24:00; several ranges per group with commas, e.g. `mon-fri 07:30-11:30,13:30-17:00`).
 */
export function parseOfficeHours(spec: string): WeeklySchedule {
  const week: WeeklySchedule = DAYS.map(() => []);
  const groups = spec
    .toLowerCase()
    .split(';')
    .map((g) => g.trim())
    .filter(Boolean);
  if (groups.length === 0) throw new OfficeHoursError('office hours are empty');
  for (const group of groups) {
    const [dayPart, timePart, ...rest] = group.split(/\s+/);
    if (!dayPart || !timePart || rest.length > 0) {
      throw new OfficeHoursError(`expected "<days> <HH:MM-HH:MM>" in "${group}"`);
    }
    const days = new Set<number>();
    for (const token of dayPart.split(',')) {
      const [from, to] = token.split('-');
      const a = dayIndex(from ?? '', spec);
      const b = to === undefined ? a : dayIndex(to, spec);
      for (let d = a; ; d = (d + 1) % 7) {
        days.add(d);
        if (d === b) break;
      }
    }
    for (const range of timePart.split(',')) {
      const [from, to] = range.split('-');
      const start = minutesOf(from ?? '', spec);
      const end = minutesOf(to ?? '', spec);
      if (end <= start) throw new OfficeHoursError(`"${range}" ends before it starts in "${spec}"`);
      for (const d of days) week[d]!.push({ start, end });
    }
  }
  for (const ranges of week) ranges.sort((x, y) => x.start - y.start);
  return week;
}

/** Reads the holidays file; a relative path is taken from the Hoso folder, so it works from any directory. */
export function loadHolidays(path: string = DEFAULT_HOLIDAYS_FILE): Holiday[] {
  return loadHolidaysFile(path).holidays;
}

/** The whole holidays file, with how far it reaches (`coversThrough`). */
export function loadHolidaysFile(path: string = DEFAULT_HOLIDAYS_FILE): HolidaysFile {
  const full = isAbsolute(path) ? path : resolve(REPO_ROOT, path);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(full, 'utf8'));
  } catch (err) {
    throw new OfficeHoursError(`cannot read the holidays file ${full}: ${(err as Error).message}`);
  }
  const parsed = HolidaysFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new OfficeHoursError(`holidays file ${full}: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  return parsed.data;
}

/** Midnight (Vietnam) of the day containing `t`, as a UTC timestamp. */
function vnDayStart(t: number): number {
  return Math.floor((t + VN_OFFSET_MS) / DAY_MS) * DAY_MS - VN_OFFSET_MS;
}

function vnIsoDate(dayStart: number): string {
  return new Date(dayStart + VN_OFFSET_MS).toISOString().slice(0, 10);
}

function vnWeekday(dayStart: number): number {
  return new Date(dayStart + VN_OFFSET_MS).getUTCDay();
}

export interface OfficeHours {
  readonly schedule: WeeklySchedule;
  isOpen(at: Date): boolean;
  /** The holiday on that day in Vietnam, if any. */
  holidayOn(at: Date): Holiday | undefined;
  /** `at` itself when open; otherwise the next moment staff are at work (undefined if never). */
  nextOpening(at: Date): Date | undefined;
  /** Minutes of office time between two instants (for first-response targets that ignore nights and Tết). */
  officeMinutesBetween(from: Date, to: Date): number;
  /** The latest holiday date known, so start-up can warn when the list runs out. */
  lastHolidayDate(): string | undefined;
  /** The last day (YYYY-MM-DD) whose public holidays are known; undefined without any holiday data. */
  coversThrough(): string | undefined;
  /**
   * True when the day of `at` (Vietnam) lies after the holiday data: a holiday on it would be missed, so what
   * the bot says about staff hours then is only as good as the weekly schedule.
   */
  beyondData(at: Date): boolean;
}

export interface OfficeHoursOptions {
  /** The last day the holiday list is complete for (default: its last holiday). */
  coversThrough?: string;
  /** Told once, the first time a day after the holiday data is looked at (the caller logs a warning). */
  onBeyondData?: (coversThrough: string, day: string) => void;
}

export function createOfficeHours(
  schedule: WeeklySchedule,
  holidays: Holiday[],
  options: OfficeHoursOptions = {},
): OfficeHours {
  const byDate = new Map(holidays.map((h) => [h.date, h]));
  const covers = options.coversThrough ?? [...byDate.keys()].sort().at(-1);
  let warned = false;
  const beyond = (iso: string): boolean => {
    if (covers === undefined || iso <= covers) return false;
    if (!warned) {
      warned = true;
      options.onBeyondData?.(covers, iso);
    }
    return true;
  };
  const openRanges = (dayStart: number): TimeRange[] => {
    const iso = vnIsoDate(dayStart);
    beyond(iso);
    return byDate.has(iso) ? [] : (schedule[vnWeekday(dayStart)] ?? []);
  };

  return {
    schedule,
    isOpen(at) {
      const t = at.getTime();
      const day = vnDayStart(t);
      const minute = (t - day) / MINUTE_MS;
      return openRanges(day).some((r) => minute >= r.start && minute < r.end);
    },
    holidayOn(at) {
      return byDate.get(vnIsoDate(vnDayStart(at.getTime())));
    },
    nextOpening(at) {
      const t = at.getTime();
      const first = vnDayStart(t);
      for (let i = 0; i < HORIZON_DAYS; i++) {
        const day = first + i * DAY_MS;
        for (const r of openRanges(day)) {
          const start = day + r.start * MINUTE_MS;
          const end = day + r.end * MINUTE_MS;
          if (t < end) return new Date(Math.max(t, start));
        }
      }
      return undefined;
    },
    officeMinutesBetween(from, to) {
      const a = from.getTime();
      const b = to.getTime();
      if (b <= a) return 0;
      let total = 0;
      for (let day = vnDayStart(a), i = 0; day < b && i < HORIZON_DAYS; day += DAY_MS, i++) {
        for (const r of openRanges(day)) {
          const start = Math.max(a, day + r.start * MINUTE_MS);
          const end = Math.min(b, day + r.end * MINUTE_MS);
          if (end > start) total += end - start;
        }
      }
      return total / MINUTE_MS;
    },
    lastHolidayDate() {
      return [...byDate.keys()].sort().at(-1);
    },
    coversThrough: () => covers,
    beyondData(at) {
      return beyond(vnIsoDate(vnDayStart(at.getTime())));
    },
  };
}

/** "08:00" from minutes after midnight. */
export function formatMinutes(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/**
 * The schedule grouped by identical days, Monday first, for people: `[{days: [1,2,3,4,5], ranges}]`.
 * Days are 0 = Sunday … 6 = Saturday.
 */
export function groupSchedule(schedule: WeeklySchedule): { days: number[]; ranges: TimeRange[] }[] {
  const groups: { days: number[]; ranges: TimeRange[] }[] = [];
  for (const d of [1, 2, 3, 4, 5, 6, 0]) {
    const ranges = schedule[d] ?? [];
    if (ranges.length === 0) continue;
    const key = JSON.stringify(ranges);
    const same = groups.find((g) => JSON.stringify(g.ranges) === key);
    if (same) same.days.push(d);
    else groups.push({ days: [d], ranges });
  }
  return groups;
}
