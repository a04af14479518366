import { randomUUID } from 'node:crypto';
import { scrubPersonalData } from '../privacy/mask.ts';
import type {
  DialogueDeps,
  Feature,
  Flow,
  IntentHandler,
  Middleware,
  TurnContext,
  TurnResult,
} from './context.ts';
import { type Button, type Inbound, type Outbound, text } from './message.ts';
import type { Intent } from './nlu/schema.ts';
import { newSession, type Session, TRANSCRIPT_LIMIT, type TranscriptEntry, tappedButton } from './session.ts';

export interface DialogueEngine {
  /**
   * One turn: the session as stored (or undefined for a new citizen) and what they did → what to store, say and
   * do. The given session is left untouched unless `owned` says the caller will not use it again (it was
   * parsed for this turn alone), which spares a deep copy on every turn.
   */
  turn(
    session: Session | undefined,
    inbound: Inbound,
    turnId?: string,
    options?: { owned?: boolean },
  ): Promise<TurnResult>;
  flows: ReadonlyMap<string, Flow>;
}

export class DialogueError extends Error {
  readonly code = 'HOSO_ERR_DIALOGUE';
}

/**
 * The channel-agnostic conversation engine: a composition of features over plain data. It knows nothing of
 * Telegram, HTTP or Redis; the same transcript fixtures run against it and against every channel.
 */
export function createDialogueEngine(features: Feature[], deps: DialogueDeps): DialogueEngine {
  const flows = new Map<string, Flow>();
  const intents = new Map<Intent, IntentHandler>();
  const actions = new Map<string, (ctx: TurnContext, payload: string) => Promise<void>>();
  const featureMiddleware: Middleware[] = [];
  for (const feature of features) {
    for (const flow of feature.flows ?? []) {
      if (flows.has(flow.id)) throw new DialogueError(`flow ${flow.id} registered twice`);
      flows.set(flow.id, flow);
    }
    // Later features override earlier ones: a real service replaces the "not yet open" answer.
    for (const [intent, handler] of Object.entries(feature.intents ?? {}))
      intents.set(intent as Intent, handler);
    for (const [name, handler] of Object.entries(feature.actions ?? {})) actions.set(name, handler);
    featureMiddleware.push(...(feature.middleware ?? []));
  }

  async function routeIntent(ctx: TurnContext): Promise<void> {
    const handler = intents.get(ctx.intent) ?? intents.get('unknown');
    if (!handler) throw new DialogueError(`no handler for intent ${ctx.intent}`);
    await handler(ctx);
  }

  const routeAction: Middleware = async (ctx, next) => {
    const action = ctx.inbound.action;
    if (!action) return next();
    const colon = action.indexOf(':');
    const name = colon === -1 ? action : action.slice(0, colon);
    const payload = colon === -1 ? '' : action.slice(colon + 1);
    if (name === 'intent') {
      ctx.intent = payload as Intent;
      return routeIntent(ctx);
    }
    const global = actions.get(name);
    if (global) return global(ctx, payload);
    const flow = flows.get(name);
    if (flow?.onAction) return flow.onAction(ctx, payload);
    // A button from an old message whose flow no longer exists: treat it as not understood.
    ctx.intent = 'unknown';
    return routeIntent(ctx);
  };

  const activeFlow: Middleware = async (ctx, next) => {
    const state = ctx.session.flow;
    const flow = state ? flows.get(state.id) : undefined;
    if (state && !flow) ctx.session.flow = undefined;
    if (!flow) return next();
    if ((await flow.onInput(ctx)) === 'pass') return next();
  };

  const pipeline = compose([...featureMiddleware, routeAction, activeFlow, async (ctx) => routeIntent(ctx)]);

  async function turn(
    stored: Session | undefined,
    inbound: Inbound,
    turnId = randomUUID(),
    options: { owned?: boolean } = {},
  ): Promise<TurnResult> {
    const now = deps.now?.() ?? new Date();
    const session: Session = stored
      ? options.owned
        ? stored
        : structuredClone(stored)
      : newSession(initialLang(inbound, deps), now);
    const understanding = inbound.text !== undefined ? deps.understand(inbound.text) : undefined;
    const messages: Outbound[] = [];
    const jobs: TurnResult['jobs'] = [];
    // Lines of a session saved before the transcript had its own list go there with this turn's.
    const transcript: TranscriptEntry[] = session.transcriptBacklog ?? [];
    delete session.transcriptBacklog;
    const address = { channel: inbound.channel, userId: inbound.userId };

    const ctx: TurnContext = {
      inbound,
      address,
      session,
      now,
      turnId,
      services: deps.services,
      log: deps.log,
      get lang() {
        return session.lang;
      },
      get t() {
        return deps.translator.t(session.lang);
      },
      understanding,
      intent: understanding?.intent ?? 'unknown',
      messages,
      jobs,
      transcript,
      async readTranscript() {
        const earlier = (await deps.transcripts?.read(address)) ?? [];
        return [...earlier, ...transcript].slice(-TRANSCRIPT_LIMIT);
      },
      reply(message: Outbound | string, buttons?: Button[]) {
        messages.push(typeof message === 'string' ? text(message, buttons) : message);
      },
      enqueue(job) {
        jobs.push(job);
      },
      async startFlow(id, args) {
        const flow = flows.get(id);
        if (!flow) throw new DialogueError(`unknown flow ${id}`);
        await flow.start(ctx, args);
      },
      async dispatch(intent) {
        ctx.intent = intent;
        await routeIntent(ctx);
      },
      endFlow() {
        const id = session.flow?.id;
        session.flow = undefined;
        if (id) flows.get(id)?.onEnd?.(ctx);
      },
    };

    remember(transcript, 'citizen', describeInbound(inbound, session), now);
    session.turns += 1;
    await pipeline(ctx);
    const merged = mergeTexts(messages);
    for (const m of merged)
      remember(transcript, 'bot', m.type === 'text' ? gist(m.text) : `[${m.filename}]`, now, BOT_LINE);
    const shown = merged.flatMap((m) => (m.type === 'text' ? (m.buttons ?? []) : []));
    if (shown.length > 0) {
      session.shownButtons = Object.fromEntries(shown.slice(0, 40).map((b) => [b.action, b.label]));
    }
    return { session, messages: merged, jobs, transcript: transcript.slice(-TRANSCRIPT_LIMIT) };
  }

  return { turn, flows };
}

