/**
 * A citizen explanation of a decision, rendered from its trace: what decided it, on which legal
 * instrument, what to do next, and what to keep in mind (notices). The framing sentences live in the catalog (`rules/explain.json`).
 * `explainPoints` gives the same reading as data, so a conversation can show a short card and keep the
 * legal basis for a second message; `explain` writes it out in full (the CLI and the rules console).
 */
import { readFileSync } from 'node:fs';
import { formatVnd } from '../i18n.ts';
import type { Decision, TraceEntry } from './decision.ts';
import { ExplainFileSchema, type Lang, type LocalizedText, type Phrases } from './schema.ts';

export interface ExplainContext {
  title?: LocalizedText | undefined;
  phrases?: { vi: Phrases; en: Phrases } | undefined;
}

/** One point of a decision in the citizen's language, with the legal basis of the rules that decided it. */
export interface ExplainedPoint {
  code: string;
  text: string;
  /** "Instrument, article; …" of the rules that fired for it; empty when the decision carries no trace. */
  basis: string;
  /** A rule that decided it is applied on an uncertain or conflicting reading. */
  unsure: boolean;
}

export interface ExplainedDecision {
  eligible: boolean;
  reasons: ExplainedPoint[];
  documents: ExplainedPoint[];
  fee: { total: number; lines: ExplainedPoint[]; amounts: number[]; basis: string; unsure: boolean };
  authority: ExplainedPoint | undefined;
  processing: (ExplainedPoint & { days: number; unit: 'working' | 'calendar' }) | undefined;
  notices: ExplainedPoint[];
  /** Whether the decision carries its trace (without it, no basis is known). */
  traced: boolean;
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

const isUnsure = (entries: readonly TraceEntry[]): boolean =>
  entries.some((e) => e.certainty === 'uncertain' || e.certainty === 'conflict');

/** The decision's points with the basis and certainty of the rules behind each, in `lang`. */
export function explainPoints(decision: Decision, lang: Lang): ExplainedDecision {
  const trace = decision.trace;
  // Messages come from the trace when it has them, so the explanation can use another language than the decision.
  const point = (code: string, entries: TraceEntry[], fallback: string): ExplainedPoint => ({
    code,
    text: entries[0]?.label?.[lang] ?? fallback,
    basis: basisText(entries),
    unsure: isUnsure(entries),
  });
  const feeEntries = (trace ?? []).filter((e) => e.fired && e.event.type === 'fee');
  const authorityEntries = (trace ?? []).filter((e) => e.fired && e.event.type === 'authority');
  let processing: ExplainedDecision['processing'];
  if (decision.processing) {
    const { days, unit } = decision.processing;
    const entries = (trace ?? []).filter(
      (e) => e.fired && e.event.type === 'processing' && e.event.params.days === days,
    );
    processing = { ...point('processing', entries, ''), days, unit };
  }
  return {
    eligible: decision.eligible,
    reasons: decision.reasons.map((r) => point(r.code, firedFor(trace, 'deny', 'reason', r.code), r.message)),
    documents: decision.documents.map((d) =>
      point(d.code, firedFor(trace, 'require', 'document', d.code), d.message),
    ),
    fee: {
      total: decision.fee.total,
      lines: decision.fee.lines.map((l) =>
        point(
          l.code,
          feeEntries.filter((e) => e.event.params.code === l.code),
          l.code,
        ),
      ),
      amounts: decision.fee.lines.map((l) => l.amount),
      basis: basisText(feeEntries),
      unsure: isUnsure(feeEntries),
    },
    authority: decision.authority ? point('authority', authorityEntries, decision.authority) : undefined,
    processing,
    notices: decision.notices.map((n) => point(n.code, firedFor(trace, 'notice', 'code', n.code), n.message)),
    traced: trace !== undefined,
  };
}

/** A sentence with its citation before the full stop. */
function sentence(text: string, citation: string): string {
  return `• ${text.replace(/[.。]\s*$/, '')}${citation}.`;
}

export function explain(decision: Decision, lang: Lang, context: ExplainContext = {}): string {
  const p = (context.phrases ?? defaultPhrases())[lang];
  const service = context.title?.[lang] ?? p.thisService;
  const parts = explainPoints(decision, lang);
  const out: string[] = [];
  // A reading that is uncertain or conflicting is marked on the line it decides, and explained once below,
  // rather than a hedge on every summary (a single-source reading is not uncertain).
  let unsureShown = false;
  const cite = (basis: string, unsure: boolean): string => {
    if (!basis) return '';
    if (unsure) unsureShown = true;
    return ` (${fill(p.basis, { basis })})${unsure ? ' (*)' : ''}`;
  };
  const citeOf = (pt: ExplainedPoint) => cite(pt.basis, pt.unsure);

  if (!parts.eligible) {
    out.push(fill(p.ineligible, { service }));
    out.push(p.decidedBy);
    for (const r of parts.reasons) out.push(sentence(r.text, citeOf(r)));
    out.push(p.fixFirst);
  } else {
    out.push(fill(p.eligible, { service }));
    out.push(p.nextSteps);
    if (parts.documents.length > 0) {
      out.push(p.documents);
      for (const d of parts.documents) out.push(`  – ${d.text.replace(/[.]\s*$/, '')}${citeOf(d)}`);
    }
    const { fee } = parts;
    if (fee.total > 0) {
      const detail = fee.lines.map((l, i) => `${l.text} ${formatDong(fee.amounts[i]!, lang)}`).join('; ');
      const lines = fee.lines.length > 1 ? ` [${detail}]` : '';
      out.push(
        sentence(
          `${fill(p.fee, { amount: formatDong(fee.total, lang) })}${lines}`,
          cite(fee.basis, fee.unsure),
        ),
      );
    } else {
      out.push(sentence(p.feeFree, cite(fee.basis, fee.unsure)));
    }
    if (parts.authority)
      out.push(sentence(fill(p.authority, { authority: parts.authority.text }), citeOf(parts.authority)));
    if (parts.processing) {
      const { days, unit } = parts.processing;
      const what =
        days === 0
          ? p.immediate
          : fill(p.processing, { days, unit: unit === 'working' ? p.workingDays : p.calendarDays });
      out.push(sentence(what, citeOf(parts.processing)));
    }
  }
  // Notices refuse nothing, so they follow either outcome: a citizen told "no" for another reason still
  // learns, say, that an employer may not demand the form they chose.
  if (parts.notices.length > 0) {
    out.push(p.notices);
    for (const n of parts.notices) out.push(sentence(n.text, citeOf(n)));
  }
  if (!parts.traced) out.push(p.noTrace);
  else if (unsureShown) out.push(p.uncertain);
  return out.join('\n').normalize('NFC');
}
