import { randomUUID } from 'node:crypto';
import { parsePhone } from '../../identity/parse/phone.ts';
import { maskPhone } from '../../privacy/mask.ts';
import type { SmsSender } from './sender.ts';

/**
 * The embedded SMS "gateway": nothing leaves the machine. Messages are kept in memory (the last `capacity`)
 * so a newcomer can read their code at `GET /api/dev/outbox` — which the HTTP layer serves only outside
 * production — or in the terminal chat, which prints each message as it arrives (`onMessage`). The log line
 * names the masked phone and never the text, which holds the code.
 */
export interface OutboxMessage {
  id: string;
  /** ISO instant */
  at: string;
  phone: string;
  phoneMasked: string;
  text: string;
}

/** The part of a pino logger the outbox uses. */
export interface OutboxLogger {
  info(fields: Record<string, unknown>, message: string): void;
}

export interface DevOutboxOptions {
  capacity?: number;
  logger?: OutboxLogger;
  now?: () => Date;
}

export class DevOutbox implements SmsSender {
  private readonly messages: OutboxMessage[] = [];
  private readonly capacity: number;
  private readonly logger: OutboxLogger | undefined;
  private readonly now: () => Date;
  private readonly listeners = new Set<(message: OutboxMessage) => void>();

  constructor(options: DevOutboxOptions = {}) {
    this.capacity = options.capacity ?? 50;
    this.logger = options.logger;
    this.now = options.now ?? (() => new Date());
  }

  async send(to: string, text: string): Promise<void> {
    const parsed = parsePhone(to);
    const phone = parsed.ok ? parsed.value.national : to;
    const message: OutboxMessage = {
      id: randomUUID(),
      at: this.now().toISOString(),
      phone,
      phoneMasked: maskPhone(phone),
      text,
    };
    this.messages.push(message);
    if (this.messages.length > this.capacity) this.messages.splice(0, this.messages.length - this.capacity);
    this.logger?.info(
      { outboxId: message.id, phone: message.phoneMasked },
      'SMS kept in the dev outbox (read it at GET /api/dev/outbox)',
    );
    for (const listener of this.listeners) listener({ ...message });
  }

  /** Calls `listener` with every message sent from now on (a terminal shows them); returns the unsubscribe. */
  onMessage(listener: (message: OutboxMessage) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Newest first; optionally only those for one phone (any written form). */
  list(filter: { phone?: string } = {}): OutboxMessage[] {
    const all = [...this.messages].reverse();
    const wanted = filter.phone ? parsePhone(filter.phone) : undefined;
    const phone = wanted?.ok ? wanted.value.national : filter.phone;
    return (phone ? all.filter((m) => m.phone === phone) : all).map((m) => ({ ...m }));
  }

  clear(): void {
    this.messages.length = 0;
  }
}
