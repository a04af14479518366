import { z } from 'zod';
import type { FencedWrite } from './types.ts';

/**
 * What Hoso remembers about channel updates it handled, so that a webhook delivered twice acts once, at a few
 * bytes per conversation instead of a record per update:
 * - Channels whose update ids increase (Telegram's `update_id` grows per bot, so within each chat too) keep the
 *   last few ids handled in the conversation's session (`seen`): an id among them, or below them all once the
 *   window is full, was handled already. Nothing else is written.
 * - Other channels (Zalo's `msg_id` follows no order) keep a one-byte marker per update for a short while.
 * - An answer that could not be sent (or that the caller renders itself: the web chat's HTTP answer) is kept
 *   once per conversation, for the last update only, so a redelivery sends it again instead of running the
 *   turn a second time.
 * Every check happens under the conversation lock, from values read in the same step that took it.
 */
export const DeliveryRecordSchema = z.discriminatedUnion('state', [
  z.object({
    state: z.literal('answered'),
    /** The update this answer belongs to (absent in records written per update, before answers moved). */
    id: z.string().optional(),
    /** The outbound messages, as the engine produced them (validated again by the channel's renderer). */
    messages: z.array(z.unknown()),
    /** The turn's jobs, queued again on a redelivery (keyed jobs are dropped when already queued). */
    jobs: z.array(z.unknown()).default([]),
    lang: z.enum(['vi', 'en']),
  }),
  z.object({ state: z.literal('sent') }),
]);
export type DeliveryRecord = z.infer<typeof DeliveryRecordSchema>;

/** What the values read with the lock say about an update. */
export type UpdateStatus =
  | { kind: 'new' }
  | { kind: 'sent' }
  | { kind: 'answered'; record: Extract<DeliveryRecord, { state: 'answered' }> };

export interface UpdateDedupe {
  /** The key of the answer kept for a conversation's last update (erased with the conversation). */
  answerKey(conversation: string): string;
  /** The keys to read with the conversation's lock: the conversation's kept answer, then the update's marker. */
  readKeys(conversation: string, channel: string, updateId: string | undefined): string[];
  /** Whether the update was handled, from the values of `readKeys` and the session's `seen` window. */
  status(
    channel: string,
    updateId: string | undefined,
    read: (string | null)[],
    seen: readonly number[],
  ): UpdateStatus;
  /** The session's window after handling the update (unchanged for channels without ordered ids). */
  remember(channel: string, updateId: string | undefined, seen: readonly number[]): number[];
  /**
   * The writes of a handled update, saved with the session: the kept answer when `answer` is given (the caller
   * renders it, or sending failed), otherwise the marker of an unordered channel and the removal of an answer
   * kept for an earlier update.
   */
  handled(input: {
    conversation: string;
    channel: string;
    updateId: string | undefined;
    read: (string | null)[];
    answer?: { messages: unknown[]; jobs: unknown[]; lang: 'vi' | 'en'; undelivered: boolean };
    /** An answer was kept for this update earlier in the turn (saved before sending): it is dropped now. */
    answerKept?: boolean;
  }): FencedWrite[];
}

export interface UpdateDedupeOptions {
  /** Channels whose update ids are integers that increase within a conversation. */
  ordered?: readonly string[];
  /** Ids kept per conversation for ordered channels: room for a few updates handled out of order. */
  window?: number;
  /** How long an unordered channel's marker lives: redeliveries come within minutes. */
  markerTtlMs?: number;
  /** How long an answer the caller renders itself is kept for a retry of the same message. */
  replayTtlMs?: number;
  /** How long an answer that could not be sent is kept: Telegram retries a failed webhook for about a day. */
  undeliveredTtlMs?: number;
}

const MARKER = '1';

export function createUpdateDedupe(options: UpdateDedupeOptions = {}): UpdateDedupe {
  const ordered = new Set(options.ordered ?? ['telegram']);
  const window = options.window ?? 6;
  const markerTtlMs = options.markerTtlMs ?? 60 * 60 * 1000;
  const replayTtlMs = options.replayTtlMs ?? 10 * 60 * 1000;
  const undeliveredTtlMs = options.undeliveredTtlMs ?? 26 * 60 * 60 * 1000;
  const answerKey = (conversation: string) => `answer:${conversation}`;
  const markerKey = (channel: string, updateId: string) => `dedupe:${channel}:${updateId}`;

  /** The id as an ordered number, or undefined when the channel's ids have no order (or this one is odd). */
  function orderedId(channel: string, updateId: string | undefined): number | undefined {
    if (updateId === undefined || !ordered.has(channel) || !/^\d{1,15}$/.test(updateId)) return undefined;
    return Number(updateId);
  }

  function parse(raw: string | null): DeliveryRecord | undefined {
    if (raw === null) return undefined;
    // Markers, and records written before answers were kept per conversation ('done': sent or lost).
    if (raw === MARKER || raw === 'done') return { state: 'sent' };
    try {
      const parsed = DeliveryRecordSchema.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  return {
    answerKey,
    readKeys(conversation, channel, updateId) {
      // The per-update key is read for ordered channels too: records written before the window existed.
      return updateId === undefined
        ? [answerKey(conversation)]
        : [answerKey(conversation), markerKey(channel, updateId)];
    },

    status(channel, updateId, read, seen) {
      if (updateId === undefined) return { kind: 'new' };
      const kept = parse(read[0] ?? null);
      if (kept?.state === 'answered' && kept.id === updateId) return { kind: 'answered', record: kept };
      const marker = parse(read[1] ?? null);
      if (marker?.state === 'answered') return { kind: 'answered', record: marker };
      if (marker?.state === 'sent') return { kind: 'sent' };
      const id = orderedId(channel, updateId);
      if (id !== undefined && (seen.includes(id) || (seen.length >= window && id < (seen[0] ?? 0))))
        return { kind: 'sent' };
      return { kind: 'new' };
    },

    remember(channel, updateId, seen) {
      const id = orderedId(channel, updateId);
      if (id === undefined || seen.includes(id)) return [...seen];
      return [...seen, id].sort((a, b) => a - b).slice(-window);
    },

    handled({ conversation, channel, updateId, read, answer, answerKept }) {
      const writes: FencedWrite[] = [];
      if (answer && updateId !== undefined) {
        const { undelivered, ...kept } = answer;
        writes.push({
          key: answerKey(conversation),
          value: JSON.stringify({ state: 'answered', id: updateId, ...kept }),
          ttlMs: undelivered ? undeliveredTtlMs : replayTtlMs,
        });
        return writes;
      }
      // An answer kept for an earlier update (or this one, now sent) is no longer needed.
      if (answerKept || (read[0] !== null && read[0] !== undefined))
        writes.push({ key: answerKey(conversation), value: null });
      if (updateId === undefined) return writes;
      if (orderedId(channel, updateId) === undefined)
        writes.push({ key: markerKey(channel, updateId), value: MARKER, ttlMs: markerTtlMs });
      else if (read[1] !== null && read[1] !== undefined)
        // A record of this update from before the window: the window remembers it now.
        writes.push({ key: markerKey(channel, updateId), value: null });
      return writes;
    },
  };
}