function initialLang(inbound: Inbound, deps: DialogueDeps): 'vi' | 'en' {
  if (inbound.localeHint?.toLowerCase().startsWith('vi')) return 'vi';
  if (inbound.localeHint?.toLowerCase().startsWith('en')) return 'en';
  return deps.defaultLang;
}

function describeInbound(inbound: Inbound, session: Session): string {
  if (inbound.text !== undefined) return inbound.text;
  if (inbound.action !== undefined) return tappedButton(inbound.action, session);
  if (inbound.contact) return '[contact]';
  return `[file ${inbound.file?.filename ?? ''}]`.trim();
}

/**
 * The bot's own texts (notices, help, fees) are known to staff: their first line, cut short, is enough to
 * follow the thread, and keeps the transcript that every turn writes small.
 */
const BOT_LINE = 80;

function gist(text: string): string {
  const end = text.indexOf('\n');
  return end === -1 ? text : `${text.slice(0, end).trimEnd()} …`;
}
const CITIZEN_LINE = 2000;

/** Personal numbers are masked before they enter the transcript kept for staff. */
function remember(
  transcript: TranscriptEntry[],
  from: 'citizen' | 'bot',
  body: string,
  now: Date,
  limit = CITIZEN_LINE,
): void {
  const line = body.length > limit ? `${body.slice(0, limit - 1)}…` : body;
  transcript.push({ from, text: scrubPersonalData(line), at: now.toISOString() });
}

/** Telegram's limit for one message; merged texts stay under it. */
const MAX_TEXT = 4096;

/**
 * Consecutive texts become one message when the earlier one carries no buttons: fewer bubbles on a phone,
 * and one channel call instead of several.
 */
function mergeTexts(messages: Outbound[]): Outbound[] {
  const out: Outbound[] = [];
  for (const m of messages) {
    const last = out.at(-1);
    if (
      m.type === 'text' &&
      last?.type === 'text' &&
      !last.buttons?.length &&
      last.text.length + m.text.length + 2 <= MAX_TEXT
    ) {
      out[out.length - 1] = { ...m, text: `${last.text}\n\n${m.text}` };
      continue;
    }
    out.push(m);
  }
  return out;
}

function compose(middleware: Middleware[]): (ctx: TurnContext) => Promise<void> {
  return (ctx) => {
    const run = async (i: number): Promise<void> => {
      const mw = middleware[i];
      if (mw) await mw(ctx, () => run(i + 1));
    };
    return run(0);
  };
}
