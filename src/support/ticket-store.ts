import type { Address } from '../dialogue/message.ts';
import { type Lang, vietnamDate } from '../i18n.ts';
import { createConversationLocks } from '../store/conversation-lock.ts';
import type { KeyValueStore } from '../store/types.ts';
import type { EscalationReason, HandoffPacket } from './packet.ts';
import {
  type Resolution,
  StoredTicketSchema,
  type Ticket,
  type TicketEvent,
  type TicketMessage,
  TicketMessageSchema,
  type TicketStatus,
} from './ticket.ts';

export type QueueView = 'unassigned' | 'mine' | 'all' | 'closed';

export interface OpenTicketInput {
  address: Address;
  lang: Lang;
  reason: EscalationReason;
  packet: HandoffPacket;
  now: Date;
}

export type ClaimResult =
  | { ok: true; ticket: Ticket }
  | { ok: false; by: string }
  /** The ticket ended first (the citizen cancelled, or it was closed or handed back). */
  | { ok: false; ended: Exclude<TicketStatus, 'open'> };

export interface TicketStore {
  open(input: OpenTicketInput): Promise<Ticket>;
  get(id: string): Promise<Ticket | undefined>;
  list(view: QueueView, username: string): Promise<Ticket[]>;
  /** Unassigned tickets opened before this one (0 = next in line). */
  positionOf(id: string): Promise<number>;
  /**
   * Atomic: of two staff claiming at once, exactly one gets `ok: true`; an ended ticket is never claimed.
   * Does not take the ticket's lock, so a caller may claim inside `exclusive`.
   */
  claim(id: string, username: string, now: Date): Promise<ClaimResult>;
  /**
   * Runs `fn` while the ticket cannot end (across processes; `end` takes the same lock): a staff reply checks
   * the ticket is still open and theirs and sends, or a claim tells the citizen, before a racing close or
   * cancel may end it.
   */
  exclusive<T>(id: string, fn: () => Promise<T>): Promise<T>;
  addMessage(id: string, message: Omit<TicketMessage, 'seq'>): Promise<TicketMessage>;
  messages(id: string, afterSeq?: number): Promise<TicketMessage[]>;
  markFirstResponse(id: string, at: Date): Promise<void>;
  /** Atomic: a ticket ends once (closed, handed back or cancelled); a second attempt returns false. */
  end(
    id: string,
    outcome: { status: Exclude<TicketStatus, 'open'>; by: string; at: Date; resolution?: Resolution },
  ): Promise<boolean>;
  /** Every ticket a chat account opened (not yet erased), oldest first. */
  ofAccount(address: Address): Promise<Ticket[]>;
  /**
   * Erasure: ends the ticket if it is still open, then keeps only an anonymous record (id, reason, dates,
   * resolution, rating, the staff who handled it) — no address, packet or conversation.
   */
  anonymise(id: string, at: Date): Promise<Ticket | undefined>;
  /** Stores the citizen's 1–5 rating once, on a closed ticket. */
  rate(id: string, rating: number, at: Date): Promise<boolean>;
  subscribe(id: string, onEvent: (event: TicketEvent) => void): Promise<() => Promise<void>>;
  /** Told whenever any ticket opens, moves or ends: the console refreshes its queue. */
  subscribeQueue(onChange: () => void): Promise<() => Promise<void>>;
}

const K = {
  seq: (year: string) => `support:seq:${year}`,
  ticket: (id: string) => `support:ticket:${id}`,
  claim: (id: string) => `support:claim:${id}`,
  end: (id: string) => `support:end:${id}`,
  rated: (id: string) => `support:rated:${id}`,
  msgs: (id: string) => `support:msgs:${id}`,
  msgSeq: (id: string) => `support:msgseq:${id}`,
  open: 'support:open',
  unassigned: 'support:unassigned',
  closed: 'support:closed',
  events: (id: string) => `support:events:${id}`,
  queueEvents: 'support:queue-events',
  /** The tickets of one chat account, for data-subject export and erasure. */
  account: (a: Address) => `support:account:${a.channel}:${a.userId}`,
};

