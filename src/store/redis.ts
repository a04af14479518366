import { Redis, type RedisOptions } from 'ioredis';
import { type FencedPush, type FencedWrite, type GuardAfter, isPush, type KeyValueStore } from './types.ts';

const DEL_IF_EQUALS = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
const INCR_WITH_TTL = `local n = redis.call('INCR', KEYS[1]) if n == 1 and tonumber(ARGV[1]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return n`;

/** KEYS: lock, then the keys to read. ARGV: token, ttl. */
const ACQUIRE_AND_READ = `if not redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return false end
local out = {}
for i = 2, #KEYS do out[i - 1] = redis.call('GET', KEYS[i]) end
return out`;
/**
 * KEYS: guard, then the written keys. ARGV: guard value, what to do with the guard after ('keep', 'release' or
 * a ttl in ms), then per write a kind ('s' set, 'x' set with ttl, 'd' delete, 'p<cap>' push one item and keep
 * the last <cap>), the value and the ttl ('' for none).
 */
const WRITE_IF_HELD = `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
for i = 2, #KEYS do
  local a = 3 + (i - 2) * 3
  local kind = ARGV[a]
  if kind == 'd' then redis.call('DEL', KEYS[i])
  elseif kind == 'x' then redis.call('SET', KEYS[i], ARGV[a + 1], 'PX', ARGV[a + 2])
  elseif string.sub(kind, 1, 1) == 'p' then
    redis.call('RPUSH', KEYS[i], ARGV[a + 1])
    redis.call('LTRIM', KEYS[i], -tonumber(string.sub(kind, 2)), -1)
    if ARGV[a + 2] ~= '' then redis.call('PEXPIRE', KEYS[i], ARGV[a + 2]) end
  else redis.call('SET', KEYS[i], ARGV[a + 1]) end
end
if ARGV[2] == 'release' then redis.call('DEL', KEYS[1])
elseif ARGV[2] ~= 'keep' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1`;

export interface RedisStoreOptions {
  url: string;
  prefix?: string;
  /** Extra ioredis options (tests shorten retries). */
  redis?: RedisOptions;
  /** Told about connection errors; ioredis reconnects by itself, so these are warnings, not crashes. */
  onError?: (err: Error) => void;
}

/**
 * The deployment store. Sessions, locks, tickets and rule versions live here so that any number of Hoso
 * processes can serve the same conversations. Pub/sub uses a second connection, as Redis requires.
 */
export class RedisStore implements KeyValueStore {
  readonly kind = 'redis' as const;
  readonly client: Redis;
  private subscriber: Redis | undefined;
  private readonly handlers = new Map<string, Set<(message: string) => void>>();
  readonly prefix: string;
  private readonly onError: (err: Error) => void;

  constructor(options: RedisStoreOptions) {
    this.prefix = options.prefix ?? '';
    this.client = new Redis(options.url, {
      // Commands issued in the same tick share one round trip.
      enableAutoPipelining: true,
      maxRetriesPerRequest: 3,
      // While Redis is away a command fails within this time instead of waiting for the reconnection:
      // a citizen hears "try again in a moment" at once, and readiness reports the outage.
      commandTimeout: 1500,
      ...options.redis,
    });
    this.onError = options.onError ?? (() => {});
    this.client.on('error', this.onError);
    this.client.defineCommand('hosoDelIfEquals', { numberOfKeys: 1, lua: DEL_IF_EQUALS });
    this.client.defineCommand('hosoIncrWithTtl', { numberOfKeys: 1, lua: INCR_WITH_TTL });
    this.client.defineCommand('hosoAcquireAndRead', { lua: ACQUIRE_AND_READ });
    this.client.defineCommand('hosoWriteIfHeld', { lua: WRITE_IF_HELD });
  }

  private k(key: string): string {
    return this.prefix + key;
  }

  async get(key: string): Promise<string | null> {
    return this.client.get(this.k(key));
  }

