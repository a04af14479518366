import type { TFunction } from 'i18next';
import type { Feature, Middleware, TurnContext } from '../dialogue/context.ts';
import { mainMenuButtons } from '../dialogue/features/menu.ts';
import type { Button } from '../dialogue/message.ts';
import { THRESHOLDS } from '../dialogue/nlu/intents.ts';
import { tappedButton } from '../dialogue/session.ts';
import { formatDate } from '../i18n.ts';
import { scrubPersonalData } from '../privacy/mask.ts';
import { buildHandoffPacket, type EscalationReason } from './packet.ts';
import { describeMoment, describeOfficeHours } from './schedule-text.ts';
import { type SupportServices, type SupportSlice, supportSlice } from './services.ts';
import type { Ticket } from './ticket.ts';

/** The core offers a person after this many misunderstood messages in a row (its button leads here). */
const MISSES_BEFORE_STAFF = 3;

function cancelButton(ctx: TurnContext): Button[] {
  return [{ label: ctx.t('support:cancelWait'), action: 'support:cancel' }];
}

function save(ctx: TurnContext, slice: SupportSlice): void {
  supportSlice.set(ctx.session, slice);
}

/**
 * Offers the citizen a person, remembering why and the flow as it stands, so that the packet shows what
 * they were doing even if the flow ends meanwhile. Flows call it when they fail:
 * `await offerStaff(ctx, 'flow_failed', 'HOSO_ERR_REGISTRY_UNAVAILABLE')`.
 */
export async function offerStaff(ctx: TurnContext, reason: EscalationReason, detail?: string): Promise<void> {
  if (!ctx.services.support) return;
  const slice = supportSlice.get(ctx.session);
  if (slice.ticketId) return;
  save(ctx, {
    ...slice,
    offer: {
      reason,
      ...(detail ? { detail: detail.slice(0, 500) } : {}),
      ...(ctx.session.flow ? { flow: structuredClone(ctx.session.flow) } : {}),
      at: ctx.now.toISOString(),
    },
  });
  ctx.reply(ctx.t(`support:offer.${reason}`), [
    { label: ctx.t('support:offer.accept'), action: 'support:open' },
    { label: ctx.t('support:offer.decline'), action: 'menu' },
  ]);
}

/**
 * The button added to the polite answer of a turn that failed outright (the conversation handler's
 * `failureButtons`): the session was not saved, so the reference travels in the button and reaches the
 * packet as the failure's detail.
 */
export function turnFailedButtons(t: TFunction, ref: string): Button[] {
  return [{ label: t('support:offer.accept'), action: `support:open:failed:${ref}` }];
}

/** What the citizen hears about the wait: about how long, or when staff are back. */
async function waitNotice(
  ctx: TurnContext,
  support: SupportServices,
  ticket: Ticket,
): Promise<{ text: string; returnAt?: string }> {
  const { hours } = support;
  if (hours.isOpen(ctx.now)) {
    const ahead = await support.tickets.positionOf(ticket.id);
    const minutes = (ahead + 1) * support.minutesPerTicket;
    const eta = ctx.t(ahead === 0 ? 'support:eta_first' : 'support:eta_queue', { ahead, minutes });
    return { text: eta + holidaysUnknown(ctx, hours, ctx.now) };
  }
  const next = hours.nextOpening(ctx.now);
  if (!next) return { text: ctx.t('support:noSchedule') };
  const when = describeMoment(next, ctx.t, ctx.lang);
  const holiday = hours.holidayOn(ctx.now);
  const text = holiday
    ? ctx.t('support:afterHoursHoliday', {
        holiday: ctx.lang === 'en' ? (holiday.nameEn ?? holiday.name) : holiday.name,
        when,
      })
    : ctx.t('support:afterHours', { hours: describeOfficeHours(hours, ctx.t), when });
  return { text: text + holidaysUnknown(ctx, hours, next), returnAt: next.toISOString() };
}

/**
 * When the day in question lies after the holiday data, the estimate ignores any holiday on it: say so
 * rather than promise a time staff may not keep.
 */
function holidaysUnknown(ctx: TurnContext, hours: SupportServices['hours'], at: Date): string {
  const covers = hours.coversThrough();
  if (!covers || !hours.beyondData(at)) return '';
  return ` ${ctx.t('support:holidaysUnknown', { date: formatDate(covers, ctx.lang) })}`;
}

/**
 * Opens a ticket with its handoff packet and tells the citizen a person is coming, and roughly when.
 * From then on the gate forwards their messages to the ticket instead of the bot answering.
 */