/** The user id an anonymised ticket keeps in place of the citizen's chat account. */
export const ERASED = 'erased';

/** How many ended tickets the "closed" view lists. */
const CLOSED_VIEW_LIMIT = 100;

/**
 * Tickets on the key-value store. Claims and endings are `SET NX` keys, so they stay atomic across any
 * number of processes; fields live in a hash so that a claim and a message never overwrite each other.
 */
export function createTicketStore(kv: KeyValueStore, options: { retentionMs: number }): TicketStore {
  // Endings take turns with what runs in `exclusive` (the same store locks as conversations use).
  const locks = createConversationLocks(kv);
  const exclusive = <T>(id: string, fn: () => Promise<T>) => locks.run(`ticket:${id}`, fn);

  async function get(id: string): Promise<Ticket | undefined> {
    const raw = await kv.hgetall(K.ticket(id));
    if (Object.keys(raw).length === 0) return undefined;
    const parsed = StoredTicketSchema.safeParse(raw);
    return parsed.success ? parsed.data : undefined;
  }

  async function publish(id: string, event: TicketEvent): Promise<void> {
    await kv.publish(K.events(id), JSON.stringify(event));
  }

  async function announce(id: string): Promise<void> {
    const ticket = await get(id);
    if (ticket) {
      await publish(id, {
        type: 'status',
        ticket: {
          id,
          status: ticket.status,
          ...(ticket.claimedBy ? { claimedBy: ticket.claimedBy } : {}),
        },
      });
    }
    await kv.publish(K.queueEvents, id);
  }

  async function endNow(
    id: string,
    { status, by, at, resolution }: Parameters<TicketStore['end']>[1],
  ): Promise<boolean> {
    if (!(await kv.set(K.end(id), status, { nx: true }))) return false;
    await kv.hset(K.ticket(id), {
      status,
      endedAt: at.toISOString(),
      endedBy: by,
      ...(resolution ? { resolution } : {}),
    });
    await kv.zrem(K.open, id);
    await kv.zrem(K.unassigned, id);
    await kv.zadd(K.closed, at.getTime(), id);
    // Ended tickets are kept as long as other personal data, then expire.
    for (const key of [K.ticket(id), K.msgs(id), K.msgSeq(id), K.claim(id), K.end(id)]) {
      await kv.expire(key, options.retentionMs);
    }
    await announce(id);
    return true;
  }

  async function many(ids: string[]): Promise<Ticket[]> {
    const tickets = await Promise.all(ids.map(get));
    return tickets.filter((t): t is Ticket => t !== undefined);
  }

  return {
    async open({ address, lang, reason, packet, now }) {
      const year = vietnamDate(now).slice(0, 4);
      const n = await kv.incr(K.seq(year));
      const id = `HT-${year}-${String(n).padStart(6, '0')}`;
      await kv.hset(K.ticket(id), {
        id,
        status: 'open',
        address: JSON.stringify(address),
        lang,
        reason,
        openedAt: now.toISOString(),
        packet: JSON.stringify(packet),
      });
      await kv.sadd(K.account(address), id);
      await kv.expire(K.account(address), options.retentionMs);
      await kv.zadd(K.open, now.getTime(), id);
      await kv.zadd(K.unassigned, now.getTime(), id);
      await kv.publish(K.queueEvents, id);
      return (await get(id))!;
    },

    async ofAccount(address) {
      const ids = (await kv.smembers(K.account(address))).sort();
      return many(ids);
    },

    anonymise(id, at) {
      return exclusive(id, async () => {
        const ticket = await get(id);
        if (!ticket) return undefined;
        // A ticket still waiting ends here: nobody is left to answer.
        if (ticket.status === 'open') await endNow(id, { status: 'cancelled', by: 'privacy', at });
        const packet: HandoffPacket = {
          version: 1,
          reason: ticket.reason,
          openedAt: ticket.packet.openedAt,
          who: { channel: ticket.address.channel, lang: ticket.lang, linkLevel: 0 },
          doing: { answers: {} },
          missingDocuments: [],
          legalBasis: [],
          extra: [],
          transcript: [],
        };
        await kv.hset(K.ticket(id), {
          address: JSON.stringify({ channel: ticket.address.channel, userId: ERASED }),
          packet: JSON.stringify(packet),
          erasedAt: at.toISOString(),
        });
        await kv.del(K.msgs(id));
        await kv.srem(K.account(ticket.address), id);
        // The anonymous record expires like every ended ticket.
        await kv.expire(K.ticket(id), options.retentionMs);
        await announce(id);
        return (await get(id))!;
      });
    },

    get,

    async list(view, username) {
      if (view === 'closed') {
        const ids = await kv.zrangeByScore(K.closed, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
        const recent = ids.slice(-CLOSED_VIEW_LIMIT).reverse();
        const tickets = await many(recent);
        // Expired tickets leave their id behind in the index; drop it.
        const gone = recent.filter((id) => !tickets.some((t) => t.id === id));
        if (gone.length > 0) await kv.zrem(K.closed, ...gone);
        return tickets;
      }
      const key = view === 'unassigned' ? K.unassigned : K.open;
      const ids = await kv.zrangeByScore(key, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
      const tickets = (await many(ids)).filter((t) => t.status === 'open');
      return view === 'mine' ? tickets.filter((t) => t.claimedBy === username) : tickets;
    },

    async positionOf(id) {
      const ids = await kv.zrangeByScore(K.unassigned, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
      const i = ids.indexOf(id);
      return i === -1 ? 0 : i;
    },

    async claim(id, username, now) {
      const won = await kv.set(K.claim(id), username, { nx: true });
      // Checked after the claim key is ours: an ending before this read refuses the claim, one after it
      // comes after the claim. A citizen who cancelled a moment before the click is never "taken over".
      const ended = await kv.get(K.end(id));
      if (ended) {
        if (won) await kv.delIfEquals(K.claim(id), username);
        return { ok: false, ended: ended as Exclude<TicketStatus, 'open'> };
      }
      if (!won) {
        const by = (await kv.get(K.claim(id))) ?? '';
        return by === username ? { ok: true, ticket: (await get(id))! } : { ok: false, by };
      }
      await kv.hset(K.ticket(id), { claimedBy: username, claimedAt: now.toISOString() });
      await kv.zrem(K.unassigned, id);
      await announce(id);
      return { ok: true, ticket: (await get(id))! };
    },

    exclusive,

    async addMessage(id, message) {
      const seq = await kv.incr(K.msgSeq(id));
      const entry = TicketMessageSchema.parse({ ...message, seq });
      await kv.rpush(K.msgs(id), JSON.stringify(entry));
      await publish(id, { type: 'message', message: entry });
      return entry;
    },

    async messages(id, afterSeq = 0) {
      const raw = await kv.lrange(K.msgs(id), 0, -1);
      return raw.map((r) => TicketMessageSchema.parse(JSON.parse(r))).filter((m) => m.seq > afterSeq);
    },

    async markFirstResponse(id, at) {
      if (!(await kv.hget(K.ticket(id), 'firstResponseAt'))) {
        await kv.hset(K.ticket(id), { firstResponseAt: at.toISOString() });
      }
    },

    end(id, outcome) {
      return exclusive(id, () => endNow(id, outcome));
    },

    async rate(id, rating, at) {
      const ticket = await get(id);
      if (ticket?.status !== 'closed') return false;
      if (!(await kv.set(K.rated(id), String(rating), { nx: true, ttlMs: options.retentionMs })))
        return false;
      await kv.hset(K.ticket(id), { rating: String(rating), ratedAt: at.toISOString() });
      await announce(id);
      return true;
    },

    subscribe(id, onEvent) {
      return kv.subscribe(K.events(id), (raw) => onEvent(JSON.parse(raw) as TicketEvent));
    },

    subscribeQueue(onChange) {
      return kv.subscribe(K.queueEvents, () => onChange());
    },
  };
}
