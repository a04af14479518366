/**
 * The little storage the OTP and rate-limit primitives need. The project store (Redis or memory) provides it;
 * on Redis: GET, SET PX, DEL, and `incr` as MULTI { INCR; PEXPIRE key ttl NX }.
 *
 * Keys passed here never contain a raw ID, phone number or code: callers hash them first.
 */
export interface TtlStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, options: { ttlMs: number }): Promise<void>;
  /** Adds one and returns the new count. The TTL is set only when the key is created, so windows are fixed. */
  incr(key: string, options: { ttlMs: number }): Promise<number>;
  del(key: string): Promise<void>;
}

/** In-process store with an injectable clock, for tests and the single-process embedded mode. */
export class MemoryTtlStore implements TtlStore {
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  private live(key: string): { value: string; expiresAt: number } | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  async get(key: string): Promise<string | null> {
    return this.live(key)?.value ?? null;
  }

  async set(key: string, value: string, { ttlMs }: { ttlMs: number }): Promise<void> {
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
  }

  async incr(key: string, { ttlMs }: { ttlMs: number }): Promise<number> {
    const entry = this.live(key);
    const count = (entry ? Number(entry.value) : 0) + 1;
    this.entries.set(key, { value: String(count), expiresAt: entry?.expiresAt ?? this.now() + ttlMs });
    return count;
  }

  async del(key: string): Promise<void> {
    this.entries.delete(key);
  }

  /** Keys currently held, for tests that check nothing personal leaks into key names. */
  keys(): string[] {
    return [...this.entries.keys()].filter((k) => this.live(k) !== undefined);
  }
}
