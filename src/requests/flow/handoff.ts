import type { Address } from '../../dialogue/message.ts';
import type { Translator } from '../../i18n.ts';
import type { HandoffContributor } from '../../support/packet.ts';
import type { RequestService } from '../service.ts';
import { type DraftSealer, readDraft } from './draft.ts';
import type { RuleSource } from './feature.ts';
import { answerLines } from './summary.ts';

/**
 * What staff need of the request in progress when they take over (issue 7 §1): the answers so far, the
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
    if (citizenKey) {
      const recent = await deps.requests.listForCitizen(citizenKey, 5);
      if (recent.length > 0)
        extra.push({
          label: t('requests:handoff.recent'),
          value: recent.map((r) => `${r.code} (${t(`requests:state.${r.state}`)})`).join('; '),
        });
    }
    const draft = readDraft(session, address, deps.sealer);
    if (!draft) return extra.length > 0 ? { extra } : undefined;
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
      },
      missingDocuments: decision.documents.filter((d) => !uploaded.has(d.code)),
      legalBasis: [...legalBasis],
      extra,
    };
  };
}
