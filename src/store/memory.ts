import { type FencedPush, type FencedWrite, type GuardAfter, isPush, type KeyValueStore } from './types.ts';

type Value = string | string[] | Map<string, string> | Set<string> | Map<string, number>;
interface Entry {
  kind: 'string' | 'list' | 'hash' | 'set' | 'zset';
  value: Value;
  expiresAt?: number;
}

/**
 * The embedded store: everything in this process's memory, lost on exit. It behaves like the Redis store
 * (same contract suite) so that `npm start` works with nothing installed.
 */
export class MemoryStore implements KeyValueStore {
  readonly kind = 'memory' as const;
  private readonly data = new Map<string, Entry>();
  private readonly channels = new Map<string, Set<(message: string) => void>>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.sweeper = setInterval(() => this.sweep(), 30_000);
    this.sweeper.unref();
  }

  private entry(key: string): Entry | undefined {
    const e = this.data.get(key);
    if (e?.expiresAt !== undefined && e.expiresAt <= this.now()) {
      this.data.delete(key);
      return undefined;
    }
    return e;
  }

  private typed<T extends Value>(key: string, kind: Entry['kind'], create: () => T): T {
    const e = this.entry(key);
    if (e) {
      if (e.kind !== kind) throw new Error(`WRONGTYPE key ${key} holds a ${e.kind}, not a ${kind}`);
      return e.value as T;
    }
    const value = create();
    this.data.set(key, { kind, value });
    return value;
  }

  private existing<T extends Value>(key: string, kind: Entry['kind']): T | undefined {
    const e = this.entry(key);
    if (!e) return undefined;
    if (e.kind !== kind) throw new Error(`WRONGTYPE key ${key} holds a ${e.kind}, not a ${kind}`);
    return e.value as T;
  }

  /** Redis deletes a collection when its last member goes; so do we. */
  private dropIfEmpty(key: string, size: number): void {
    if (size === 0) this.data.delete(key);
  }

  private sweep(): void {
    const t = this.now();
    for (const [k, e] of this.data) if (e.expiresAt !== undefined && e.expiresAt <= t) this.data.delete(k);
  }

  async get(key: string): Promise<string | null> {
    return this.existing<string>(key, 'string') ?? null;
  }

  async set(key: string, value: string, options: { ttlMs?: number; nx?: boolean } = {}): Promise<boolean> {
    if (options.nx && this.entry(key)) return false;
    this.data.set(key, {
      kind: 'string',
      value,
      expiresAt: options.ttlMs !== undefined ? this.now() + options.ttlMs : undefined,
    });
    return true;
  }

  async del(...keys: string[]): Promise<number> {
    let n = 0;
    for (const k of keys) if (this.entry(k) && this.data.delete(k)) n++;
    return n;
  }

  async delIfEquals(key: string, value: string): Promise<boolean> {
    if (this.existing<string>(key, 'string') !== value) return false;
    this.data.delete(key);
    return true;
  }

  async acquireAndRead(
    lockKey: string,
    token: string,
    ttlMs: number,
    readKeys: string[],
  ): Promise<(string | null)[] | undefined> {
    if (this.entry(lockKey)) return undefined;
    this.data.set(lockKey, { kind: 'string', value: token, expiresAt: this.now() + ttlMs });
    return readKeys.map((k) => this.existing<string>(k, 'string') ?? null);
  }

  async writeIfHeld(
    guardKey: string,
    guardValue: string,
    writes: FencedWrite[],
    after: GuardAfter = 'keep',
  ): Promise<boolean> {
    const guard = this.entry(guardKey);
    if (guard?.kind !== 'string' || guard.value !== guardValue) return false;
    for (const w of writes) {
      if (isPush(w)) this.pushCapped(w);
      else if (w.value === null) this.data.delete(w.key);
      else
        this.data.set(w.key, {
          kind: 'string',
          value: w.value,
          expiresAt: w.ttlMs !== undefined ? this.now() + w.ttlMs : undefined,
        });
    }
    if (after === 'release') this.data.delete(guardKey);
    else if (after !== 'keep') guard.expiresAt = this.now() + after.ttlMs;
    return true;
  }

  private pushCapped(w: FencedPush): void {
    if (w.push.length === 0) return;
    const list = this.typed<string[]>(w.key, 'list', () => []);
    list.push(...w.push);
    const cap = Math.max(1, Math.floor(w.cap));
    if (list.length > cap) list.splice(0, list.length - cap);
    if (w.ttlMs !== undefined) (this.data.get(w.key) as Entry).expiresAt = this.now() + w.ttlMs;
  }

  async appendCapped(pushes: FencedPush[]): Promise<void> {
    for (const w of pushes) this.pushCapped(w);
  }

  async incr(key: string, options: { ttlMs?: number } = {}): Promise<number> {
    const e = this.entry(key);
    if (!e) {
      await this.set(key, '1', options.ttlMs !== undefined ? { ttlMs: options.ttlMs } : {});
      return 1;
    }
    const n = Number(e.value);
    if (e.kind !== 'string' || !Number.isInteger(n)) throw new Error('ERR value is not an integer');
    e.value = String(n + 1);
    return n + 1;
  }

  async expire(key: string, ttlMs: number): Promise<boolean> {
    const e = this.entry(key);
    if (!e) return false;
    e.expiresAt = this.now() + ttlMs;
    return true;
  }

  async pttl(key: string): Promise<number> {
    const e = this.entry(key);
    if (!e) return -2;
    return e.expiresAt === undefined ? -1 : e.expiresAt - this.now();
  }

  async rpush(key: string, ...values: string[]): Promise<number> {
    const list = this.typed<string[]>(key, 'list', () => []);
    list.push(...values);
    return list.length;
  }

  async lrange(key: string, start: number, stop: number): Promise<string[]> {
    const list = this.existing<string[]>(key, 'list') ?? [];
    const [from, to] = range(list.length, start, stop);
    return list.slice(from, to + 1);
  }

  async ltrim(key: string, start: number, stop: number): Promise<void> {
    const e = this.entry(key);
    if (!e) return;
    const list = this.existing<string[]>(key, 'list') ?? [];
    const [from, to] = range(list.length, start, stop);
    e.value = list.slice(from, to + 1);
    this.dropIfEmpty(key, (e.value as string[]).length);
  }

  async llen(key: string): Promise<number> {
    return (this.existing<string[]>(key, 'list') ?? []).length;
  }

  async lrem(key: string, value: string): Promise<number> {
    const e = this.entry(key);
    const list = this.existing<string[]>(key, 'list');
    if (!e || !list) return 0;
    const kept = list.filter((v) => v !== value);
    e.value = kept;
    this.dropIfEmpty(key, kept.length);
    return list.length - kept.length;
  }

  async hset(key: string, fields: Record<string, string>): Promise<void> {
    const hash = this.typed<Map<string, string>>(key, 'hash', () => new Map());
    for (const [f, v] of Object.entries(fields)) hash.set(f, v);
  }

  async hget(key: string, field: string): Promise<string | null> {
    return this.existing<Map<string, string>>(key, 'hash')?.get(field) ?? null;
  }

  async hgetall(key: string): Promise<Record<string, string>> {
    return Object.fromEntries(this.existing<Map<string, string>>(key, 'hash') ?? []);
  }

  async hdel(key: string, ...fields: string[]): Promise<number> {
    const hash = this.existing<Map<string, string>>(key, 'hash');
    if (!hash) return 0;
    let n = 0;
    for (const f of fields) if (hash.delete(f)) n++;
    this.dropIfEmpty(key, hash.size);
    return n;
  }

  async sadd(key: string, ...members: string[]): Promise<number> {
    const set = this.typed<Set<string>>(key, 'set', () => new Set());
    let n = 0;
    for (const m of members) {
      if (!set.has(m)) {
        set.add(m);
        n++;
      }
    }
    return n;
  }

  async srem(key: string, ...members: string[]): Promise<number> {
    const set = this.existing<Set<string>>(key, 'set');
    if (!set) return 0;
    let n = 0;
    for (const m of members) if (set.delete(m)) n++;
    this.dropIfEmpty(key, set.size);
    return n;
  }

  async smembers(key: string): Promise<string[]> {
    return [...(this.existing<Set<string>>(key, 'set') ?? [])];
  }

  async zadd(key: string, score: number, member: string): Promise<void> {
    this.typed<Map<string, number>>(key, 'zset', () => new Map()).set(member, score);
  }

  async zrangeByScore(key: string, min: number, max: number, limit?: number): Promise<string[]> {
    const z = this.existing<Map<string, number>>(key, 'zset');
    if (!z) return [];
    const members = [...z]
      .filter(([, s]) => s >= min && s <= max)
      .sort(([a, sa], [b, sb]) => sa - sb || (a < b ? -1 : a > b ? 1 : 0))
      .map(([m]) => m);
    return limit === undefined ? members : members.slice(0, limit);
  }

  async zrem(key: string, ...members: string[]): Promise<number> {
    const z = this.existing<Map<string, number>>(key, 'zset');
    if (!z) return 0;
    let n = 0;
    for (const m of members) if (z.delete(m)) n++;
    this.dropIfEmpty(key, z.size);
    return n;
  }

  async zcard(key: string): Promise<number> {
    return this.existing<Map<string, number>>(key, 'zset')?.size ?? 0;
  }

  async keys(prefix: string): Promise<string[]> {
    return [...this.data.keys()].filter((k) => k.startsWith(prefix) && this.entry(k));
  }

  async publish(channel: string, message: string): Promise<void> {
    // Delivered on a later tick, as with a real broker: a publisher never runs subscribers inline.
    for (const handler of this.channels.get(channel) ?? []) queueMicrotask(() => handler(message));
  }

  async subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>> {
    let handlers = this.channels.get(channel);
    if (!handlers) {
      handlers = new Set();
      this.channels.set(channel, handlers);
    }
    handlers.add(onMessage);
    return async () => {
      handlers.delete(onMessage);
    };
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.channels.clear();
  }
}

/** Redis list index semantics: negative indexes count from the end, and the range is inclusive. */
function range(length: number, start: number, stop: number): [number, number] {
  const from = Math.max(0, start < 0 ? length + start : start);
  const to = Math.min(length - 1, stop < 0 ? length + stop : stop);
  return [from, to];
}
