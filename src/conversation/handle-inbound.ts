import { randomUUID } from 'node:crypto';
import type { TFunction } from 'i18next';
import { z } from 'zod';
import type { TurnLogger } from '../dialogue/context.ts';
import type { DialogueEngine } from '../dialogue/engine.ts';
import {
  type Button,
  type Inbound,
  InboundSchema,
  JobSchema,
  type Outbound,
  OutboundSchema,
  text,
} from '../dialogue/message.ts';
import type { Session } from '../dialogue/session.ts';
import type { Lang, Translator } from '../i18n.ts';
import type { JobQueue } from '../jobs/types.ts';
import {
  type ConversationLocks,
  type HeldLock,
  LockLostError,
  LockTimeoutError,
} from '../store/conversation-lock.ts';
import type { SessionStore } from '../store/session-store.ts';
import type { FencedWrite } from '../store/types.ts';
import { isStoreUnavailable } from '../store/unavailable.ts';
import type { UpdateDedupe } from '../store/update-dedupe.ts';

export interface HandleResult {
  messages: Outbound[];
  /** True when this update was already handled and answered (a redelivery): nothing was done. */
  duplicate: boolean;
  /** True when the turn had run before but its answer was not known to be sent: this is that answer again. */
  replayed?: boolean;
  turnId: string;
  /** The conversation's language after the turn, for the channel's own chrome. */
  lang: Lang;
  /**
   * Set when the turn failed and the citizen got a polite apology instead: the error's code
   * (`HOSO_ERR_BUSY`, `HOSO_ERR_UNAVAILABLE`, `HOSO_ERR_INTERNAL`…), for the metrics.
   */
  failed?: string;
}

export interface HandleOptions {
  /**
   * Sends the answer on the channel while the conversation is still locked, so answers leave in order and a
   * redelivery waiting for the lock finds them sent. If it throws, the answer stays stored with the update
   * and the next delivery of the same update sends it again (the turn itself does not run twice).
   * Without it the caller renders `messages` itself (the web chat's HTTP answer, the terminal).
   */
  deliver?: (messages: Outbound[], lang: Lang) => Promise<void>;
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
  /**
   * Buttons added to the polite answer of a turn that failed (the support module offers a person there);
   * `ref` is the reference the citizen is given.
   */
  failureButtons?: (t: TFunction, ref: string) => Button[];
  /**
   * Counts one message of a conversation and says whether it is within the conversation's rate
   * (CONVERSATION_MESSAGES_PER_MINUTE); beyond it the citizen is asked to slow down and the turn does not run.
   */
  withinMessageRate?: (conversation: string) => Promise<boolean>;
}

export type ConversationHandler = (raw: unknown, options?: HandleOptions) => Promise<HandleResult>;

export function sessionKey(channel: string, userId: string): string {
  return `${channel}:${userId}`;
}

const StoredAnswerSchema = z.object({
  messages: z.array(OutboundSchema),
  jobs: z.array(JobSchema).default([]),
});