export async function openTicket(ctx: TurnContext, reason: EscalationReason, detail?: string): Promise<void> {
  const support = ctx.services.support;
  if (!support) {
    ctx.reply(ctx.t('notOpen.talk_to_staff'), [{ label: ctx.t('backToMenu'), action: 'menu' }]);
    return;
  }
  const slice = supportSlice.get(ctx.session);
  if (slice.ticketId) {
    const current = await support.tickets.get(slice.ticketId);
    if (current?.status === 'open') {
      ctx.reply(ctx.t('support:alreadyWaiting', { id: current.id }), cancelButton(ctx));
      return;
    }
  }
  const offer = slice.offer;
  const packet = await buildHandoffPacket(
    {
      session: ctx.session,
      transcript: await ctx.readTranscript(),
      address: ctx.address,
      reason: offer?.reason ?? reason,
      flow: offer?.flow ?? ctx.session.flow,
      ...((offer?.detail ?? detail) ? { detail: offer?.detail ?? detail } : {}),
      ...(ctx.inbound.displayName ? { displayName: ctx.inbound.displayName } : {}),
      now: ctx.now,
    },
    support.registry,
    ctx.log,
  );
  const ticket = await support.tickets.open({
    address: ctx.address,
    lang: ctx.lang,
    reason: packet.reason,
    packet,
    now: ctx.now,
  });
  ctx.log.info({ ticket: ticket.id, reason: packet.reason, turnId: ctx.turnId }, 'support ticket opened');
  const notice = await waitNotice(ctx, support, ticket);
  save(ctx, {
    ticketId: ticket.id,
    syncedSeq: 0,
    ...(notice.returnAt ? { toldReturnAt: notice.returnAt } : {}),
  });
  const opened = ctx.t('support:opened', { id: ticket.id });
  ctx.reply(opened);
  ctx.reply(notice.text, cancelButton(ctx));
  // Staff see what the citizen was told about the wait.
  for (const line of [opened, notice.text]) {
    await support.tickets.addMessage(ticket.id, { from: 'bot', text: line, at: ctx.now.toISOString() });
  }
}

/** Frustration alone reaches `talk_to_staff` with the NLU's fixed low confidence: offer, do not assume. */
function frustrationOnly(ctx: TurnContext): boolean {
  const u = ctx.understanding;
  return (
    ctx.inbound.action === undefined &&
    u?.frustrated === true &&
    u.intent === 'talk_to_staff' &&
    u.confidence <= THRESHOLDS.frustrationConfidence
  );
}

async function talkToStaff(ctx: TurnContext): Promise<void> {
  if (frustrationOnly(ctx)) return offerStaff(ctx, 'frustrated');
  const fromMissesOffer =
    ctx.inbound.action === 'intent:talk_to_staff' && ctx.session.misses >= MISSES_BEFORE_STAFF;
  await openTicket(ctx, fromMissesOffer ? 'misunderstood' : 'asked');
}

async function rateTicket(ctx: TurnContext, ticketId: string, rating: number): Promise<void> {
  const support = ctx.services.support;
  const ticket = support ? await support.tickets.get(ticketId) : undefined;
  const ours =
    ticket && ticket.address.channel === ctx.address.channel && ticket.address.userId === ctx.address.userId;
  if (!support || !ticket || !ours || !(await support.tickets.rate(ticketId, rating, ctx.now))) {
    ctx.reply(ctx.t('support:ratingGone'), mainMenuButtons(ctx.t, ctx.lang));
    return;
  }
  ctx.reply(ctx.t('support:rated', { rating }), mainMenuButtons(ctx.t, ctx.lang));
}

/** Copies staff replies into the conversation's transcript, so a later handoff shows the whole story. */
async function syncStaffLines(
  ctx: TurnContext,
  support: SupportServices,
  slice: SupportSlice,
): Promise<void> {
  if (!slice.ticketId) return;
  const lines = await support.tickets.messages(slice.ticketId, slice.syncedSeq);
  if (lines.length === 0) return;
  for (const line of lines) {
    if (line.from === 'staff') ctx.transcript.push({ from: 'staff', text: line.text, at: line.at });
  }
  // Staff wrote before this message: their lines go before this turn's (earlier turns' are saved already).
  ctx.transcript.sort((a, b) => a.at.localeCompare(b.at));
  slice.syncedSeq = lines.at(-1)!.seq;
}

function wantsCancel(ctx: TurnContext): boolean {
  const action = ctx.inbound.action;
  if (action === 'support:cancel' || action === 'cancel') return true;
  return action === undefined && ctx.inbound.text !== undefined && ctx.intent === 'cancel';
}

function describeInbound(ctx: TurnContext): string {
  const { inbound } = ctx;
  if (inbound.text !== undefined) return inbound.text;
  if (inbound.action !== undefined) return tappedButton(inbound.action, ctx.session);
  if (inbound.contact) return '[contact]';
  return `[file ${inbound.file?.filename ?? ''}]`.replace(' ]', ']');
}

const RATING_TEXT = /^\s*([1-5])\s*(?:\*|★|⭐|sao|stars?)?\s*$/i;

