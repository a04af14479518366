import type { TFunction } from 'i18next';
import { expectedDate } from '../../calendar/expected-date.ts';
import { formatDate, formatVnd, type Lang } from '../../i18n.ts';
import type { LoadedService } from '../../rules/catalog.ts';
import type { Decision } from '../../rules/decision.ts';
import { type ExplainedPoint, explainPoints } from '../../rules/explain.ts';
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

export interface SummaryInput {
  draft: Draft;
  service: LoadedService;
  decision: Decision;
  subjectName: string;
  holidays: ReadonlySet<string>;
  t: TFunction;
  lang: Lang;
}

/** A line decided by a rule applied on an uncertain or conflicting reading carries a mark, explained once. */
const UNSURE = ' (*)';
const marked = (text: string, unsure: boolean) => (unsure ? `${text.replace(/[.]\s*$/, '')}${UNSURE}` : text);

function timeOf(days: number, unit: 'working' | 'calendar', t: TFunction): string {
  return t(`requests:info.days.${unit}`, { days });
}

/**
 * The decision as a short card before the citizen confirms, one phone screen at most: who it is for,
 * whether they can file (and if not, why), the documents still needed, the fee total in đồng, the date a
 * result may be expected, and what to keep in mind. The fee lines, the legal basis and the answers given
 * are one tap away (`summaryDetails`); a rule's uncertainty is said only on the line it decides.
 */
export function summaryCard(input: SummaryInput): string {
  const { service, decision, t, lang } = input;
  const points = explainPoints(decision, lang);
  const lines = [
    t('requests:flow.summary.title', { service: service.title[lang] }),
    t('requests:flow.summary.subject', { name: input.subjectName }),
    // An answer picked from the citizen's own records (a visit in their health book) names what is asked for.
    ...answerLines(input.draft, service, t, lang)
      .filter((a) => input.draft.picked?.[a.id])
      .map((a) => `• ${a.label}: ${a.answer}`),
  ];
  let unsure = false;
  const mark = (text: string, point: { unsure: boolean }) => {
    unsure ||= point.unsure;
    return marked(text, point.unsure);
  };
  if (!points.eligible) {
    lines.push(t('requests:flow.summary.ineligible'));
    for (const r of points.reasons) lines.push(`• ${mark(r.text, r)}`);
    lines.push(t('requests:flow.summary.fixFirst'));
  } else {
    lines.push(t('requests:flow.summary.eligible'));
    if (points.documents.length === 0) lines.push(t('requests:flow.summary.noDocuments'));
    else {
      lines.push(t('requests:flow.summary.documents'));
      for (const d of points.documents) lines.push(`• ${mark(d.text, d)}`);
    }
    const { fee } = points;
    lines.push(
      mark(
        fee.total > 0
          ? t('requests:flow.summary.fee', { amount: formatVnd(fee.total, lang) })
          : t('requests:flow.summary.free'),
        fee,
      ),
    );
    const processing = points.processing;
    const expected = expectedOn(decision, input.holidays);
    if (processing && processing.days === 0)
      lines.push(mark(t('requests:flow.summary.immediate'), processing));
    else if (processing && expected)
      lines.push(
        mark(
          t('requests:flow.summary.expected', {
            date: formatDate(expected, lang),
            time: timeOf(processing.days, processing.unit, t),
          }),
          processing,
        ),
      );
  }
  for (const n of points.notices) lines.push(mark(t('requests:flow.summary.notice', { text: n.text }), n));
  if (unsure) lines.push(t('requests:flow.summary.uncertain'));
  return lines.join('\n').normalize('NFC');
}

/**
 * What the card leaves out, for the citizen who asks: the fee line by line with its total, the legal basis
 * of each point (instrument and article), and the answers the decision was made on.
 */
export function summaryDetails(input: SummaryInput): string {
  const { draft, service, decision, t, lang } = input;
  const points = explainPoints(decision, lang);
  const lines: string[] = [];
  let unsure = false;
  const note = (point: { unsure: boolean }) => {
    unsure ||= point.unsure;
    return point.unsure ? UNSURE : '';
  };
  const { fee } = points;
  if (points.eligible) {
    if (fee.lines.length === 0) lines.push(t('requests:flow.details.free'));
    else {
      // Each line with the instrument that sets it, so a reduction shows where it comes from.
      lines.push(t('requests:flow.details.feeTitle'));
      for (const [i, l] of fee.lines.entries()) {
        const amount = formatVnd(fee.amounts[i]!, lang);
        lines.push(`${t('requests:flow.details.feeLine', { label: l.text, amount })}${note(l)}`);
        if (l.basis) lines.push(t('requests:flow.details.feeBasis', { basis: l.basis }));
      }
      lines.push(t('requests:flow.details.total', { amount: formatVnd(fee.total, lang) }));
    }
    lines.push('');
  }

  const basis: string[] = [];
  const cite = (what: string, point: ExplainedPoint) => {
    if (point.basis)
      basis.push(
        t('requests:flow.details.point', {
          what: `${what.replace(/[.]\s*$/, '')}${note(point)}`,
          basis: point.basis,
        }),
      );
  };
  if (!points.eligible) for (const r of points.reasons) cite(r.text, r);
  else {
    for (const d of points.documents) cite(d.text, d);
    if (points.authority)
      cite(t('requests:flow.details.authority', { authority: points.authority.text }), points.authority);
    const processing = points.processing;
    if (processing)
      cite(
        processing.days === 0
          ? capitalised(t('requests:info.immediate'))
          : t('requests:flow.details.processing', { time: timeOf(processing.days, processing.unit, t) }),
        processing,
      );
  }
  for (const n of points.notices) cite(t('requests:flow.details.notice'), n);
  if (!points.traced) lines.push(t('requests:flow.details.noBasis'));
  else if (basis.length > 0) lines.push(t('requests:flow.details.basisTitle'), ...basis);
  if (unsure) lines.push(t('requests:flow.details.uncertain'));

  const answers = answerLines(draft, service, t, lang);
  if (answers.length > 0) {
    lines.push('', t('requests:flow.details.answersTitle'));
    for (const a of answers) lines.push(`• ${a.label}: ${a.answer}`);
  }
  return lines.join('\n').trim().normalize('NFC');
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The card and its details for facts typed in rather than answered (the rules console's preview): what a
 * citizen who had answered so would read. Every input whose fact is given counts as answered.
 */
export function previewSummary(input: {
  service: LoadedService;
  decision: Decision;
  facts: Record<string, unknown>;
  holidays: ReadonlySet<string>;
  t: TFunction;
  lang: Lang;
}): { card: string; details: string } {
  const { service, decision, facts } = input;
  const draft: Draft = {
    service: service.id,
    version: decision.ruleSet.version,
    facts,
    answered: service.inputs.filter((i) => getterFor(i.fills)(facts) !== undefined).map((i) => i.id),
    stage: 'summary',
    documents: [],
  };
  const summary: SummaryInput = {
    ...input,
    draft,
    subjectName: input.t('requests:flow.summary.previewSubject'),
  };
  return { card: summaryCard(summary), details: summaryDetails(summary) };
}
