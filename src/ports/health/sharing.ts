import { type HealthBook, HealthRecordsError, type HealthScope, type Visit } from './schema.ts';

/**
 * Categories an operator keeps out of every shared extract even with the citizen's consent (domain §4.2 and
 * §8.6 H3 — HIV status and similar; which ones is the operator's choice, hence data). A category is known by
 * ICD-10 code prefixes and by medicines that would reveal it on their own.
 */
export interface SensitiveCategory {
  icd10Prefixes: readonly string[];
  medicines: readonly RegExp[];
}

export const EXTRA_SENSITIVE_CATEGORIES: Readonly<Record<string, SensitiveCategory>> = {
  // HIV disease (B20–B24), asymptomatic HIV (Z21), inconclusive HIV test (R75), contact with or exposure to
  // HIV (Z20.6), HIV counselling (Z71.7); antiretrovirals, which also serve PrEP.
  hiv: {
    icd10Prefixes: ['B20', 'B21', 'B22', 'B23', 'B24', 'Z21', 'R75', 'Z20.6', 'Z71.7'],
    medicines: [/tenofovir/i, /lamivudin/i, /dolutegravir/i, /efavirenz/i, /zidovudin/i, /nevirapin/i],
  },
  // Infections with a predominantly sexual mode of transmission (A50–A64).
  sti: {
    icd10Prefixes: [
      'A50',
      'A51',
      'A52',
      'A53',
      'A54',
      'A55',
      'A56',
      'A57',
      'A58',
      'A59',
      'A60',
      'A63',
      'A64',
    ],
    medicines: [],
  },
};

/** Whether an ICD-10 code belongs to one of the categories. */
export function isExtraSensitive(code: string, categories: readonly SensitiveCategory[]): boolean {
  return categories.some((c) => c.icd10Prefixes.some((p) => code === p || code.startsWith(p)));
}

/**
 * The book without anything of an extra-sensitive category: visits coded with one are dropped whole (their
 * facility, dates and medicines would tell), as are such diseases, revealing medicines in other visits, and
 * sources only those visits came from.
 */
export function withoutExtraSensitive(
  book: HealthBook,
  categories: readonly SensitiveCategory[] = Object.values(EXTRA_SENSITIVE_CATEGORIES),
): HealthBook {
  const revealing = categories.flatMap((c) => c.medicines);
  const dropped = book.visits.filter((v) => v.icd10.some((code) => isExtraSensitive(code, categories)));
  const visits = book.visits
    .filter((v) => !dropped.includes(v))
    .map((v) => ({ ...v, medicines: v.medicines.filter((m) => !revealing.some((r) => r.test(m.name))) }));
  const keptFacilities = new Set(visits.map((v) => v.facility));
  const droppedFacilities = new Set(dropped.map((v) => v.facility));
  return {
    ...book,
    history: {
      ...book.history,
      diseases: book.history.diseases.filter((d) => !(d.icd10 && isExtraSensitive(d.icd10, categories))),
    },
    visits,
    sources: book.sources.filter((s) => keptFacilities.has(s.facility) || !droppedFacilities.has(s.facility)),
  };
}

function latest(visits: readonly Visit[], wanted: (v: Visit) => boolean): Visit | undefined {
  return [...visits].sort((a, b) => b.admittedAt.localeCompare(a.admittedAt)).find(wanted);
}

/**
 * Only what the chosen scope needs leaves the health-records system (data minimisation):
 * - summary: administrative; allergies and diseases; the latest visit with key indicators and the latest
 *   visit with a record summary;
 * - vaccinations: administrative; vaccinations;
 * - visit: administrative; that visit;
 * - all: the whole book.
 */
export function cutToScope(book: HealthBook, choice: HealthScope): HealthBook {
  const none = { allergies: [], diseases: [], vaccinations: [] };
  switch (choice.scope) {
    case 'all':
      return book;
    case 'vaccinations':
      return {
        ...book,
        history: { ...none, vaccinations: book.history.vaccinations },
        visits: [],
      };
    case 'visit': {
      const visit = book.visits.find((v) => v.id === choice.visitId);
      if (!visit) {
        throw new HealthRecordsError(
          'HOSO_ERR_HEALTH_VISIT_NOT_FOUND',
          `no visit ${choice.visitId} in the book`,
        );
      }
      return {
        ...book,
        history: none,
        visits: [visit],
        sources: book.sources.filter((s) => s.facility === visit.facility),
      };
    }
    case 'summary': {
      const withIndicators = latest(
        book.visits,
        (v) => v.indicators.bloodGroup !== undefined || v.indicators.heightCm !== undefined,
      );
      const withSummary = latest(book.visits, (v) => v.summary !== undefined);
      const visits = [withIndicators, withSummary].filter(
        (v, i, all): v is Visit => v !== undefined && all.indexOf(v) === i,
      );
      return {
        ...book,
        history: { ...none, allergies: book.history.allergies, diseases: book.history.diseases },
        visits,
      };
    }
  }
}

/** What may be shared: extra-sensitive categories out first, then cut to the scope. */
export function prepareForSharing(
  book: HealthBook,
  choice: HealthScope,
  categories?: readonly SensitiveCategory[],
): HealthBook {
  return cutToScope(withoutExtraSensitive(book, categories), choice);
}