/**
 * While a person handles the conversation the bot stays quiet: the citizen's messages go to the ticket.
 * Only cancelling the wait is still the bot's business. Registered before the core so that "hủy" reaches it.
 */
const handoffGate: Middleware = async (ctx, next) => {
  const support = ctx.services.support;
  if (!support) return next();
  const slice = supportSlice.get(ctx.session);

  if (!slice.ticketId) return next();

  const ticket = await support.tickets.get(slice.ticketId);
  await syncStaffLines(ctx, support, slice);
  if (ticket?.status !== 'open') {
    // The person closed or handed back since the last message: the bot answers again. The first message
    // after a close may be the rating, typed as a digit instead of pressing a button.
    save(ctx, { syncedSeq: 0 });
    const digit = ctx.inbound.text !== undefined ? RATING_TEXT.exec(ctx.inbound.text) : null;
    if (digit && ticket?.status === 'closed' && ticket.rating === undefined) {
      return rateTicket(ctx, ticket.id, Number(digit[1]));
    }
    return next();
  }

  if (wantsCancel(ctx)) {
    ctx.intent = 'cancel';
    const ended = await support.tickets.end(ticket.id, { status: 'cancelled', by: 'citizen', at: ctx.now });
    if (ended) {
      await support.tickets.addMessage(ticket.id, {
        from: 'system',
        text: 'Người dân đã hủy yêu cầu.',
        at: ctx.now.toISOString(),
      });
    }
    save(ctx, { syncedSeq: 0 });
    ctx.reply(ctx.t('support:cancelled', { id: ticket.id }), mainMenuButtons(ctx.t, ctx.lang));
    return;
  }
  if (ctx.inbound.action?.startsWith('support:rate:')) return next();

  await support.tickets.addMessage(ticket.id, {
    from: 'citizen',
    text: scrubPersonalData(describeInbound(ctx)).slice(0, 4096),
    at: ctx.now.toISOString(),
  });
  if (ctx.intent === 'talk_to_staff' || ctx.inbound.action === 'support:open') {
    ctx.reply(ctx.t('support:alreadyWaiting', { id: ticket.id }), cancelButton(ctx));
  } else if (!support.hours.isOpen(ctx.now) && !ticket.claimedBy) {
    const next = support.hours.nextOpening(ctx.now);
    if (next && slice.toldReturnAt !== next.toISOString()) {
      slice.toldReturnAt = next.toISOString();
      ctx.reply(
        ctx.t('support:stillAfterHours', { when: describeMoment(next, ctx.t, ctx.lang) }) +
          holidaysUnknown(ctx, support.hours, next),
      );
    }
  }
  save(ctx, slice);
  for (const m of ctx.messages) {
    if (m.type === 'text') {
      await support.tickets.addMessage(ticket.id, { from: 'bot', text: m.text, at: ctx.now.toISOString() });
    }
  }
};

/** Frustration next to a request the bot can handle: answer it, then offer a person as well. */
const offerOnFrustration: Middleware = async (ctx, next) => {
  await next();
  if (!ctx.services.support || ctx.understanding?.frustrated !== true) return;
  if (ctx.intent === 'talk_to_staff' || ctx.intent === 'cancel') return;
  if (supportSlice.get(ctx.session).ticketId) return;
  const offeredAlready = ctx.messages.some(
    (m) => m.type === 'text' && m.buttons?.some((b) => b.action === 'support:open'),
  );
  if (!offeredAlready) await offerStaff(ctx, 'frustrated');
};

/** Registered first, before the core: the gate that keeps the bot quiet while a person handles the chat. */
export const supportGateFeature: Feature = { name: 'support-gate', middleware: [handoffGate] };

/** Registered last: replaces the core's "not open yet" answer to `talk_to_staff`. */
export const supportFeature: Feature = {
  name: 'support',
  middleware: [offerOnFrustration],
  intents: { talk_to_staff: talkToStaff },
  actions: {
    support: async (ctx, payload) => {
      if (payload === 'open') {
        const offer = supportSlice.get(ctx.session).offer;
        return openTicket(ctx, offer?.reason ?? 'asked');
      }
      const failed = /^open:failed:([\w-]{1,36})$/.exec(payload);
      if (failed) return openTicket(ctx, 'flow_failed', `turn failed, reference ${failed[1]}`);
      if (payload === 'cancel') {
        ctx.reply(ctx.t('support:nothingToCancel'), mainMenuButtons(ctx.t, ctx.lang));
        return;
      }
      const rate = /^rate:(HT-\d{4}-\d{6}):([1-5])$/.exec(payload);
      if (rate) return rateTicket(ctx, rate[1]!, Number(rate[2]));
      ctx.reply(ctx.t('menu.prompt'), mainMenuButtons(ctx.t, ctx.lang));
    },
  },
};
