import type { ChannelSender } from '../../conversation/notifier.ts';
import type { Outbound } from '../../dialogue/message.ts';
import type { KeyValueStore } from '../../store/types.ts';

export interface OutboxEntry {
  seq: number;
  message: Outbound;
}

const KEEP = 50;

/**
 * Messages for a web chat that arrive outside a turn (an issued extract, a staff reply). Kept in the store
 * so a page that reconnects gets what it missed, and published so that whichever process holds the page's
 * event stream delivers it at once.
 */
export class WebchatOutbox implements ChannelSender {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly ttlMs: number,
  ) {}

  async send(sessionId: string, messages: Outbound[]): Promise<void> {
    for (const message of messages) {
      const seq = await this.kv.incr(`webchat:seq:${sessionId}`, { ttlMs: this.ttlMs });
      const entry = JSON.stringify({ seq, message } satisfies OutboxEntry);
      await this.kv.rpush(`webchat:outbox:${sessionId}`, entry);
      await this.kv.ltrim(`webchat:outbox:${sessionId}`, -KEEP, -1);
      await this.kv.expire(`webchat:outbox:${sessionId}`, this.ttlMs);
      await this.kv.publish(`webchat:${sessionId}`, entry);
    }
  }

  async since(sessionId: string, lastSeq: number): Promise<OutboxEntry[]> {
    const raw = await this.kv.lrange(`webchat:outbox:${sessionId}`, 0, -1);
    return raw.map((r) => JSON.parse(r) as OutboxEntry).filter((e) => e.seq > lastSeq);
  }

  subscribe(sessionId: string, onEntry: (entry: OutboxEntry) => void): Promise<() => Promise<void>> {
    return this.kv.subscribe(`webchat:${sessionId}`, (raw) => onEntry(JSON.parse(raw) as OutboxEntry));
  }

  /**
   * Drops the kept messages. The sequence number stays (it holds nothing personal and expires with the
   * session): a page still open must not see the next message (the erasure receipt) as one already shown.
   */
  async erase(sessionId: string): Promise<void> {
    await this.kv.del(`webchat:outbox:${sessionId}`);
  }
}
