import { ExtractError } from './errors.ts';
import type { HealthChoice, HealthContent, HealthRecord, Visit } from './schema.ts';

/**
 * Cuts a citizen's e-health book down to what they chose to export: the scope picks the data
 * (summary | vaccinations | one visit | all) and the groups (Decision 1332/QĐ-BYT: administrative, history,
 * visits, record summary) filter it further. Only the result is printed and hashed.
 *
 * - summary: administrative; allergies and diseases; the latest key indicators; the latest record summary.
 * - vaccinations: administrative; vaccinations.
 * - visit: administrative; the chosen visit and its record summary.
 * - all: everything in the chosen groups.
 */
export function selectHealthContent(record: HealthRecord, choice: HealthChoice): HealthContent {
  const want = new Set(choice.groups);
  const byDateDesc = [...record.visits].sort((a, b) => b.admittedAt.localeCompare(a.admittedAt));
  const content: HealthContent = { scope: choice.scope, groups: choice.groups, sources: record.sources };

  if (want.has('administrative')) content.administrative = record.administrative;

  let visits: Visit[] = [];
  if (choice.scope === 'visit') {
    const visit = record.visits.find((v) => v.id === choice.visitId);
    if (!visit) {
      throw new ExtractError(
        'HOSO_ERR_EXTRACT_VISIT_NOT_FOUND',
        `no visit ${choice.visitId} in the health record`,
      );
    }
    visits = [visit];
  } else if (choice.scope === 'all') visits = byDateDesc;

  if (want.has('history')) {
    if (choice.scope === 'summary') {
      content.history = { allergies: record.history.allergies, diseases: record.history.diseases };
    } else if (choice.scope === 'vaccinations') {
      content.history = { vaccinations: record.history.vaccinations };
    } else if (choice.scope === 'all') content.history = record.history;
  }

  if (choice.scope === 'summary') {
    const latest = byDateDesc.find(
      (v) =>
        v.indicators.bloodGroup || v.indicators.heightCm !== undefined || v.indicators.weightKg !== undefined,
    );
    if (latest && (want.has('visits') || want.has('summary'))) {
      content.keyIndicators = { ...latest.indicators, measuredOn: latest.admittedAt };
    }
    const withSummary = byDateDesc.find((v) => v.summary);
    if (withSummary?.summary && want.has('summary')) {
      content.summaries = [
        {
          ...withSummary.summary,
          visitId: withSummary.id,
          facility: withSummary.facility,
          date: withSummary.admittedAt,
        },
      ];
    }
  }

  if (choice.scope === 'visit' || choice.scope === 'all') {
    if (want.has('visits')) content.visits = visits.map(({ summary: _summary, ...v }) => v);
    if (want.has('summary')) {
      content.summaries = visits.flatMap((v) =>
        v.summary ? [{ ...v.summary, visitId: v.id, facility: v.facility, date: v.admittedAt }] : [],
      );
    }
  }
  return content;
}
