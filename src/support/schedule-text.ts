import type { TFunction } from 'i18next';
import { formatDate, type Lang } from '../i18n.ts';
import { formatMinutes, groupSchedule, type OfficeHours } from './office-hours.ts';

function dayNames(t: TFunction): string[] {
  return t('support:days', { returnObjects: true }) as unknown as string[];
}

/** "Thứ Hai – Thứ Sáu 08:00–17:00" for citizens, in their language. */
export function describeOfficeHours(hours: OfficeHours, t: TFunction): string {
  const names = dayNames(t);
  return groupSchedule(hours.schedule)
    .map(({ days, ranges }) => {
      // Days are listed Monday first; a run of consecutive days reads as "first – last".
      const order = days.map((d) => (d + 6) % 7);
      const consecutive = order.every((o, i) => i === 0 || o === order[i - 1]! + 1);
      const dayText =
        consecutive && days.length > 2
          ? `${names[days[0]!]} – ${names[days.at(-1)!]}`
          : days.map((d) => names[d]).join(', ');
      const rangeText = ranges.map((r) => `${formatMinutes(r.start)}–${formatMinutes(r.end)}`).join(', ');
      return `${dayText} ${rangeText}`;
    })
    .join('; ');
}

/** "08:00, Thứ Hai 27/04/2026" (Vietnam time). */
export function describeMoment(at: Date, t: TFunction, lang: Lang): string {
  const local = new Date(at.getTime() + 7 * 60 * 60 * 1000);
  const time = `${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`;
  return t('support:when', { time, weekday: dayNames(t)[local.getUTCDay()], date: formatDate(at, lang) });
}
