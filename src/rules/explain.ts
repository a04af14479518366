/**
 * A citizen explanation of a decision, rendered from its trace: what decided it, on which legal
 * instrument, what to do next, and what to keep in mind (notices). The framing sentences live in the catalog (`rules/explain.json`).
 */
import { readFileSync } from 'node:fs';
import { formatVnd } from '../i18n.ts';
import type { Decision, TraceEntry } from './decision.ts';
import { ExplainFileSchema, type Lang, type LocalizedText, type Phrases } from './schema.ts';

export interface ExplainContext {
  title?: LocalizedText | undefined;
  phrases?: { vi: Phrases; en: Phrases } | undefined;
}

let defaults: { vi: Phrases; en: Phrases } | undefined;

/** The phrases shipped with the catalog in this checkout. */
export function defaultPhrases(): { vi: Phrases; en: Phrases } {
  defaults ??= ExplainFileSchema.parse(
    JSON.parse(readFileSync(new URL('../../rules/explain.json', import.meta.url), 'utf8')),
  ).phrases;
  return defaults;
}

function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}

/** The same money format as every other citizen-facing sentence: "200.000 ₫", "VND 200,000". */
export function formatDong(amount: number, lang: Lang): string {
  return formatVnd(amount, lang);
}

function basisText(entries: readonly TraceEntry[]): string {
  const seen = new Set<string>();
  for (const e of entries) for (const b of e.basis) seen.add(`${b.instrument}, ${b.article}`);
  return [...seen].join('; ');
}

function firedFor(
  trace: readonly TraceEntry[] | undefined,
  type: string,
  key: string,
  code: string,
): TraceEntry[] {
  return (trace ?? []).filter((e) => e.fired && e.event.type === type && e.event.params[key] === code);
}

/** A sentence with its citation before the full stop. */
function sentence(text: string, citation: string): string {
  return `• ${text.replace(/[.。]\s*$/, '')}${citation}.`;
}

export function explain(decision: Decision, lang: Lang, context: ExplainContext = {}): string {
  const p = (context.phrases ?? defaultPhrases())[lang];
  const service = context.title?.[lang] ?? p.thisService;
  const trace = decision.trace;
  const out: string[] = [];
  // A reading that is uncertain or conflicting is marked on the line it decides, and explained once below,
  // rather than a hedge on every summary (a single-source reading is not uncertain).
  let unsureShown = false;
  const cite = (entries: TraceEntry[]): string => {
    if (entries.length === 0) return '';
    const unsure = entries.some((e) => e.certainty === 'uncertain' || e.certainty === 'conflict');
    if (unsure) unsureShown = true;
    return ` (${fill(p.basis, { basis: basisText(entries) })})${unsure ? ' (*)' : ''}`;
  };
  // Messages come from the trace when it has them, so the explanation can use another language than the decision.
  const text = (entries: TraceEntry[], fallback: string): string => entries[0]?.label?.[lang] ?? fallback;

  if (!decision.eligible) {
    out.push(fill(p.ineligible, { service }));
    out.push(p.decidedBy);
    for (const r of decision.reasons) {
      const entries = firedFor(trace, 'deny', 'reason', r.code);
      out.push(sentence(text(entries, r.message), cite(entries)));
    }
    out.push(p.fixFirst);
  } else {
    out.push(fill(p.eligible, { service }));
    out.push(p.nextSteps);
    if (decision.documents.length > 0) {
      out.push(p.documents);
      for (const d of decision.documents) {
        const entries = firedFor(trace, 'require', 'document', d.code);
        out.push(`  – ${text(entries, d.message).replace(/[.]\s*$/, '')}${cite(entries)}`);
      }
    }
    const feeEntries = (trace ?? []).filter((e) => e.fired && e.event.type === 'fee');
    if (decision.fee.total > 0) {
      const detail = decision.fee.lines
        .map((l) => {
          const label = feeEntries.find((e) => e.event.params.code === l.code)?.label?.[lang] ?? l.code;
          return `${label} ${formatDong(l.amount, lang)}`;
        })
        .join('; ');
      const lines = decision.fee.lines.length > 1 ? ` [${detail}]` : '';
      out.push(
        sentence(
          `${fill(p.fee, { amount: formatDong(decision.fee.total, lang) })}${lines}`,
          cite(feeEntries),
        ),
      );
    } else {
      out.push(sentence(p.feeFree, cite(feeEntries)));
    }
    if (decision.authority) {
      const entries = (trace ?? []).filter((e) => e.fired && e.event.type === 'authority');
      out.push(sentence(fill(p.authority, { authority: text(entries, decision.authority) }), cite(entries)));
    }
    if (decision.processing) {
      const { days, unit } = decision.processing;
      const entries = (trace ?? []).filter(
        (e) => e.fired && e.event.type === 'processing' && e.event.params.days === days,
      );
      const what =
        days === 0
          ? p.immediate
          : fill(p.processing, { days, unit: unit === 'working' ? p.workingDays : p.calendarDays });
      out.push(sentence(what, cite(entries)));
    }
  }
  // Notices refuse nothing, so they follow either outcome: a citizen told "no" for another reason still
  // learns, say, that an employer may not demand the form they chose.
  if (decision.notices.length > 0) {
    out.push(p.notices);
    for (const n of decision.notices) {
      const entries = firedFor(trace, 'notice', 'code', n.code);
      out.push(sentence(text(entries, n.message), cite(entries)));
    }
  }
  if (!trace) out.push(p.noTrace);
  else if (unsureShown) out.push(p.uncertain);
  return out.join('\n').normalize('NFC');
}
