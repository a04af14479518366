import { randomUUID } from 'node:crypto';
import type { TFunction } from 'i18next';
import type { TurnLogger } from '../dialogue/context.ts';
import type { DialogueEngine } from '../dialogue/engine.ts';
import { type Inbound, InboundSchema, type Outbound, text } from '../dialogue/message.ts';
import type { Session } from '../dialogue/session.ts';
import type { Lang, Translator } from '../i18n.ts';
import type { JobQueue } from '../jobs/types.ts';
import { type ConversationLocks, LockTimeoutError } from '../store/conversation-lock.ts';
import type { SessionStore } from '../store/session-store.ts';
import type { UpdateDedupe } from '../store/update-dedupe.ts';

export interface HandleResult {
  messages: Outbound[];
  /** True when this update was already handled (a redelivery): nothing was done. */
  duplicate: boolean;
  turnId: string;
  /** The conversation's language after the turn, for the channel's own chrome. */
  lang: Lang;
}

export interface ConversationHandlerDeps {
  engine: DialogueEngine;
  sessions: SessionStore<Session>;
  dedupe: UpdateDedupe;
  locks: ConversationLocks;
  jobs: JobQueue;
  translator: Translator;
  log: TurnLogger;
  defaultLang: Lang;
}

export type ConversationHandler = (raw: unknown) => Promise<HandleResult>;

export function sessionKey(channel: string, userId: string): string {
  return `${channel}:${userId}`;
}

/**
 * One turn, safely: check the input, act once per update, one turn per conversation at a time,
 * load → engine → save, then queue the turn's jobs. A failure answers the citizen politely and logs the cause.
 */
export function createConversationHandler(deps: ConversationHandlerDeps): ConversationHandler {
  const { engine, sessions, dedupe, locks, jobs, translator, log } = deps;

  return async function handle(raw) {
    const turnId = randomUUID();
    const parsed = InboundSchema.safeParse(raw);
    if (!parsed.success) {
      log.warn(
        { turnId, issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) },
        'bad inbound',
      );
      const lang = deps.defaultLang;
      return { messages: [text(badInputMessage(raw, translator.t(lang)))], duplicate: false, turnId, lang };
    }
    const inbound: Inbound = parsed.data;
    const updateId = inbound.updateId;
    const duplicate = (): HandleResult => {
      log.info({ turnId, channel: inbound.channel, updateId }, 'duplicate update ignored');
      return { messages: [], duplicate: true, turnId, lang: deps.defaultLang };
    };
    const first = updateId === undefined || (await dedupe.claim(inbound.channel, updateId));
    if (!first && (await dedupe.isDone(inbound.channel, updateId))) return duplicate();
    const key = sessionKey(inbound.channel, inbound.userId);
    let lang: Lang = deps.defaultLang;
    try {
      return await locks.run(key, async () => {
        // A redelivery that waited for the lock: the first delivery may have finished meanwhile.
        if (!first && (await dedupe.isDone(inbound.channel, updateId!))) return duplicate();
        const stored = await sessions.load(key);
        if (stored) lang = stored.lang;
        const result = await engine.turn(stored, inbound, turnId);
        // The session is saved before jobs are queued: a job may read what this turn decided.
        await sessions.save(key, result.session);
        for (const job of result.jobs) await jobs.enqueue(job);
        if (updateId !== undefined) await dedupe.complete(inbound.channel, updateId);
        return { messages: result.messages, duplicate: false, turnId, lang: result.session.lang };
      });
    } catch (err) {
      const t = translator.t(lang);
      if (err instanceof LockTimeoutError) {
        log.warn({ turnId, channel: inbound.channel }, 'conversation lock timeout');
        return { messages: [text(t('errors.busy'))], duplicate: false, turnId, lang };
      }
      log.error({ turnId, channel: inbound.channel, err }, 'turn failed');
      return {
        messages: [text(t('errors.internal', { ref: turnId.slice(0, 8) }))],
        duplicate: false,
        turnId,
        lang,
      };
    }
  };
}

function badInputMessage(raw: unknown, t: TFunction): string {
  const textValue = (raw as { text?: unknown } | null)?.text;
  if (typeof textValue === 'string' && textValue.length > 4096) return t('errors.tooLong', { max: 4096 });
  return t('errors.unsupported');
}
