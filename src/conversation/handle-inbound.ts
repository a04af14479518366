import { randomUUID } from 'node:crypto';
import type { TFunction } from 'i18next';
import { z } from 'zod';
import type { TurnLogger, TurnResult } from '../dialogue/context.ts';
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
import { defineSlice, type Session } from '../dialogue/session.ts';
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
import type { TranscriptLog } from './transcript-log.ts';

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
  /** Where each turn's transcript lines go, in the same fenced write as the session. */
  transcripts?: TranscriptLog;
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
   * Messages a conversation may send in a minute (CONVERSATION_MESSAGES_PER_MINUTE); beyond it the citizen is
   * asked to slow down and the turn does not run. Counted in the session, so it costs no round trip of its own.
   */
  messagesPerMinute?: number;
}

export type ConversationHandler = (raw: unknown, options?: HandleOptions) => Promise<HandleResult>;

export function sessionKey(channel: string, userId: string): string {
  return `${channel}:${userId}`;
}

/** The last few update ids handled in the conversation (channels whose ids increase), for acting once. */
const seenSlice = defineSlice('seen', z.array(z.number().int().nonnegative()).max(16), () => []);
/** The conversation's message count in the current minute: [minute since the epoch, count]. */
const RateSchema = z.tuple([z.number().int(), z.number().int().nonnegative()]);
const rateSlice = defineSlice('rate', RateSchema, (): z.infer<typeof RateSchema> => [0, 0]);

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
 * One turn, safely: take the conversation's lock while reading the session and what is known of the update
 * (one round trip), act once per update, run the engine, then save the session, its transcript lines and the
 * update's record in one fenced write (nothing is written unless the lock is still ours). When the caller
 * renders the answer (the web chat) that write also lets the lock go: two round trips. With `deliver` the
 * answer is kept with the update in that write, sent while the conversation is still locked, and dropped as
 * the lock goes (a third): a process that dies at any point leaves either the turn undone or its answer kept
 * for the redelivery to send, never a citizen told something the session does not remember.
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

  /**
   * The turn's lines go to the transcript, written in the background; a turn that queues jobs has them written
   * first, so that a job in another process (erasing the conversation, handing it to staff) finds them there.
   */
  async function keepTranscript(
    conversation: string,
    turn: Pick<TurnResult, 'transcript' | 'jobs'>,
  ): Promise<void> {
    if (!deps.transcripts) return;
    deps.transcripts.append(conversation, turn.transcript);
    if (turn.jobs.length > 0) await deps.transcripts.flush();
  }

  /**
   * Marks a sent answer sent and lets the lock go. The answer is out already: a lost lock (a process that
   * stalled past the lock's life) is logged, not told to the citizen; the worst it costs is a resend.
   */
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
    let lang: Lang = deps.defaultLang;
    let failure: HandleResult;
    try {
      return await locks.run(
        key,
        async (lock): Promise<HandleResult> => {
          const [sessionRaw = null, ...read] = lock.read;
          const stored = sessions.decode(key, sessionRaw);
          if (stored) lang = stored.lang;
          const seen = stored ? seenSlice.get(stored) : [];
          // Checked by every delivery once it holds the lock: whichever delivery of an update got the lock
          // first ran the turn, and the others only find what it left.
          const status = dedupe.status(channel, updateId, read, seen);
          if (status.kind === 'sent') {
            log.info({ turnId, channel, updateId }, 'duplicate update ignored');
            return { messages: [], duplicate: true, turnId, lang: deps.defaultLang };
          }
          if (status.kind === 'answered') {
            lang = status.record.lang;
            const kept = StoredAnswerSchema.safeParse(status.record);
            const messages = kept.success ? kept.data.messages : [];
            log.info({ turnId, channel, updateId }, 'update delivered again: sending its stored answer');
            // Keyed jobs are dropped by the queue when the first delivery queued them already.
            for (const job of kept.success ? kept.data.jobs : []) if (job.key) await jobs.enqueue(job);
            if (deliver) {
              await send(deliver, messages, lang);
              await finish(lock, dedupe.handled({ conversation: key, channel, updateId, read }), turnId);
            }
            return { messages, duplicate: false, replayed: true, turnId, lang };
          }

          let turn: Pick<TurnResult, 'session' | 'messages' | 'jobs' | 'transcript'>;
          const minute = Math.floor(Date.now() / 60_000);
          const [rateMinute, rateCount] = stored ? rateSlice.get(stored) : [minute, 0];
          const count = rateMinute === minute ? rateCount + 1 : 1;
          if (stored && deps.messagesPerMinute !== undefined && count > deps.messagesPerMinute) {
            // A flood of messages (a script, a stuck key) would each run a turn and its look-ups: past the
            // rate, one polite line instead, and the update counts as handled so a redelivery does not count again.
            log.warn({ turnId, channel }, 'conversation over its message rate');
            turn = {
              session: stored,
              messages: [text(translator.t(lang)('errors.tooManyMessages'))],
              jobs: [],
              transcript: [],
            };
          } else {
            // The session was parsed for this turn alone, so the engine may change it in place.
            turn = await engine.turn(stored, inbound, turnId, { owned: true });
          }
          lang = turn.session.lang;
          rateSlice.set(turn.session, [minute, count]);
          const remembered = dedupe.remember(channel, updateId, seen);
          seenSlice.set(turn.session, remembered.length > 0 ? remembered : undefined);
          const save: FencedWrite[] = [sessions.encode(key, turn.session)];
          const answer = { messages: turn.messages, jobs: turn.jobs, lang };

          if (!deliver) {
            // The caller renders the answer: it is kept briefly, so a retry of the message gets it again.
            save.push(
              ...dedupe.handled({
                conversation: key,
                channel,
                updateId,
                read,
                answer: { ...answer, undelivered: false },
              }),
            );
            // Nothing is saved unless the lock is still ours; the session and the update's record are saved
            // together, and the lock goes in the same step. The turn's transcript lines follow once it is saved.
            await lock.write(save, { release: true });
            await keepTranscript(key, turn);
            // The session is saved before jobs are queued: a job may read what this turn decided.
            for (const job of turn.jobs) await jobs.enqueue(job);
            return { messages: turn.messages, duplicate: false, turnId, lang };
          }

          // Saved before the answer leaves, with the answer kept for this update: a citizen who has read
          // "consent recorded" must find it recorded on their next message, even if this process dies now.
          // A redelivery (the process died, or sending failed) sends the kept answer instead of a second turn.
          save.push(
            ...dedupe.handled({
              conversation: key,
              channel,
              updateId,
              read,
              answer: { ...answer, undelivered: true },
            }),
          );
          await lock.write(save, { release: false });
          await keepTranscript(key, turn);
          // The session is saved before jobs are queued: a job may read what this turn decided.
          for (const job of turn.jobs) await jobs.enqueue(job);
          // The answer leaves while the conversation is still locked, so answers leave in order; then the kept
          // answer is dropped (and an unordered channel's update marked) as the lock goes, in one step.
          await send(deliver, turn.messages, lang);
          await finish(
            lock,
            dedupe.handled({ conversation: key, channel, updateId, read, answerKept: true }),
            turnId,
          );
          return { messages: turn.messages, duplicate: false, turnId, lang };
        },
        { read: [sessions.storeKey(key), ...dedupe.readKeys(key, channel, updateId)] },
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
