/**
 * The storage primitives every Hoso module builds on. Two implementations pass one contract suite
 * (test/store/contract.ts): Redis for deployments, memory for trying Hoso with nothing installed.
 * Keys are given without the deployment prefix; the store adds it.
 */
export interface KeyValueStore {
  readonly kind: 'memory' | 'redis';

  get(key: string): Promise<string | null>;
  /** Returns false when `nx` is set and the key already exists. */
  set(key: string, value: string, options?: { ttlMs?: number; nx?: boolean }): Promise<boolean>;
  del(...keys: string[]): Promise<number>;
  /** Deletes the key only while it still holds `value` (releasing a lock that is still ours). */
  delIfEquals(key: string, value: string): Promise<boolean>;
  /** Increments an integer; `ttlMs` is applied when the key is created by this call. */
  incr(key: string, options?: { ttlMs?: number }): Promise<number>;
  expire(key: string, ttlMs: number): Promise<boolean>;
  /** Milliseconds left; -1 without expiry, -2 when the key does not exist. */
  pttl(key: string): Promise<number>;

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
