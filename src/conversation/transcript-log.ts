import {
  TRANSCRIPT_LIMIT,
  type TranscriptEntry,
  TranscriptEntrySchema,
  type TranscriptReader,
} from '../dialogue/session.ts';
import type { FencedPush, KeyValueStore } from '../store/types.ts';

export interface TranscriptLog extends TranscriptReader {
  /** The store key of a conversation's transcript (for erasure). */
  key(conversation: string): string;
  /** The write that appends a turn's lines, capped, inside the turn's fenced save. */
  append(conversation: string, lines: TranscriptEntry[]): FencedPush;
}

const FROM = { citizen: 'c', bot: 'b', staff: 's' } as const;
const FROM_CODE: Record<string, TranscriptEntry['from']> = { c: 'citizen', b: 'bot', s: 'staff' };

/**
 * A line is stored as one compact string: who spoke (one letter), the moment in base-36 milliseconds, a space,
 * then the masked text. About 10 bytes of framing instead of about 40 of JSON keys and an ISO date.
 */
export function encodeLine(line: TranscriptEntry): string {
  return `${FROM[line.from]}${Date.parse(line.at).toString(36)} ${line.text}`;
}

export function decodeLine(raw: string): TranscriptEntry | undefined {
  const space = raw.indexOf(' ');
  const from = FROM_CODE[raw[0] ?? ''];
  const ms = Number.parseInt(raw.slice(1, space), 36);
  if (!from || space < 2 || !Number.isFinite(ms)) return undefined;
  const parsed = TranscriptEntrySchema.safeParse({
    from,
    text: raw.slice(space + 1),
    at: new Date(ms).toISOString(),
  });
  return parsed.success ? parsed.data : undefined;
}

/**
 * The transcript kept for staff, outside the session: a capped list per conversation, appended in the same
 * fenced step that saves the session, and read only when a person takes over or the citizen asks for their data.
 * It lives as long as the session does (every save renews both).
 */
export function createTranscriptLog(
  kv: KeyValueStore,
  options: {
    ttlMs: number;
    /** The conversation key of an address, as the conversation handler names it. */
    conversationOf: (channel: string, userId: string) => string;
  },
): TranscriptLog {
  const key = (conversation: string) => `transcript:${conversation}`;
  return {
    key,
    append: (conversation, lines) => ({
      key: key(conversation),
      push: lines.map(encodeLine),
      cap: TRANSCRIPT_LIMIT,
      ttlMs: options.ttlMs,
    }),
    async read(address) {
      const raw = await kv.lrange(key(options.conversationOf(address.channel, address.userId)), 0, -1);
      return raw.map(decodeLine).filter((l): l is TranscriptEntry => l !== undefined);
    },
  };
}
