import { formatDate } from '../i18n.ts';
import type { HealthRecords } from '../ports/health/schema.ts';
import type { OptionSource } from './flow/feature.ts';

/** `optionsFrom: "health.visits"`: the visits in the person's e-health book, newest first, as choices. */
export function healthVisitOptions(health: HealthRecords, limit = 8): OptionSource {
  return async ({ subject, lang }) =>
    (await health.listVisits(subject.id)).slice(0, limit).map((v) => ({
      value: v.id,
      label: `${formatDate(v.admittedAt.slice(0, 10), lang)} – ${v.facility}`.slice(0, 120),
    }));
}
