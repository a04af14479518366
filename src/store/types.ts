/** One write of a fenced step: a value (with an optional time to live), or `null` to delete the key. */
export interface FencedSet {
  key: string;
  value: string | null;
  ttlMs?: number;
}

/**
 * Appends to a list and keeps only its last `cap` items (RPUSH then LTRIM), renewing the list's time to
 * live: a log that never grows past its cap, written in the same step as the value it accompanies.
 */
export interface FencedPush {
  key: string;
  push: string[];
  cap: number;
  ttlMs?: number;
}

export type FencedWrite = FencedSet | FencedPush;

export function isPush(write: FencedWrite): write is FencedPush {
  return 'push' in write;
}

/** What a fenced step does to the guard afterwards: keep it, renew its time to live, or delete it (release). */
export type GuardAfter = 'keep' | 'release' | { ttlMs: number };

/**
 * The storage primitives every Hoso module builds on. Two implementations pass one contract suite
 * (test/store/contract.ts): Redis for deployments, memory for trying Hoso with nothing installed.
 * Keys are given without the deployment prefix; the store adds it.
 */
export interface KeyValueStore {
  readonly kind: 'memory' | 'redis' | 'postgres';

  get(key: string): Promise<string | null>;
  /** Returns false when `nx` is set and the key already exists. */
  set(key: string, value: string, options?: { ttlMs?: number; nx?: boolean }): Promise<boolean>;
  del(...keys: string[]): Promise<number>;
  /** Deletes the key only while it still holds `value` (releasing a lock that is still ours). */
  delIfEquals(key: string, value: string): Promise<boolean>;
  /**
   * One atomic step: sets `lockKey` to `token` if it is free (like `set` with nx and ttlMs) and, only then,
   * reads `readKeys`. Undefined when the lock is held by someone else. Taking a conversation's lock and
   * loading what the turn needs costs one round trip instead of several.
   */
  acquireAndRead(
    lockKey: string,
    token: string,
    ttlMs: number,
    readKeys: string[],
  ): Promise<(string | null)[] | undefined>;
  /**
   * Fenced writes: only while `guardKey` still holds `guardValue` (the lock is still ours), applies every
   * write and then keeps, renews or deletes the guard, all in one atomic step. False, with nothing written,
   * when the guard was lost (it expired and someone else may have taken it).
   */
  writeIfHeld(
    guardKey: string,
    guardValue: string,
    writes: FencedWrite[],
    after?: GuardAfter,
  ): Promise<boolean>;
  /** Increments an integer; `ttlMs` is applied when the key is created by this call. */
  incr(key: string, options?: { ttlMs?: number }): Promise<number>;
  expire(key: string, ttlMs: number): Promise<boolean>;
  /** Milliseconds left; -1 without expiry, -2 when the key does not exist. */
  pttl(key: string): Promise<number>;

  /**
   * Several capped appends in one step (each RPUSH, LTRIM to its cap, and renewal of the list's life): how a
   * log written by many conversations at once is flushed with one round trip instead of one per list.
   */
  appendCapped(pushes: FencedPush[]): Promise<void>;
  rpush(key: string, ...values: string[]): Promise<number>;
  lrange(key: string, start: number, stop: number): Promise<string[]>;
  ltrim(key: string, start: number, stop: number): Promise<void>;
  llen(key: string): Promise<number>;
  lrem(key: string, value: string): Promise<number>;

  hset(key: string, fields: Record<string, string>): Promise<void>;
  hget(key: string, field: string): Promise<string | null>;
  hgetall(key: string): Promise<Record<string, string>>;
  hdel(key: string, ...fields: string[]): Promise<number>;

  sadd(key: string, ...members: string[]): Promise<number>;
  srem(key: string, ...members: string[]): Promise<number>;
  smembers(key: string): Promise<string[]>;

  zadd(key: string, score: number, member: string): Promise<void>;
  /** Members with min ≤ score ≤ max, lowest score first. */
  zrangeByScore(key: string, min: number, max: number, limit?: number): Promise<string[]>;
  zrem(key: string, ...members: string[]): Promise<number>;
  zcard(key: string): Promise<number>;

  /** Every key starting with `prefix` (without the deployment prefix). For erasure and maintenance, not hot paths. */
  keys(prefix: string): Promise<string[]>;

  publish(channel: string, message: string): Promise<void>;
  /** Returns a function that ends the subscription. */
  subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>>;

  /** Liveness for /readyz. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
