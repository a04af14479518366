import { z } from 'zod';
import type { Address } from '../../dialogue/message.ts';
import type { Translator } from '../../i18n.ts';
import { scrubPersonalData } from '../../privacy/mask.ts';
import type { TraceEntry } from '../../rules/decision.ts';
import type { HandoffContributor } from '../../support/packet.ts';
import type { RequestRecord } from '../schema.ts';
import type { RequestService } from '../service.ts';
import { type DraftSealer, readDraft } from './draft.ts';
import type { RuleSource } from './feature.ts';
import { answerLines } from './summary.ts';

/**
 * What staff need of the request in progress when they take over: the answers so far, the
 * rules' decision on them with its reasons, the documents still missing, the legal basis of what fired, and
 * the citizen's latest requests with their states. In Vietnamese: the console's language.
 */
export function requestHandoffContributor(deps: {
  rules: RuleSource;
  requests: RequestService;
  sealer: DraftSealer;
  translator: Translator;
  citizenKeyOf: (address: Address) => Promise<string | undefined>;
}): HandoffContributor {
  const t = deps.translator.t('vi');
  return async ({ session, address }) => {
    const extra: { label: string; value: string }[] = [];
    const citizenKey = await deps.citizenKeyOf(address);
    const recent = citizenKey ? await deps.requests.listForCitizen(citizenKey, 5) : [];
    if (recent.length > 0)
      extra.push({
        label: t('requests:handoff.recent'),
        value: recent.map((r) => `${r.code} (${t(`requests:state.${r.state}`)})`).join('; '),
      });
    const draft = readDraft(session, address, deps.sealer);
    if (!draft) {
      // Nothing in progress: the decision staff need is the one behind the citizen's latest request.
      const latest = recent[0] && (await filedDecision(recent[0], deps.rules));
      if (latest) return { decision: latest, extra };
      return extra.length > 0 ? { extra } : undefined;
    }
    const service = await deps.rules.at(draft.service, draft.version);
    const answers = Object.fromEntries(answerLines(draft, service, t, 'vi').map((l) => [l.label, l.answer]));
    if (draft.child) answers[t('requests:handoff.child')] = draft.child.name;
    extra.unshift({ label: t('requests:handoff.service'), value: `${service.title.vi} (${draft.version})` });
    let decision: Awaited<ReturnType<typeof service.decide>> | undefined;
    try {
      decision = await service.decide(draft.facts, { lang: 'vi', trace: true });
    } catch {
      // Not enough answers yet for a decision: staff see the answers alone.
    }
    if (!decision) return { doing: { answers }, extra };
    if (decision.notices.length > 0)
      extra.push({
        label: t('requests:handoff.notices'),
        value: decision.notices
          .map((n) => n.message)
          .join(' ')
          .slice(0, 1000),
      });
    const uploaded = new Set(draft.documents.filter((d) => d.fileId).map((d) => d.code));
    const legalBasis = new Set<string>();
    for (const entry of decision.trace ?? [])
      if (entry.fired)
        for (const b of entry.basis) legalBasis.add(`${b.instrument}, ${b.article}`.slice(0, 300));
    return {
      doing: { answers },
      decision: {
        service: draft.service,
        eligible: decision.eligible,
        on: decision.on,
        ruleSetVersion: decision.ruleSet.version,
        reasons: decision.reasons,
        trace: packetTrace(decision.trace),
      },
      missingDocuments: decision.documents.filter((d) => !uploaded.has(d.code)),
      legalBasis: [...legalBasis],
      extra,
    };
  };
}

/** The rules' trace as the packet carries it: rule, fired or not, the facts read as short masked text. */
function packetTrace(trace: readonly TraceEntry[] | undefined) {
  return (trace ?? []).slice(0, 300).map((e) => ({
    rule: e.rule.slice(0, 120),
    fired: e.fired,
    facts: Object.fromEntries(
      Object.entries(e.facts).map(([name, value]) => [
        name,
        scrubPersonalData(typeof value === 'string' ? value : (JSON.stringify(value) ?? 'null')).slice(
          0,
          300,
        ),
      ]),
    ),
  }));
}

/**
 * The decision a filed request was made on (kept whole in its record), for the packet, with its trace
 * replayed on the same rule set, facts and date (the record keeps the outcome, not the trace).
 */
async function filedDecision(record: RequestRecord, rules: RuleSource) {
  const d = record.decision as Record<string, unknown>;
  const on = typeof d.on === 'string' ? d.on : undefined;
  const reasons = z.array(z.object({ code: z.string(), message: z.string() })).safeParse(d.reasons);
  let trace: TraceEntry[] | undefined;
  try {
    const service = await rules.at(record.service, record.ruleSetVersion);
    trace = (await service.decide(record.facts, { lang: 'vi', trace: true, on })).trace;
  } catch {
    // The rule set is no longer loadable: staff see the outcome without the trace.
  }
  return {
    service: record.service,
    eligible: record.decision.eligible ?? true,
    ...(on ? { on } : {}),
    ruleSetVersion: record.decision.ruleSet.version,
    reasons: reasons.success ? reasons.data : [],
    trace: packetTrace(trace),
  };
}