  async set(key: string, value: string, options: { ttlMs?: number; nx?: boolean } = {}): Promise<boolean> {
    const k = this.k(key);
    let result: string | null;
    if (options.ttlMs !== undefined && options.nx)
      result = await this.client.set(k, value, 'PX', options.ttlMs, 'NX');
    else if (options.ttlMs !== undefined) result = await this.client.set(k, value, 'PX', options.ttlMs);
    else if (options.nx) result = await this.client.set(k, value, 'NX');
    else result = await this.client.set(k, value);
    return result === 'OK';
  }

  async del(...keys: string[]): Promise<number> {
    if (keys.length === 0) return 0;
    return this.client.del(...keys.map((k) => this.k(k)));
  }

  async delIfEquals(key: string, value: string): Promise<boolean> {
    const n = await (this.client as unknown as Scripts).hosoDelIfEquals(this.k(key), value);
    return n === 1;
  }

  async acquireAndRead(
    lockKey: string,
    token: string,
    ttlMs: number,
    readKeys: string[],
  ): Promise<(string | null)[] | undefined> {
    const keys = [lockKey, ...readKeys].map((k) => this.k(k));
    const result = await (this.client as unknown as Scripts).hosoAcquireAndRead(
      keys.length,
      ...keys,
      token,
      String(ttlMs),
    );
    if (result === null) return undefined;
    // Lua drops trailing nils from a table: missing entries are keys that do not exist.
    return readKeys.map((_, i) => (typeof result[i] === 'string' ? result[i] : null));
  }

  async writeIfHeld(
    guardKey: string,
    guardValue: string,
    writes: FencedWrite[],
    after: GuardAfter = 'keep',
  ): Promise<boolean> {
    const keys = [this.k(guardKey)];
    const args: string[] = [guardValue, typeof after === 'string' ? after : String(after.ttlMs)];
    for (const w of writes) {
      if (isPush(w)) {
        // One item per step keeps the script's fixed three arguments per write.
        for (const item of w.push) {
          keys.push(this.k(w.key));
          args.push(`p${Math.max(1, Math.floor(w.cap))}`, item, w.ttlMs !== undefined ? String(w.ttlMs) : '');
        }
        continue;
      }
      keys.push(this.k(w.key));
      if (w.value === null) args.push('d', '', '');
      else if (w.ttlMs !== undefined) args.push('x', w.value, String(w.ttlMs));
      else args.push('s', w.value, '');
    }
    const n = await (this.client as unknown as Scripts).hosoWriteIfHeld(keys.length, ...keys, ...args);
    return n === 1;
  }

  async appendCapped(pushes: FencedPush[]): Promise<void> {
    const batch = this.client.multi();
    for (const w of pushes) {
      if (w.push.length === 0) continue;
      const key = this.k(w.key);
      batch.rpush(key, ...w.push).ltrim(key, -Math.max(1, Math.floor(w.cap)), -1);
      if (w.ttlMs !== undefined) batch.pexpire(key, w.ttlMs);
    }
    const results = await batch.exec();
    const failed = results?.find(([err]) => err);
    if (failed?.[0]) throw failed[0];
  }

  async incr(key: string, options: { ttlMs?: number } = {}): Promise<number> {
    return (this.client as unknown as Scripts).hosoIncrWithTtl(this.k(key), String(options.ttlMs ?? 0));
  }

  async expire(key: string, ttlMs: number): Promise<boolean> {
    return (await this.client.pexpire(this.k(key), ttlMs)) === 1;
  }

  async pttl(key: string): Promise<number> {
    return this.client.pttl(this.k(key));
  }

  async rpush(key: string, ...values: string[]): Promise<number> {
    return this.client.rpush(this.k(key), ...values);
  }

  async lrange(key: string, start: number, stop: number): Promise<string[]> {
    return this.client.lrange(this.k(key), start, stop);
  }

  async ltrim(key: string, start: number, stop: number): Promise<void> {
    await this.client.ltrim(this.k(key), start, stop);
  }

  async llen(key: string): Promise<number> {
    return this.client.llen(this.k(key));
  }

  async lrem(key: string, value: string): Promise<number> {
    return this.client.lrem(this.k(key), 0, value);
  }

