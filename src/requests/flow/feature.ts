import { randomBytes } from 'node:crypto';
import type { Feature, Flow, TurnContext } from '../../dialogue/context.ts';
import { requireConsent } from '../../dialogue/features/consent.ts';
import { mainMenuButtons } from '../../dialogue/features/menu.ts';
import type { Button } from '../../dialogue/message.ts';
import { foldVietnamese } from '../../dialogue/nlu/fold.ts';
import type { FileIntake } from '../../files/intake.ts';
import type { BlobStore } from '../../files/types.ts';
import { formatDate, type Lang } from '../../i18n.ts';
import type { LinkedIdentity } from '../../identity/feature.ts';
import type { Citizen } from '../../ports/population/citizen.ts';
import type { LoadedService } from '../../rules/catalog.ts';
import type { Decision } from '../../rules/decision.ts';
import { RulesError } from '../../rules/errors.ts';
import { type Facts, getterFor, withFact } from '../../rules/facts.ts';
import type { Input } from '../../rules/schema.ts';
import { offerStaff } from '../../support/escalation.ts';
import type { RequestService } from '../service.ts';
import {
  type Answer,
  answerFromButton,
  answerFromText,
  type Option,
  optionsOf,
  questionButtons,
} from './ask.ts';
import { type Draft, type DraftSealer, readDraft, writeDraft } from './draft.ts';
import { fileRequest, paymentMessages, subjectOf } from './filing.ts';
import { createInfoIntents } from './info.ts';
import { createStatusIntents } from './status.ts';
import { answerLines, summaryCard, summaryDetails } from './summary.ts';

/**
 * The citizen's main job: a conversation driven by the service catalog. It asks exactly the
 * inputs the service declares (buttons for choices, checked free text for numbers and dates), pre-fills what
 * the linked identity already tells, lets the citizen go back ("quay lại") or change an answer ("sửa"), shows
 * the decision in plain words with its legal basis, takes the documents the rules ask for, and files the
 * request (payment first when there is a fee). Adding a service or an input to `rules/` changes this
 * conversation with no code change.
 */

export const REQUEST_FLOW = 'request';

/** Options that depend on the citizen (`optionsFrom` in the catalog), e.g. the visits in their health book. */
export type OptionSource = (context: { subject: Citizen; lang: Lang }) => Promise<Option[]>;

export interface RuleSource {
  has(service: string): boolean;
  get(service: string): LoadedService;
  at(service: string, version: string): Promise<LoadedService>;
}

export interface RequestFlowDeps {
  rules: RuleSource;
  requests: RequestService;
  sealer: DraftSealer;
  files: BlobStore;
  intake: FileIntake;
  optionSources: Readonly<Record<string, OptionSource>>;
  holidays: ReadonlySet<string>;
  /** Offer the dev "mark as paid" button (never in production). */
  devPayments: boolean;
}

/** Facts the linked identity fills, when the service declares them: the conversation never asks these. */
function identityFacts(citizen: Citizen, level: number): Record<string, unknown> {
  return {
    channel: 'online',
    'requester.identityLevel': level,
    'requester.dateOfBirth': citizen.dateOfBirth,
    'requester.nationality': citizen.nationality,
  };
}

/** Facts about the person the extract is about, filled from the registry when it is one of their children. */
const CHILD_FACTS: Readonly<Record<string, (child: Citizen) => unknown>> = {
  'subject.dateOfBirth': (c) => c.dateOfBirth,
  'subject.nationality': (c) => c.nationality,
  'subject.residenceProvince': (c) => c.residenceProvince,
};

function childFacts(child: Citizen): Record<string, unknown> {
  return Object.fromEntries(Object.entries(CHILD_FACTS).map(([name, read]) => [name, read(child)]));
}

const relationOf = getterFor('subject.relation');

function fill(service: LoadedService, facts: Facts, values: Record<string, unknown>): Facts {
  let out = facts;
  for (const [name, value] of Object.entries(values))
    if (value !== undefined && service.declares(name)) out = withFact(out, name, value);
  return out;
}

const BACK = /^(quay lai|tro lai|lui lai|back|go back|previous|\/back)$/;
const EDIT = /^(sua|sua lai|sua thong tin|chinh sua|thay doi|edit|change)$/;
const DETAILS =
  /^(chi tiet|xem chi tiet|chi tiet phi|can cu|can cu phap ly|details|more details|fee details|legal basis)$/;