/** The channel could not send an answer: the caller's failure, passed on (the webhook answers 500, Telegram retries). */
export class DeliveryError extends Error {
  readonly code = 'HOSO_ERR_CHANNEL_UNAVAILABLE';
  constructor(cause: unknown) {
    super(`the answer could not be sent: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = 'DeliveryError';
  }
}

/**
 * One turn, safely: check the input, take the conversation's lock (reading the session and the update's
 * record in the same round trip), act once per update, run the engine, then save the session together with
 * the update's answer in one fenced write — only while the lock is still ours — and queue the turn's jobs.
 * With `deliver`, the answer is sent before the lock goes, and only then is the update marked sent.
 * A failed turn answers the citizen politely with a reference and logs the cause.
 */
export function createConversationHandler(deps: ConversationHandlerDeps): ConversationHandler {
  const { engine, sessions, dedupe, locks, jobs, translator, log } = deps;

  async function send(deliver: HandleOptions['deliver'], messages: Outbound[], lang: Lang): Promise<void> {
    if (!deliver || messages.length === 0) return;
    try {
      await deliver(messages, lang);
    } catch (err) {
      throw new DeliveryError(err);
    }
  }

  /** Marks an update sent and lets the lock go. The answer is out already: a lost lock only means a rare resend. */
  async function finish(lock: HeldLock, writes: FencedWrite[], turnId: string): Promise<void> {
    try {
      await lock.write(writes, { release: true });
    } catch (err) {
      if (!(err instanceof LockLostError)) throw err;
      log.warn({ turnId, err: err.message }, 'answer sent, but the lock expired before it was marked sent');
    }
  }

  return async function handle(raw, options = {}) {
    const { deliver } = options;
    const turnId = randomUUID();
    const parsed = InboundSchema.safeParse(raw);
    if (!parsed.success) {
      log.warn(
        { turnId, issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) },
        'bad inbound',
      );
      const lang = deps.defaultLang;
      const messages = [text(badInputMessage(raw, translator.t(lang)))];
      await send(deliver, messages, lang);
      return { messages, duplicate: false, turnId, lang };
    }
    const inbound: Inbound = parsed.data;
    const { channel, updateId } = inbound;
    const key = sessionKey(channel, inbound.userId);
    const recordKey = updateId !== undefined ? dedupe.key(channel, updateId) : undefined;
    let lang: Lang = deps.defaultLang;
    let failure: HandleResult;
    try {
      return await locks.run(
        key,
        async (lock): Promise<HandleResult> => {
          const [sessionRaw = null, recordRaw = null] = lock.read;
          // Checked by every delivery once it holds the lock: whichever delivery of an update got the lock
          // first ran the turn, and the others only find its record.
          const record = updateId !== undefined ? dedupe.parse(recordRaw) : undefined;
          if (record?.state === 'sent') {
            log.info({ turnId, channel, updateId }, 'duplicate update ignored');
            return { messages: [], duplicate: true, turnId, lang: deps.defaultLang };
          }
          if (record?.state === 'answered' && updateId !== undefined) {
            lang = record.lang;
            const stored = StoredAnswerSchema.safeParse(record);
            const messages = stored.success ? stored.data.messages : [];
            log.info({ turnId, channel, updateId }, 'update delivered again: sending its stored answer');
            // Keyed jobs are dropped by the queue when the first delivery queued them already.
            for (const job of stored.success ? stored.data.jobs : []) if (job.key) await jobs.enqueue(job);
            if (deliver) {
              await send(deliver, messages, lang);
              await finish(lock, [dedupe.sent(channel, updateId)], turnId);
            }
            return { messages, duplicate: false, replayed: true, turnId, lang };
          }
          const stored = sessions.decode(key, sessionRaw);
          if (stored) lang = stored.lang;
          // A flood of messages (a script, a stuck key) would each run a turn and its look-ups: past the rate,
          // one polite line instead, recorded as the update's answer so a redelivery does not count again.
          if (deps.withinMessageRate && !(await deps.withinMessageRate(key))) {
            log.warn({ turnId, channel }, 'conversation over its message rate');
            const messages = [text(translator.t(lang)('errors.tooManyMessages'))];
            const writes =
              updateId !== undefined ? [dedupe.answered(channel, updateId, messages, lang, [])] : [];
            if (writes.length > 0) await lock.write(writes, { release: !deliver });
            if (deliver) {
              await send(deliver, messages, lang);
              await finish(lock, updateId !== undefined ? [dedupe.sent(channel, updateId)] : [], turnId);
            }
            return { messages, duplicate: false, turnId, lang };
          }
          // The session was parsed for this turn alone, so the engine may change it in place.
          const result = await engine.turn(stored, inbound, turnId, { owned: true });
          lang = result.session.lang;
          const writes = [sessions.encode(key, result.session)];
          if (updateId !== undefined) {
            writes.push(dedupe.answered(channel, updateId, result.messages, lang, result.jobs));
          }
          // Nothing is saved unless the lock is still ours, and the session and the answer are saved together.
          await lock.write(writes, { release: !deliver });
          // The session is saved before jobs are queued: a job may read what this turn decided.
          for (const job of result.jobs) await jobs.enqueue(job);
          if (deliver) {
            await send(deliver, result.messages, lang);
            await finish(lock, updateId !== undefined ? [dedupe.sent(channel, updateId)] : [], turnId);
          }
          return { messages: result.messages, duplicate: false, turnId, lang };
        },
        { read: recordKey ? [sessions.storeKey(key), recordKey] : [sessions.storeKey(key)] },
      );
    } catch (err) {
      if (err instanceof DeliveryError) throw err;
      const t = translator.t(lang);
      if (err instanceof LockTimeoutError || err instanceof LockLostError) {
        log.warn({ turnId, channel, err: err.message }, 'conversation lock timeout');
        failure = { messages: [text(t('errors.busy'))], duplicate: false, turnId, lang, failed: err.code };
      } else if (isStoreUnavailable(err)) {
        log.warn({ turnId, channel, err: (err as Error).message }, 'turn refused: the store is unavailable');
        failure = {
          messages: [text(t('errors.unavailable'))],
          duplicate: false,
          turnId,
          lang,
          failed: 'HOSO_ERR_UNAVAILABLE',
        };
      } else {
        log.error({ turnId, channel, err }, 'turn failed');
        const ref = turnId.slice(0, 8);
        failure = {
          messages: [text(t('errors.internal', { ref }), deps.failureButtons?.(t, ref))],
          duplicate: false,
          turnId,
          lang,
          failed: codeOf(err) ?? 'HOSO_ERR_INTERNAL',
        };
      }
    }
    await send(deliver, failure.messages, lang);
    return failure;
  };
}

/** The error's own HOSO_ERR_ code, when it carries one. */
function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('HOSO_ERR_') ? code : undefined;
}

function badInputMessage(raw: unknown, t: TFunction): string {
  const textValue = (raw as { text?: unknown } | null)?.text;
  if (typeof textValue === 'string' && textValue.length > 4096) return t('errors.tooLong', { max: 4096 });
  return t('errors.unsupported');
}
