import { expectedDate } from '../../calendar/expected-date.ts';
import type { TurnContext } from '../../dialogue/context.ts';
import { mainMenuButtons } from '../../dialogue/features/menu.ts';
import type { Button } from '../../dialogue/message.ts';
import { formatDate, formatVnd, type Lang, vietnamDate } from '../../i18n.ts';
import type { LoadedService } from '../../rules/catalog.ts';
import type { Decision } from '../../rules/decision.ts';
import { RulesError } from '../../rules/errors.ts';
import { type Facts, withFact } from '../../rules/facts.ts';
import type { RuleSource } from './feature.ts';

/**
 * `fees_info`, `documents_info` and `processing_time_info` answered from the rules in force today, so an agency's
 * publication changes these answers at once. Nothing here knows LLTP: the answers come from deciding a typical
 * request, then the same request with each option the catalog offers (channel, fee category, copies, yes/no).
 */
export function createInfoIntents(deps: { rules: RuleSource; holidays: ReadonlySet<string> }) {
  function serviceFor(ctx: TurnContext): LoadedService | undefined {
    const named = ctx.understanding?.entities.service;
    const id = named && deps.rules.has(named) ? named : 'lltp';
    return deps.rules.has(id) ? deps.rules.get(id) : undefined;
  }

  /** An adult with a verified e-identity asking for themself today: the request most citizens make. */
  function typical(service: LoadedService, today: string): Facts {
    let facts: Facts = {};
    const set = (name: string, value: unknown) => {
      if (service.declares(name)) facts = withFact(facts, name, value);
    };
    const thirtyYearsAgo = `${Number(today.slice(0, 4)) - 30}${today.slice(4)}`;
    for (const decl of service.compiled.service.facts)
      if (decl.required && decl.type === 'date') set(decl.name, thirtyYearsAgo);
    set('requester.identityLevel', 2);
    set('on', today);
    return facts;
  }

  function choices(service: LoadedService, fact: string, lang: Lang) {
    const input = service.inputs.find((i) => i.fills === fact);
    return input?.type === 'choice' && input.optionsFrom === undefined
      ? input.options.map((o) => ({ value: o.value, label: o.label[lang] }))
      : [];
  }

  function basisOf(decision: Decision, type: string): string[] {
    const seen = new Set<string>();
    for (const entry of decision.trace ?? [])
      if (entry.fired && entry.event.type === type)
        for (const b of entry.basis) seen.add(`${b.instrument}, ${b.article}`);
    return [...seen];
  }

  function buttons(ctx: TurnContext, service: LoadedService): Button[] {
    return [
      {
        label: ctx.t('requests:info.apply', { service: service.title[ctx.lang] }).slice(0, 120),
        action: `request:start:${service.id}`,
      },
      { label: ctx.t('backToMenu'), action: 'menu' },
    ];
  }

  /**
   * The same question, in the same language, on the same day, under the same rule set has the same answer, so it
   * is worked out once (a fees answer decides some fifteen requests and traces one through json-rules-engine).
   * A published rule set is a new LoadedService: its answers are worked out afresh.
   */
  const answered = new WeakMap<LoadedService, Map<string, string[]>>();

  /** Runs an answer; a rule set that cannot decide a typical request is an operator's problem, said kindly. */
  async function answer(ctx: TurnContext, build: (service: LoadedService, base: Facts) => Promise<string[]>) {
    const service = serviceFor(ctx);
    if (!service) {
      ctx.reply(ctx.t('requests:info.unavailable'), mainMenuButtons(ctx.t, ctx.lang));
      return;
    }
    try {
      const today = vietnamDate(ctx.now);
      const key = `${ctx.intent}|${ctx.lang}|${today}`;
      const known = answered.get(service) ?? new Map<string, string[]>();
      answered.set(service, known);
      let lines = known.get(key);
      if (!lines) {
        lines = await build(service, typical(service, today));
        if (known.size >= 32) known.clear();
        known.set(key, lines);
      }
      ctx.reply(lines.join('\n'), buttons(ctx, service));
    } catch (error) {
      if (!(error instanceof RulesError)) throw error;
      ctx.log.warn({ code: error.code, service: service.id }, 'could not answer from the rules');
      ctx.reply(ctx.t('requests:info.unavailable'), mainMenuButtons(ctx.t, ctx.lang));
    }
  }

  async function fees(ctx: TurnContext): Promise<void> {
    await answer(ctx, async (service, base) => {
      const { t, lang } = ctx;
      const total = (facts: Facts) => service.decideSync(facts).fee.total;
      const lines = [
        t('requests:info.feesTitle', {
          service: service.title[lang],
          date: formatDate(base.on as string, lang),
        }),
      ];
      const channels = choices(service, 'channel', lang);
      const byChannel =
        channels.length > 0
          ? channels.map((c) => ({ label: c.label, total: total(withFact(base, 'channel', c.value)) }))
          : [{ label: t('requests:info.standard'), total: total(base) }];
      const standard = byChannel[0]!.total;
      for (const row of byChannel)
        lines.push(
          `• ${row.label}: ${row.total === 0 ? t('requests:info.free') : formatVnd(row.total, lang)}`,
        );
      if (service.inputs.some((i) => i.fills === 'request.copies')) {
        const one = total(base);
        for (let n = 2; n <= 5; n++) {
          const extra =
            total(withFact(base, 'request.copies', n)) - total(withFact(base, 'request.copies', n - 1));
          if (extra > 0 && one > 0) {
            lines.push(t('requests:info.extraCopies', { from: n, amount: formatVnd(extra, lang) }));
            break;
          }
        }
      }
      const categories = choices(service, 'feeCategory', lang).slice(1);
      const exempt: string[] = [];
      const reduced: string[] = [];
      for (const c of categories) {
        const amount = total(withFact(base, 'feeCategory', c.value));
        if (amount === 0 && standard > 0) exempt.push(c.label);
        else if (amount < standard) reduced.push(`${c.label} (${formatVnd(amount, lang)})`);
      }
      if (reduced.length > 0) lines.push(t('requests:info.reduced', { list: reduced.join('; ') }));
      if (exempt.length > 0) lines.push(t('requests:info.exempt', { list: exempt.join('; ') }));
      const basis = basisOf(await service.decide(base, { lang, trace: true }), 'fee');
      if (basis.length > 0) lines.push(t('requests:info.basis', { basis: basis.join('; ') }));
      return lines;
    });
  }

  async function documents(ctx: TurnContext): Promise<void> {
    await answer(ctx, async (service, base) => {
      const { t, lang } = ctx;
      const docs = (facts: Facts) => service.decideSync(facts, { lang }).documents;
      const lines = [t('requests:info.documentsTitle', { service: service.title[lang] })];
      const channels = choices(service, 'channel', lang);
      const list = (items: { message: string }[]) =>
        items.length === 0 ? t('requests:info.noDocuments') : items.map((d) => d.message).join('; ');
      const seen = new Set<string>();
      if (channels.length > 0) {
        for (const c of channels) {
          const items = docs(withFact(base, 'channel', c.value));
          for (const d of items) seen.add(d.code);
          lines.push(`• ${c.label}: ${list(items)}`);
        }
      } else {
        const items = docs(base);
        for (const d of items) seen.add(d.code);
        lines.push(`• ${list(items)}`);
      }
      const extra = new Map<string, string>();
      for (const c of choices(service, 'feeCategory', lang).slice(1))
        for (const d of docs(withFact(base, 'feeCategory', c.value)))
          if (!seen.has(d.code)) extra.set(d.code, d.message);
      if (extra.size > 0)
        lines.push(t('requests:info.feeDocuments', { list: [...extra.values()].join('; ') }));
      lines.push(t('requests:info.documentsHint'));
      return lines;
    });
  }

  async function processing(ctx: TurnContext): Promise<void> {
    await answer(ctx, async (service, base) => {
      const { t, lang } = ctx;
      const decision = await service.decide(base, { lang, trace: true });
      const lines = [t('requests:info.processingTitle', { service: service.title[lang] })];
      const describe = (p: Decision['processing']) =>
        !p
          ? '—'
          : p.days === 0
            ? t('requests:info.immediate')
            : t(`requests:info.days.${p.unit}`, { days: p.days });
      lines.push(`• ${describe(decision.processing)}`);
      if (decision.processing && decision.processing.days > 0) {
        const expected = expectedDate(decision.on, decision.processing, deps.holidays);
        lines.push(t('requests:info.expectedToday', { date: formatDate(expected, lang) }));
      }
      // A yes/no the catalog asks that changes the time ("lived in several provinces"): say how much.
      for (const input of service.inputs) {
        if (input.type !== 'yesno') continue;
        const other = service.decideSync(withFact(base, input.fills, true)).processing;
        if (other && (other.days !== decision.processing?.days || other.unit !== decision.processing?.unit))
          lines.push(
            t('requests:info.processingIf', {
              condition: (input.label ?? input.prompt)[lang],
              time: describe(other),
            }),
          );
      }
      const basis = basisOf(decision, 'processing');
      if (basis.length > 0) lines.push(t('requests:info.basis', { basis: basis.join('; ') }));
      return lines;
    });
  }

  return { fees, documents, processing };
}