const CONFIRM = /^(xac nhan|dong y|nop|nop ho so|gui|gui ho so|confirm|submit|yes|co|ok)$/;

export function createRequestFeature(deps: RequestFlowDeps): Feature {
  const act = (payload: string) => `${REQUEST_FLOW}:${payload}`;
  const backButton = (ctx: TurnContext): Button => ({
    label: ctx.t('requests:flow.back'),
    action: act('back'),
  });

  /** The draft as this turn last read or wrote it: it is sealed, so it is opened once per turn, not per step. */
  const opened = new WeakMap<TurnContext, Draft | undefined>();

  function save(ctx: TurnContext, draft: Draft | undefined): void {
    opened.set(ctx, draft);
    if (!draft && ctx.session.flow?.id === REQUEST_FLOW) {
      ctx.endFlow(); // onEnd drops the sealed draft
      return;
    }
    writeDraft(ctx.session, ctx.address, deps.sealer, draft);
    if (draft) {
      ctx.session.flow = {
        id: REQUEST_FLOW,
        step: draft.stage,
        // Only the service and where we are: the answers stay sealed in the draft.
        data: { service: draft.service },
        startedAt: ctx.session.flow?.id === REQUEST_FLOW ? ctx.session.flow.startedAt : ctx.now.toISOString(),
      };
    }
  }

  function draftOf(ctx: TurnContext): Draft | undefined {
    if (!opened.has(ctx)) opened.set(ctx, readDraft(ctx.session, ctx.address, deps.sealer));
    return opened.get(ctx);
  }

  /** The rule set the conversation started on (a publication mid-conversation does not change it). */
  async function serviceOf(draft: Draft): Promise<LoadedService> {
    return deps.rules.at(draft.service, draft.version);
  }

  async function linkedOrEnd(ctx: TurnContext): Promise<LinkedIdentity | undefined> {
    const linked = await ctx.services.identity?.linked(ctx);
    if (!linked) {
      save(ctx, undefined);
      ctx.reply(ctx.t('requests:flow.expired'), mainMenuButtons(ctx.t, ctx.lang));
    }
    return linked;
  }

  /** A port or the rules failed in the middle of the conversation: say so kindly and offer a person. */
  async function failed(ctx: TurnContext, error: unknown): Promise<void> {
    const code = (error as { code?: string }).code ?? 'HOSO_ERR_REQUEST_FLOW';
    ctx.log.error({ err: (error as Error).message, code, turnId: ctx.turnId }, 'request flow failed');
    ctx.reply(ctx.t('requests:flow.failed'));
    if (ctx.services.support) await offerStaff(ctx, 'flow_failed', code);
    else ctx.reply(ctx.t('menu.prompt'), mainMenuButtons(ctx.t, ctx.lang));
  }

  async function begin(ctx: TurnContext, serviceId: string): Promise<void> {
    if (!deps.rules.has(serviceId)) {
      ctx.reply(ctx.t('requests:flow.unknownService'), mainMenuButtons(ctx.t, ctx.lang));
      return;
    }
    const resumeFlow = { id: REQUEST_FLOW, args: { service: serviceId } };
    if (!(await requireConsent(ctx, { resumeFlow }))) return;
    const identity = ctx.services.identity;
    if (!identity) {
      ctx.reply(ctx.t(`notOpen.${ctx.intent}`, { defaultValue: ctx.t('requests:flow.needsIdentity') }));
      return;
    }
    if (!(await identity.requireLink(ctx, { resumeFlow }))) return;
    const linked = await identity.linked(ctx);
    if (!linked) return;
    const service = deps.rules.get(serviceId);
    let facts = fill(service, {}, identityFacts(linked.citizen, linked.level));
    const answered: string[] = [];
    // "làm LLTP số 2": the form the citizen already named is an answer, not a question to ask again.
    const form = ctx.understanding?.entities.form;
    const formInput = service.inputs.find((i) => i.fills === 'request.form');
    if (form !== undefined && formInput) {
      const r = service.applyAnswer(facts, formInput.id, form);
      if (r.ok) {
        facts = r.facts;
        answered.push(formInput.id);
      }
    }
    const draft: Draft = {
      service: serviceId,
      filingKey: randomBytes(12).toString('base64url'),
      version: service.ruleSet.version,
      facts,
      answered,
      stage: 'ask',
      documents: [],
    };
    ctx.reply(
      ctx.t('requests:flow.start', {
        service: service.title[ctx.lang],
        name: linked.citizen.fullName,
        dob: formatDate(linked.citizen.dateOfBirth, ctx.lang),
      }),
    );
    await advance(ctx, draft, service, linked);
  }

  /** Asks what is missing next, or shows the decision once nothing is. */
  async function advance(
    ctx: TurnContext,
    draft: Draft,
    service: LoadedService,
    linked: LinkedIdentity,
  ): Promise<void> {
    draft = syncSubject(draft, service, linked);
    const settled = await service.settledRefusals(draft.facts, { lang: ctx.lang });
    if (settled.length > 0) return refuse(ctx, draft, settled);
    if (relationOf(draft.facts) === 'child' && !draft.child) return askChild(ctx, draft, linked);
    const input = service.nextInput(draft.facts);
    if (input) return ask(ctx, draft, service, input, linked);
    await showSummary(ctx, draft, service, linked);
  }

  /**
   * Where the person the extract is about lives, from the registry, once it is known who that is: the
   * citizen themself (the child's comes with the child). For anyone else it is not known, so not filled.
   */
  function syncSubject(draft: Draft, service: LoadedService, linked: LinkedIdentity): Draft {
    const name = 'subject.residenceProvince';
    if (!service.declares(name) || service.inputs.some((i) => i.fills === name)) return draft;
    const relation = relationOf(draft.facts);
    const asksRelation = service.inputs.some((i) => i.fills === 'subject.relation');
    if (relation === 'self' || (relation === undefined && !asksRelation))
      return { ...draft, facts: withFact(draft.facts, name, linked.citizen.residenceProvince) };
    if (relation !== 'child' && getterFor(name)(draft.facts) !== undefined)
      return { ...draft, facts: withFact(draft.facts, name, undefined) };
    return draft;
  }

  async function ask(
    ctx: TurnContext,
    draft: Draft,
    service: LoadedService,
    input: Input,
    linked: LinkedIdentity,
    problem?: { key: string; params?: Record<string, unknown> },
  ): Promise<void> {
    let dynamic: Option[] | undefined;
    if (input.type === 'choice' && input.optionsFrom !== undefined) {
      const source = deps.optionSources[input.optionsFrom];
      if (!source)
        throw new RulesError('HOSO_ERR_RULES_UNKNOWN_INPUT', `no option source ${input.optionsFrom}`);
      const subject = await subjectOf(draft, linked);
      dynamic = subject ? await source({ subject, lang: ctx.lang }) : [];
      if (dynamic.length === 0) {
        // Nothing to choose from (no visit in the book): say so and go back to the question before.
        ctx.reply(
          ctx.t(`requests:flow.noOptions.${input.optionsFrom}`, {
            defaultValue: ctx.t('requests:flow.noOptions.default'),
          }),
        );
        const previous = draft.answered.at(-1);
        if (previous) return reopen(ctx, unanswer(draft, service, previous), service, previous, linked);
        save(ctx, undefined);
        ctx.reply(ctx.t('menu.prompt'), mainMenuButtons(ctx.t, ctx.lang));
        return;
      }
    }
    const options = optionsOf(input, ctx.lang, dynamic);
    const next: Draft = {
      ...draft,
      stage: 'ask',
      asking: input.id,
      ...(dynamic ? { options: dynamic } : {}),
    };
    if (!dynamic) delete next.options;
    save(ctx, next);
    const lines = [input.prompt[ctx.lang]];
    if (problem) lines.unshift(ctx.t(problem.key, problem.params));
    if (input.help && !problem) lines.push(input.help[ctx.lang]);
    const buttons = questionButtons(input, options, ctx.t, act);
    // Not under a number question: in the terminal a typed number presses the button of that number.
    if (draft.answered.length > 0 && input.type !== 'integer') buttons.push(backButton(ctx));
    ctx.reply(lines.join('\n'), buttons);
  }

  /** Asks `inputId` again, its earlier answer forgotten. */
  async function reopen(
    ctx: TurnContext,
    draft: Draft,
    service: LoadedService,
    inputId: string,
    linked: LinkedIdentity,
  ): Promise<void> {
    const input = service.inputs.find((i) => i.id === inputId);
    if (!input) return advance(ctx, draft, service, linked);
    await ask(ctx, draft, service, input, linked);
  }

  /** Forgets one answer, and what only made sense with it (the child picked for "cho con"). */
  function unanswer(draft: Draft, service: LoadedService, inputId: string): Draft {
    const input = service.inputs.find((i) => i.id === inputId);
    const facts = input ? withFact(draft.facts, input.fills, undefined) : draft.facts;
    let next: Draft = { ...draft, facts, answered: draft.answered.filter((id) => id !== inputId) };
    if (input?.fills === 'subject.relation') next = forgetChild(next, service);
    if (next.picked?.[inputId]) {
      const { [inputId]: _forgotten, ...rest } = next.picked;
      next.picked = rest;
    }
    return prune(next, service);
  }

  /** The child picked for "cho con", and the facts read from their registry record, when that no longer holds. */
  function forgetChild(draft: Draft, service: LoadedService): Draft {
    if (!draft.child) return draft;
    const answeredFills = new Set(draft.answered.map((id) => service.inputs.find((i) => i.id === id)?.fills));
    let facts = draft.facts;
    for (const name of Object.keys(CHILD_FACTS))
      if (!answeredFills.has(name)) facts = withFact(facts, name, undefined);
    const next: Draft = { ...draft, facts };
    delete next.child;
    return next;
  }

  /** Drops answers to questions that no longer apply after a change ("cho người khác" → "cho bản thân"). */
  function prune(draft: Draft, service: LoadedService): Draft {
    let current = draft;
    for (;;) {
      const stale = service.inapplicable(current.facts, current.answered)[0];
      if (!stale) return current;
      current = unanswer(current, service, stale);
    }
  }

  async function accept(
    ctx: TurnContext,
    draft: Draft,
    service: LoadedService,
    input: Input,
    answer: Answer,
    linked: LinkedIdentity,
  ): Promise<void> {
    if (!answer.ok) return ask(ctx, draft, service, input, linked, answer);
    const r = service.applyAnswer(draft.facts, input.id, answer.value);
    if (!r.ok) return ask(ctx, draft, service, input, linked, { key: 'requests:flow.invalid.text' });
    let next: Draft = { ...draft, facts: r.facts };
    if (input.fills === 'subject.relation' && answer.value !== 'child') next = forgetChild(next, service);
    if (!next.answered.includes(input.id)) next.answered = [...next.answered, input.id];
    const picked = draft.options?.find((o) => o.value === answer.value);
    if (picked) next.picked = { ...next.picked, [input.id]: picked };
    delete next.options;
    delete next.asking;
    next = prune(next, service);
    if (
      next.editing &&
      !service.nextInput(next.facts) &&
      !(relationOf(next.facts) === 'child' && !next.child)
    ) {
      return showSummary(ctx, next, service, linked);
    }
    await advance(ctx, next, service, linked);
  }

  async function askChild(ctx: TurnContext, draft: Draft, linked: LinkedIdentity): Promise<void> {
    const children = await linked.children();
    if (children.length === 0) {
      const service = await serviceOf(draft);
      ctx.reply(ctx.t('requests:flow.child.none'));
      const relation = service.inputs.find((i) => i.fills === 'subject.relation');
      if (relation) return reopen(ctx, unanswer(draft, service, relation.id), service, relation.id, linked);
      save(ctx, undefined);
      return;
    }
    const offered = children.map((c) => ({ id: c.id, name: c.fullName, dateOfBirth: c.dateOfBirth }));
    save(ctx, { ...draft, stage: 'child', children: offered });
    ctx.reply(ctx.t('requests:flow.child.ask'), [
      ...offered.map((c, i) => ({
        label: ctx.t('requests:flow.child.label', { name: c.name, dob: formatDate(c.dateOfBirth, ctx.lang) }),
        action: act(`child:${i}`),
      })),
      backButton(ctx),
    ]);
  }

  async function pickChild(
    ctx: TurnContext,
    draft: Draft,
    index: number,
    linked: LinkedIdentity,
  ): Promise<void> {
    const chosen = draft.children?.[index];
    const service = await serviceOf(draft);
    const child = chosen && (await linked.children()).find((c) => c.id === chosen.id);
    if (!chosen || !child) return askChild(ctx, draft, linked);
    const next: Draft = { ...draft, child: chosen, facts: fill(service, draft.facts, childFacts(child)) };
    delete next.children;
    await advance(ctx, next, service, linked);
  }

  async function goBack(ctx: TurnContext, draft: Draft, linked: LinkedIdentity): Promise<void> {
    const service = await serviceOf(draft);
    // Back while changing one answer: leave it as it was and return to the summary.
    if (draft.editing) return showSummary(ctx, draft, service, linked);
    const last = draft.answered.at(-1);
    if (!last) {
      ctx.reply(ctx.t('requests:flow.firstQuestion'));
      return advance(ctx, draft, service, linked);
    }
    const next = unanswer({ ...draft, editing: false }, service, last);
    await reopen(ctx, next, service, last, linked);
  }

  /** With its trace: the summary cites the legal basis of each point. */
  async function decide(draft: Draft, service: LoadedService, lang: Lang): Promise<Decision> {
    return service.decide(draft.facts, { lang, trace: true });
  }

  async function showSummary(
    ctx: TurnContext,
    draft: Draft,
    service: LoadedService,
    linked: LinkedIdentity,
  ): Promise<void> {
    const decision = await decide(draft, service, ctx.lang);
    const next: Draft = { ...draft, stage: 'summary', editing: false };
    delete next.asking;
    save(ctx, next);
    const card = summaryCard(summaryInput(ctx, next, service, decision, linked));
    const details = {
      label: ctx.t(decision.eligible ? 'requests:flow.summary.details' : 'requests:flow.summary.basisOnly'),
      action: act('details'),
    };
    if (decision.eligible && !supportedSubject(next)) {
      ctx.reply(card, [details]);
      ctx.reply(ctx.t('requests:flow.unsupportedSubject'), summaryButtons(ctx, next, decision));
      return;
    }
    ctx.reply(card, summaryButtons(ctx, next, decision, details));
  }

  /** The fee line by line, the legal basis of each point and the answers, with the card's own choices. */
  async function showDetails(
    ctx: TurnContext,
    draft: Draft,
    service: LoadedService,
    linked: LinkedIdentity,
  ): Promise<void> {
    if (draft.stage !== 'summary' && draft.stage !== 'edit') return advance(ctx, draft, service, linked);
    const decision = await decide(draft, service, ctx.lang);
    save(ctx, { ...draft, stage: 'summary' });
    ctx.reply(
      summaryDetails(summaryInput(ctx, draft, service, decision, linked)),
      summaryButtons(ctx, draft, decision),
    );
  }

  function summaryInput(
    ctx: TurnContext,
    draft: Draft,
    service: LoadedService,
    decision: Decision,
    linked: LinkedIdentity,
  ) {
    return {
      draft,
      service,
      decision,
      subjectName: draft.child?.name ?? linked.citizen.fullName,
      holidays: deps.holidays,
      t: ctx.t,
      lang: ctx.lang,
    };
  }

  /**
   * What the citizen can do from the summary: file (when Hoso can file it), change an answer, see the details
   * (on the card only), or leave.
   */
  function summaryButtons(ctx: TurnContext, draft: Draft, decision: Decision, details?: Button): Button[] {
    const editButton = { label: ctx.t('requests:flow.edit'), action: act('edit') };
    const staffButton = { label: ctx.t('offerStaffButton'), action: 'intent:talk_to_staff' };
    const menuButton = { label: ctx.t('backToMenu'), action: 'menu' };
    const more = details ? [details] : [];
    if (!decision.eligible)
      return [...(draft.answered.length > 0 ? [editButton] : []), ...more, staffButton, menuButton];
    if (!supportedSubject(draft)) return [editButton, staffButton, menuButton];
    // The two short labels last, so that on a phone they share a row.
    return [
      { label: ctx.t('requests:flow.confirm'), action: act('confirm') },
      ...more,
      editButton,
      { label: ctx.t('requests:flow.cancel'), action: 'cancel' },
    ];
  }

  /** Hoso files online for the citizen themself or for their own child in the registry, nobody else. */
  function supportedSubject(draft: Draft): boolean {
    const relation = relationOf(draft.facts);
    return (
      relation === undefined || relation === 'self' || (relation === 'child' && draft.child !== undefined)
    );
  }

  /** Refusals no answer can lift: stop now, kindly, with what the citizen can do instead. */
  function refuse(ctx: TurnContext, draft: Draft, reasons: Decision['reasons']): void {
    // The request ends here: with no answer to change, nothing is kept, so the next message (a question, a
    // greeting, another service) is understood as itself rather than as a reply to a summary.
    save(ctx, draft.answered.length > 0 ? { ...draft, stage: 'refused' } : undefined);
    const lines = [
      ctx.t('requests:flow.settled'),
      ...reasons.map((r) => `• ${r.message}`),
      ctx.t('requests:flow.alternatives'),
    ];
    const buttons: Button[] = [];
    if (draft.answered.length > 0) buttons.push(backButton(ctx));
    buttons.push({ label: ctx.t('offerStaffButton'), action: 'intent:talk_to_staff' });
    buttons.push({ label: ctx.t('backToMenu'), action: 'menu' });
    ctx.reply(lines.join('\n'), buttons);
  }

  async function showEdit(ctx: TurnContext, draft: Draft): Promise<void> {
    const service = await serviceOf(draft);
    const lines = answerLines(draft, service, ctx.t, ctx.lang);
    save(ctx, { ...draft, stage: 'edit' });
    ctx.reply(ctx.t('requests:flow.editWhich'), [
      ...lines.map((l) => ({ label: `${l.label}: ${l.answer}`.slice(0, 120), action: act(`e:${l.id}`) })),
      { label: ctx.t('requests:flow.backToSummary'), action: act('summary') },
    ]);
  }

  async function editInput(
    ctx: TurnContext,
    draft: Draft,
    inputId: string,
    linked: LinkedIdentity,
  ): Promise<void> {
    const service = await serviceOf(draft);
    const input = service.inputs.find((i) => i.id === inputId);
    if (!input || !draft.answered.includes(inputId)) return showEdit(ctx, draft);
    // The old answer stays until a new one replaces it, so "quay lại" during an edit loses nothing.
    await ask(ctx, { ...draft, editing: true }, service, input, linked);
  }

  async function confirm(ctx: TurnContext, draft: Draft, linked: LinkedIdentity): Promise<void> {
    const service = await serviceOf(draft);
    if (draft.stage !== 'summary' && draft.stage !== 'documents') return advance(ctx, draft, service, linked);
    const decision = service.decideSync(draft.facts, { lang: ctx.lang });
    if (!decision.eligible || !supportedSubject(draft)) return showSummary(ctx, draft, service, linked);
    const reason = service.sensitiveReason(draft.facts);
    if (reason) {
      const fresh = await ctx.services.identity!.requireFreshLink(ctx, reason, {
        resumeFlow: { id: REQUEST_FLOW, args: { resume: 'confirm' } },
      });
      if (!fresh) return;
    }
    const documents = decision.documents.map((d) => {
      const received = draft.documents.find((x) => x.code === d.code && x.fileId);
      return received ? { ...received, message: d.message } : { code: d.code, message: d.message };
    });
    const next: Draft = { ...draft, documents };
    if (documents.some((d) => !d.fileId)) return askDocument(ctx, { ...next, stage: 'documents' });
    await file(ctx, next, service, decision, linked);
  }

  function askDocument(ctx: TurnContext, draft: Draft): void {
    save(ctx, draft);
    const missing = draft.documents.findIndex((d) => !d.fileId);
    const doc = draft.documents[missing]!;
    ctx.reply(
      ctx.t('requests:flow.documents.ask', {
        n: missing + 1,
        total: draft.documents.length,
        document: doc.message,
        maxMb: Math.floor(deps.intake.maxBytes / (1024 * 1024)),
      }),
      [{ label: ctx.t('requests:flow.cancel'), action: 'cancel' }],
    );
  }

  async function receiveDocument(ctx: TurnContext, draft: Draft, linked: LinkedIdentity): Promise<void> {
    const result = await deps.intake.accept(ctx.inbound.channel, ctx.inbound.file!);
    if (!result.ok) {
      ctx.reply(ctx.t(result.key, result.params));
      return askDocument(ctx, draft);
    }
    const index = draft.documents.findIndex((d) => !d.fileId);
    const documents = draft.documents.map((d, i) =>
      i === index ? { ...d, fileId: result.fileId, filename: result.filename, mimeType: result.mimeType } : d,
    );
    const next: Draft = { ...draft, documents };
    ctx.reply(ctx.t('requests:flow.documents.received', { filename: result.filename }));
    if (documents.some((d) => !d.fileId)) return askDocument(ctx, next);
    const service = await serviceOf(next);
    const decision = service.decideSync(next.facts, { lang: ctx.lang });
    if (!decision.eligible) return showSummary(ctx, next, service, linked);
    await file(ctx, next, service, decision, linked);
  }

  async function file(
    ctx: TurnContext,
    draft: Draft,
    service: LoadedService,
    decision: Decision,
    linked: LinkedIdentity,
  ): Promise<void> {
    const outcome = await fileRequest({ ctx, draft, decision, linked, requests: deps.requests });
    // Told only now: the submission job is stored before this point (RequestService.confirm).
    save(ctx, undefined);
    if (outcome.payment) {
      ctx.reply(
        ctx.t('requests:flow.filed', { code: outcome.record.code, service: service.title[ctx.lang] }),
      );
      for (const m of await paymentMessages(ctx, outcome.record, outcome.payment, deps)) ctx.reply(m);
      return;
    }
    ctx.reply(
      ctx.t('requests:flow.filedNoFee', { code: outcome.record.code, service: service.title[ctx.lang] }),
      [{ label: ctx.t('requests:status.follow'), action: `${REQUEST_FLOW}:status:${outcome.record.code}` }],
    );
  }

  /** Runs a step with the draft and the linked identity, or explains that the conversation expired. */
  async function withDraft(
    ctx: TurnContext,
    step: (draft: Draft, linked: LinkedIdentity) => Promise<void>,
  ): Promise<void> {
    const draft = draftOf(ctx);
    if (!draft) {
      if (ctx.session.flow?.id === REQUEST_FLOW) ctx.endFlow();
      ctx.reply(ctx.t('requests:flow.expired'), mainMenuButtons(ctx.t, ctx.lang));
      return;
    }
    const linked = await linkedOrEnd(ctx);
    if (!linked) return;
    try {
      await step(draft, linked);
    } catch (error) {
      await failed(ctx, error);
    }
  }

  const status = createStatusIntents({
    requests: deps.requests,
    act,
    devPayments: deps.devPayments,
    files: deps.files,
  });
  const info = createInfoIntents({ rules: deps.rules, holidays: deps.holidays });

  const flow: Flow = {
    id: REQUEST_FLOW,
    onEnd(ctx) {
      // "hủy" or the end of the request: the sealed draft goes with it.
      opened.set(ctx, undefined);
      writeDraft(ctx.session, ctx.address, deps.sealer, undefined);
    },
    async start(ctx, args) {
      if (args?.resume === 'confirm') return withDraft(ctx, (draft, linked) => confirm(ctx, draft, linked));
      const service = typeof args?.service === 'string' ? args.service : undefined;
      if (!service) return;
      try {
        await begin(ctx, service);
      } catch (error) {
        await failed(ctx, error);
      }
    },

    async onInput(ctx) {
      return (await handleInput(ctx)) === 'pass' ? 'pass' : undefined;
    },

    async onAction(ctx, payload) {
      const [verb, ...rest] = payload.split(':');
      const arg = rest.join(':');
      switch (verb) {
        case 'start':
          return flow.start(ctx, { service: arg });
        case 'status':
          return status.show(ctx, arg);
        case 'pay':
          return status.showPayment(ctx, arg);
        case 'devpay':
          return status.devPay(ctx, arg);
        case 'result':
          return status.resendResult(ctx, arg);
        case 'back':
          return withDraft(ctx, (d, l) => goBack(ctx, d, l));
        case 'edit':
          return withDraft(ctx, (d) => showEdit(ctx, d));
        case 'e':
          return withDraft(ctx, (d, l) => editInput(ctx, d, arg, l));
        case 'summary':
          return withDraft(ctx, async (d, l) => showSummary(ctx, d, await serviceOf(d), l));
        case 'details':
          return withDraft(ctx, async (d, l) => showDetails(ctx, d, await serviceOf(d), l));
        case 'confirm':
          return withDraft(ctx, (d, l) => confirm(ctx, d, l));
        case 'child':
          return withDraft(ctx, (d, l) => pickChild(ctx, d, Number(arg), l));
        case 'a':
          return withDraft(ctx, async (d, l) => {
            const [inputId, value] = [rest[0] ?? '', rest[1] ?? ''];
            const service = await serviceOf(d);
            const input = service.inputs.find((i) => i.id === inputId);
            if (!input || d.stage !== 'ask' || d.asking !== inputId) {
              // A button of an earlier question: say where we are instead of answering the wrong one.
              ctx.reply(ctx.t('requests:flow.stale'));
              return advance(ctx, d, service, l);
            }
            const answer = answerFromButton(input, optionsOf(input, ctx.lang, d.options), value);
            await accept(
              ctx,
              d,
              service,
              input,
              answer ?? { ok: false, key: 'requests:flow.invalid.choice' },
              l,
            );
          });
      }
    },
  };

  /** Resolves to 'pass' when the message is not for this flow. */
  async function handleInput(ctx: TurnContext): Promise<unknown> {
    const draft = draftOf(ctx);
    if (!draft) {
      ctx.endFlow();
      return 'pass';
    }
    const text = ctx.inbound.text;
    const folded = text !== undefined ? foldVietnamese(text) : '';
    // Files reach here only while a document is asked for (filesOutsideTheFlow).
    if (ctx.inbound.file) return withDraft(ctx, (d, linked) => receiveDocument(ctx, d, linked));
    if (text === undefined) return 'pass';
    if (BACK.test(folded) && draft.stage !== 'documents') return withDraft(ctx, (d, l) => goBack(ctx, d, l));
    if (draft.stage === 'refused') {
      save(ctx, undefined);
      return 'pass';
    }
    if (draft.stage === 'summary' || draft.stage === 'edit') {
      if (EDIT.test(folded)) return withDraft(ctx, (d) => showEdit(ctx, d));
      if (CONFIRM.test(folded)) return withDraft(ctx, (d, l) => confirm(ctx, d, l));
      if (DETAILS.test(folded))
        return withDraft(ctx, async (d, l) => showDetails(ctx, d, await serviceOf(d), l));
      if (ctx.intent !== 'unknown') return 'pass';
      ctx.reply(ctx.t('requests:flow.summaryHint'), [
        { label: ctx.t('requests:flow.confirm'), action: act('confirm') },
        { label: ctx.t('requests:flow.edit'), action: act('edit') },
      ]);
      return;
    }
    if (draft.stage === 'documents') {
      if (ctx.intent !== 'unknown') return 'pass';
      ctx.reply(ctx.t('requests:flow.documents.notFile'));
      return;
    }
    if (draft.stage === 'child') {
      const index = (draft.children ?? []).findIndex(
        (c, i) => folded === String(i + 1) || (foldVietnamese(c.name).includes(folded) && folded.length >= 2),
      );
      if (index !== -1) return withDraft(ctx, (d, l) => pickChild(ctx, d, index, l));
      if (ctx.intent !== 'unknown') return 'pass';
      return withDraft(ctx, (d, l) => askChild(ctx, d, l));
    }
    const service = await serviceOf(draft);
    const input = service.inputs.find((i) => i.id === draft.asking);
    if (!input) return withDraft(ctx, (d, l) => advance(ctx, d, service, l));
    const options = optionsOf(input, ctx.lang, draft.options);
    const answer = answerFromText(input, options, text, ctx.now);
    // Not an answer but a question of its own ("phí bao nhiêu?"): let it be answered; the question waits.
    if (!answer.ok && ctx.intent !== 'unknown' && !ownIntent(ctx, draft.service)) return 'pass';
    return withDraft(ctx, (d, l) => accept(ctx, d, service, input, answer, l));
  }

  /** The intent that started this service ("xin LLTP" typed again mid-way is not a new question). */
  function ownIntent(ctx: TurnContext, service: string): boolean {
    return (
      (service === 'lltp' && ctx.intent === 'criminal_record') ||
      (service === 'health_record' && ctx.intent === 'health_record')
    );
  }

  const startService = (service: string) => async (ctx: TurnContext) => {
    // Asked again in the middle of the same request: carry on where it was.
    const draft = draftOf(ctx);
    if (draft?.service === service && ctx.session.flow?.id === REQUEST_FLOW) {
      ctx.reply(ctx.t('requests:flow.continuing'));
      return withDraft(ctx, async (d, l) => advance(ctx, d, await serviceOf(d), l));
    }
    return flow.start(ctx, { service });
  };

  /** A file sent when no document is asked for is not kept (it may be personal), and the citizen is told. */
  /** A request left for something else (no flow active any more) leaves no personal data in the session. */
  const forgetAbandoned = async (ctx: TurnContext, next: () => Promise<void>) => {
    if (ctx.session.flow === undefined && ctx.session.slices.request !== undefined) save(ctx, undefined);
    await next();
  };

  const filesOutsideTheFlow = async (ctx: TurnContext, next: () => Promise<void>) => {
    const file = ctx.inbound.file;
    if (!file) return next();
    const draft = ctx.session.flow?.id === REQUEST_FLOW ? draftOf(ctx) : undefined;
    if (draft?.stage === 'documents') return next();
    await deps.intake.discard(ctx.inbound.channel, file);
    ctx.reply(ctx.t('requests:flow.documents.notNow'));
  };

  return {
    name: 'requests',
    middleware: [forgetAbandoned, filesOutsideTheFlow],
    flows: [flow],
    intents: {
      criminal_record: startService('lltp'),
      health_record: startService('health_record'),
      request_status: status.intent,
      fees_info: info.fees,
      documents_info: info.documents,
      processing_time_info: info.processing,
    },
  };
}
