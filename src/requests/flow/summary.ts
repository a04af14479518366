import type { TFunction } from 'i18next';
import { expectedDate } from '../../calendar/expected-date.ts';
import { formatDate, type Lang } from '../../i18n.ts';
import type { LoadedService } from '../../rules/catalog.ts';
import type { Decision } from '../../rules/decision.ts';
import { getterFor } from '../../rules/facts.ts';
import { describeAnswer, optionsOf } from './ask.ts';
import type { Draft } from './draft.ts';

/** The citizen's answers as "Loại phiếu: Phiếu số 1" lines, in the order they were asked. */
export function answerLines(
  draft: Draft,
  service: LoadedService,
  t: TFunction,
  lang: Lang,
): { id: string; label: string; answer: string }[] {
  const lines: { id: string; label: string; answer: string }[] = [];
  for (const id of draft.answered) {
    const input = service.inputs.find((i) => i.id === id);
    if (!input) continue;
    const value = getterFor(input.fills)(draft.facts);
    if (value === undefined) continue;
    // A choice among the citizen's own options (a visit) is named by the option picked.
    const picked = draft.picked?.[id];
    const options = picked ? [picked] : optionsOf(input, lang, undefined);
    lines.push({
      id,
      label: (input.label ?? input.prompt)[lang],
      answer: describeAnswer(input, options, value, t, lang),
    });
  }
  return lines;
}

/** The expected date of the result if the request were received on `on`, when the rules give a time. */
export function expectedOn(decision: Decision, holidays: ReadonlySet<string>): string | undefined {
  if (!decision.processing) return undefined;
  return expectedDate(decision.on, decision.processing, holidays);
}

/**
 * The decision in plain words before the citizen confirms: who it is for, their answers, then the rules'
 * own explanation (eligibility with reasons and legal basis, documents, the fee broken down, the authority,
 * the processing time), and the date a result may be expected.
 */
export function summaryText(input: {
  draft: Draft;
  service: LoadedService;
  decision: Decision;
  subjectName: string;
  holidays: ReadonlySet<string>;
  t: TFunction;
  lang: Lang;
}): string {
  const { draft, service, decision, t, lang } = input;
  const lines = [
    t('requests:flow.summary.title', { service: service.title[lang] }),
    t('requests:flow.summary.subject', { name: input.subjectName }),
    ...answerLines(draft, service, t, lang).map((l) => `• ${l.label}: ${l.answer}`),
    '',
    service.explain(decision, lang),
  ];
  const expected = decision.eligible ? expectedOn(decision, input.holidays) : undefined;
  if (expected && decision.processing && decision.processing.days > 0)
    lines.push(t('requests:flow.summary.expected', { date: formatDate(expected, lang) }));
  return lines.join('\n');
}
