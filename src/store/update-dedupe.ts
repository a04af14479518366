import { z } from 'zod';
import type { FencedWrite } from './types.ts';

/**
 * What Hoso remembers about a channel update it handled, so that a webhook delivered twice acts once:
 * - `answered`: the turn ran and was saved; its answer is kept here until the channel confirms it was sent.
 *   A redelivery sends this stored answer again instead of running the turn a second time (its effects are
 *   already saved), so a send that failed is not an answer lost.
 * - `sent`: the answer reached the channel; a redelivery does nothing.
 * Nothing is written before the turn is saved: a delivery that crashed midway leaves no record, and the
 * redelivery runs the turn. Every check happens under the conversation lock, with the lock's own read.
 */
export const DeliveryRecordSchema = z.discriminatedUnion('state', [
  z.object({
    state: z.literal('answered'),
    /** The outbound messages, as the engine produced them (validated again by the channel's renderer). */
    messages: z.array(z.unknown()),
    /** The turn's jobs, queued again on a redelivery (keyed jobs are dropped when already queued). */
    jobs: z.array(z.unknown()).default([]),
    lang: z.enum(['vi', 'en']),
  }),
  z.object({ state: z.literal('sent') }),
]);
export type DeliveryRecord = z.infer<typeof DeliveryRecordSchema>;

export interface UpdateDedupe {
  /** The store key of an update's record. */
  key(channel: string, updateId: string): string;
  /** A stored record; undefined when the update was never answered (or the value is unreadable). */
  parse(raw: string | null): DeliveryRecord | undefined;
  /** The write that records the answer of an update (inside the turn's fenced save). */
  answered(
    channel: string,
    updateId: string,
    messages: unknown[],
    lang: 'vi' | 'en',
    jobs?: unknown[],
  ): FencedWrite;
  /** The write that records that the answer was sent (its messages are no longer kept). */
  sent(channel: string, updateId: string): FencedWrite;
}

const SENT = '{"state":"sent"}';

/** Telegram retries a failed webhook for about a day, hence the window. */
export function createUpdateDedupe(options: { ttlMs?: number } = {}): UpdateDedupe {
  const ttlMs = options.ttlMs ?? 26 * 60 * 60 * 1000;
  const key = (channel: string, updateId: string) => `dedupe:${channel}:${updateId}`;
  return {
    key,
    parse(raw) {
      if (raw === null) return undefined;
      // Records written before answers were kept: 'done' was sent (or lost), 'pending' was never answered.
      if (raw === 'done') return { state: 'sent' };
      if (raw === SENT) return { state: 'sent' };
      try {
        const parsed = DeliveryRecordSchema.safeParse(JSON.parse(raw));
        return parsed.success ? parsed.data : undefined;
      } catch {
        return undefined;
      }
    },
    answered: (channel, updateId, messages, lang, jobs = []) => ({
      key: key(channel, updateId),
      value: JSON.stringify({ state: 'answered', messages, jobs, lang }),
      ttlMs,
    }),
    sent: (channel, updateId) => ({ key: key(channel, updateId), value: SENT, ttlMs }),
  };
}
