import {
  TRANSCRIPT_LIMIT,
  type TranscriptEntry,
  TranscriptEntrySchema,
  type TranscriptReader,
} from '../dialogue/session.ts';
import type { KeyValueStore } from '../store/types.ts';

export interface TranscriptLog extends TranscriptReader {
  /** The store key of a conversation's transcript (for erasure). */
  key(conversation: string): string;
  /**
   * Adds a turn's lines once the turn is saved. They are written in the background, with every other
   * conversation's lines of the moment, in one step.
   */
  append(conversation: string, lines: TranscriptEntry[]): void;
  /** Erases a conversation's transcript, the lines not yet written included. */
  erase(conversation: string): Promise<void>;
  /** Writes what is waiting now (before a read elsewhere, and at shutdown). */
  flush(): Promise<void>;
  close(): Promise<void>;
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
 * The transcript kept for staff, with the records (PostgreSQL), not in the short-lived store: it is read only
 * when a person takes over or the citizen asks for their data, and it would otherwise be most of what a
 * conversation costs in Redis. Each conversation keeps its last lines, as long as its session lives (every
 * write renews it).
 *
 * Lines wait in memory for at most `flushMs` and are written for every conversation at once, so a busy
 * server spends one database transaction per interval, not one per turn. What a crash loses is at most that
 * half second's lines: the staff's context, never a request (requests are written before anyone is told).
 * `earlier` is where transcripts lived before (the short-lived store): still read, and erased, until it expires.
 */
export function createTranscriptLog(
  records: KeyValueStore,
  options: {
    ttlMs: number;
    /** The conversation key of an address, as the conversation handler names it. */
    conversationOf: (channel: string, userId: string) => string;
    earlier?: KeyValueStore;
    flushMs?: number;
    onError?: (err: Error) => void;
  },
): TranscriptLog {
  const key = (conversation: string) => `transcript:${conversation}`;
  const flushMs = options.flushMs ?? 500;
  /** Encoded lines per conversation, waiting to be written. */
  let waiting = new Map<string, string[]>();
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  /** Lines kept while the database cannot be reached, so a short outage loses nothing; beyond that, the oldest go. */
  const MAX_WAITING = 50_000;
  let waitingLines = 0;

  function write(): Promise<void> {
    timer = undefined;
    if (waiting.size === 0) return writing;
    const batch = waiting;
    waiting = new Map();
    waitingLines = 0;
    writing = writing.then(async () => {
      try {
        await records.appendCapped(
          [...batch].map(([conversation, push]) => ({
            key: key(conversation),
            push,
            cap: TRANSCRIPT_LIMIT,
            ttlMs: options.ttlMs,
          })),
        );
      } catch (err) {
        options.onError?.(err as Error);
        // Back in front of what came since, to be tried with the next lines.
        for (const [conversation, lines] of batch) {
          const later = waiting.get(conversation) ?? [];
          waiting.set(conversation, [...lines, ...later].slice(-TRANSCRIPT_LIMIT));
          waitingLines += lines.length;
        }
        if (waitingLines > MAX_WAITING) {
          for (const conversation of [...waiting.keys()].slice(0, waiting.size / 2))
            waiting.delete(conversation);
          waitingLines = [...waiting.values()].reduce((n, l) => n + l.length, 0);
        }
        schedule();
      }
    });
    return writing;
  }

  function schedule(): void {
    if (timer || waiting.size === 0) return;
    timer = setTimeout(() => void write(), flushMs);
    timer.unref();
  }

  async function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    await write();
  }

  return {
    key,
    append(conversation, lines) {
      if (lines.length === 0) return;
      const held = waiting.get(conversation);
      const encoded = lines.map(encodeLine);
      if (held) held.push(...encoded);
      else waiting.set(conversation, encoded);
      waitingLines += encoded.length;
      schedule();
    },
    async read(address) {
      const conversation = options.conversationOf(address.channel, address.userId);
      // This process's own lines are written first (those of other processes are at most `flushMs` behind).
      if (waiting.has(conversation)) await flush();
      else await writing;
      const [before, raw] = await Promise.all([
        options.earlier ? options.earlier.lrange(key(conversation), 0, -1) : [],
        records.lrange(key(conversation), 0, -1),
      ]);
      return [...before, ...raw]
        .slice(-TRANSCRIPT_LIMIT)
        .map(decodeLine)
        .filter((l): l is TranscriptEntry => l !== undefined);
    },
    async erase(conversation) {
      waiting.delete(conversation);
      await writing;
      await records.del(key(conversation));
      await options.earlier?.del(key(conversation));
    },
    flush,
    async close() {
      await flush();
    },
  };
}