  async hset(key: string, fields: Record<string, string>): Promise<void> {
    if (Object.keys(fields).length > 0) await this.client.hset(this.k(key), fields);
  }

  async hget(key: string, field: string): Promise<string | null> {
    return this.client.hget(this.k(key), field);
  }

  async hgetall(key: string): Promise<Record<string, string>> {
    return this.client.hgetall(this.k(key));
  }

  async hdel(key: string, ...fields: string[]): Promise<number> {
    return this.client.hdel(this.k(key), ...fields);
  }

  async sadd(key: string, ...members: string[]): Promise<number> {
    return this.client.sadd(this.k(key), ...members);
  }

  async srem(key: string, ...members: string[]): Promise<number> {
    return this.client.srem(this.k(key), ...members);
  }

  async smembers(key: string): Promise<string[]> {
    return this.client.smembers(this.k(key));
  }

  async zadd(key: string, score: number, member: string): Promise<void> {
    await this.client.zadd(this.k(key), score, member);
  }

  async zrangeByScore(key: string, min: number, max: number, limit?: number): Promise<string[]> {
    const lo = Number.isFinite(min) ? min : '-inf';
    const hi = Number.isFinite(max) ? max : '+inf';
    if (limit === undefined) return this.client.zrangebyscore(this.k(key), lo, hi);
    return this.client.zrangebyscore(this.k(key), lo, hi, 'LIMIT', 0, limit);
  }

  async zrem(key: string, ...members: string[]): Promise<number> {
    return this.client.zrem(this.k(key), ...members);
  }

  async zcard(key: string): Promise<number> {
    return this.client.zcard(this.k(key));
  }

  async keys(prefix: string): Promise<string[]> {
    const found: string[] = [];
    const pattern = `${escapeGlob(this.k(prefix))}*`;
    let cursor = '0';
    do {
      const [next, batch] = await this.client.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      for (const k of batch) found.push(k.slice(this.prefix.length));
    } while (cursor !== '0');
    return [...new Set(found)];
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.client.publish(this.k(channel), message);
  }

  async subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>> {
    if (!this.subscriber) {
      this.subscriber = this.client.duplicate({ enableAutoPipelining: false });
      this.subscriber.on('error', this.onError);
      this.subscriber.on('message', (ch: string, message: string) => {
        for (const h of this.handlers.get(ch) ?? []) h(message);
      });
    }
    const ch = this.k(channel);
    let set = this.handlers.get(ch);
    if (!set) {
      set = new Set();
      this.handlers.set(ch, set);
      await this.subscriber.subscribe(ch);
    }
    set.add(onMessage);
    return async () => {
      set.delete(onMessage);
      if (set.size === 0 && this.handlers.get(ch) === set) {
        this.handlers.delete(ch);
        await this.subscriber?.unsubscribe(ch);
      }
    };
  }

  /**
   * What in this Redis' settings would lose short-lived state that still matters (queued jobs, sessions) on a
   * restart or under memory pressure. Empty when all is well or when CONFIG is not allowed (managed Redis).
   */
  async riskySettings(): Promise<string[]> {
    try {
      const [, appendonly] = (await this.client.config('GET', 'appendonly')) as string[];
      const [, policy] = (await this.client.config('GET', 'maxmemory-policy')) as string[];
      const risks: string[] = [];
      if (appendonly !== 'yes')
        risks.push('appendonly is off: queued jobs and sessions since the last snapshot are lost on a crash');
      if (policy && policy !== 'noeviction')
        risks.push(`maxmemory-policy is ${policy}: Redis may evict queued jobs`);
      return risks;
    } catch {
      return [];
    }
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.client.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.subscriber?.quit(), this.client.quit()]);
  }
}

interface Scripts {
  hosoDelIfEquals(key: string, value: string): Promise<number>;
  hosoAcquireAndRead(numKeys: number, ...keysThenArgs: string[]): Promise<(string | null)[] | null>;
  hosoWriteIfHeld(numKeys: number, ...keysThenArgs: string[]): Promise<number>;
  hosoIncrWithTtl(key: string, ttlMs: string): Promise<number>;
}

function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
