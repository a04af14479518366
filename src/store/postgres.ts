import { type Kysely, type RawBuilder, sql } from 'kysely';
import { type FencedPush, type FencedWrite, type GuardAfter, isPush, type KeyValueStore } from './types.ts';

type Kind = 'string' | 'list' | 'hash' | 'set' | 'zset';
type Db = Kysely<unknown>;

interface Row {
  kind: Kind;
  item: string | null;
  value: string | null;
  score: number | null;
}

export class WrongTypeError extends Error {
  constructor(key: string, held: string, wanted: string) {
    super(`WRONGTYPE key ${key} holds a ${held}, not a ${wanted}`);
    this.name = 'WrongTypeError';
  }
}

/**
 * The record store: the same key-value contract as Redis and memory (test/store/contract.ts), kept in
 * PostgreSQL or PGlite. Every module that keeps a record (links, consents, requests, payments, documents,
 * tickets, staff, audit, rule versions) writes through it, so a record survives any crash the database
 * survives, and counters (request codes, document numbers) never go back. Each operation is one
 * transaction; a key's row is locked while a collection under it changes, so processes never interleave.
 * Publish/subscribe is not a record: it goes to `bus`, the short-lived store.
 */
export class PostgresRecordStore implements KeyValueStore {
  readonly kind = 'postgres' as const;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly db: Db,
    private readonly options: {
      /** Messages between processes (rule announcements); the short-lived store. */
      bus: Pick<KeyValueStore, 'publish' | 'subscribe'>;
      /** Isolates tests that share one database. */
      prefix?: string;
      now?: () => number;
      onSweepError?: (err: Error) => void;
    },
  ) {
    this.sweeper = setInterval(() => {
      this.sweep().catch((err: Error) => this.options.onSweepError?.(err));
    }, 60_000);
    this.sweeper.unref();
  }

  private get now(): number {
    return (this.options.now ?? Date.now)();
  }

  private k(key: string): string {
    return (this.options.prefix ?? '') + key;
  }

  private live(now: number): RawBuilder<unknown> {
    return sql`(r.expires_at is null or r.expires_at > ${now})`;
  }

  /** Removes what has expired, so that the tables hold only live keys. */
  async sweep(): Promise<number> {
    const res =
      await sql`delete from hoso_records where expires_at is not null and expires_at <= ${this.now}`.execute(
        this.db,
      );
    return Number(res.numAffectedRows ?? 0);
  }

  /** One key's rows (kind and items), or undefined when it does not exist. */
  private async read(key: string, wanted: Kind, db: Db = this.db): Promise<Row[] | undefined> {
    const { rows } = await sql<Row>`
      select r.kind, i.item, i.value, i.score
      from hoso_records r left join hoso_record_items i on i.key = r.key
      where r.key = ${this.k(key)} and ${this.live(this.now)}
      order by i.item`.execute(db);
    const first = rows[0];
    if (!first) return undefined;
    if (first.kind !== wanted) throw new WrongTypeError(key, first.kind, wanted);
    return rows.filter((r) => r.item !== null);
  }

  /** Inside a transaction: drops the key if expired, creates it as `kind` if missing, and locks its row. */
  private async claim(trx: Db, key: string, kind: Kind): Promise<void> {
    const k = this.k(key);
    await sql`delete from hoso_records where key = ${k} and expires_at is not null and expires_at <= ${this.now}`.execute(
      trx,
    );
    // The row may vanish while we wait for its lock (another transaction emptied and dropped the key, see
    // dropIfEmpty): then it is created again.
    for (let attempt = 0; ; attempt++) {
      await sql`insert into hoso_records (key, kind) values (${k}, ${kind}) on conflict (key) do nothing`.execute(
        trx,
      );
      const { rows } = await sql<{
        kind: Kind;
      }>`select kind from hoso_records where key = ${k} for update`.execute(trx);
      const held = rows[0]?.kind;
      if (held === undefined && attempt < 5) continue;
      if (held !== kind) throw new WrongTypeError(key, held ?? 'nothing', kind);
      return;
    }
  }

  /**
   * Redis deletes a collection when its last item goes; so do we. The key's row is locked first, so that an
   * item another transaction is adding (it holds that lock) is committed and seen before "empty" is decided;
   * otherwise dropping the key would take the new item with it.
   */
  private async dropIfEmpty(trx: Db, key: string): Promise<void> {
    const k = this.k(key);
    await sql`select 1 from hoso_records where key = ${k} for update`.execute(trx);
    await sql`delete from hoso_records r where r.key = ${k}
      and not exists (select 1 from hoso_record_items i where i.key = ${k})`.execute(trx);
  }

  private async expired(trx: Db, key: string): Promise<void> {
    await sql`delete from hoso_records where key = ${this.k(key)} and expires_at is not null and expires_at <= ${this.now}`.execute(
      trx,
    );
  }

  private async putString(trx: Db, key: string, value: string, ttlMs?: number): Promise<void> {
    const k = this.k(key);
    const expiresAt = ttlMs !== undefined ? this.now + ttlMs : null;
    // A string replaces whatever the key held, as SET does in Redis.
    await sql`delete from hoso_record_items where key = ${k}`.execute(trx);
    await sql`insert into hoso_records (key, kind, value, expires_at) values (${k}, 'string', ${value}, ${expiresAt})
      on conflict (key) do update set kind = 'string', value = excluded.value, expires_at = excluded.expires_at`.execute(
      trx,
    );
  }

  async get(key: string): Promise<string | null> {
    const { rows } = await sql<{ kind: Kind; value: string | null }>`
      select r.kind, r.value from hoso_records r where r.key = ${this.k(key)} and ${this.live(this.now)}`.execute(
      this.db,
    );
    const row = rows[0];
    if (!row) return null;
    if (row.kind !== 'string') throw new WrongTypeError(key, row.kind, 'string');
    return row.value;
  }

  async set(key: string, value: string, options: { ttlMs?: number; nx?: boolean } = {}): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await this.expired(trx, key);
      if (options.nx) {
        const expiresAt = options.ttlMs !== undefined ? this.now + options.ttlMs : null;
        const res = await sql`insert into hoso_records (key, kind, value, expires_at)
          values (${this.k(key)}, 'string', ${value}, ${expiresAt}) on conflict (key) do nothing`.execute(
          trx,
        );
        return Number(res.numAffectedRows ?? 0) === 1;
      }
      await this.putString(trx, key, value, options.ttlMs);
      return true;
    });
  }

  async del(...keys: string[]): Promise<number> {
    if (keys.length === 0) return 0;
    const { rows } = await sql<{ expires_at: string | null }>`
      delete from hoso_records where key = any(${keys.map((k) => this.k(k))}::text[]) returning expires_at`.execute(
      this.db,
    );
    const now = this.now;
    return rows.filter((r) => r.expires_at === null || Number(r.expires_at) > now).length;
  }

  async delIfEquals(key: string, value: string): Promise<boolean> {
    const res = await sql`delete from hoso_records r where r.key = ${this.k(key)} and r.kind = 'string'
      and r.value = ${value} and ${this.live(this.now)}`.execute(this.db);
    return Number(res.numAffectedRows ?? 0) === 1;
  }

  async acquireAndRead(
    lockKey: string,
    token: string,
    ttlMs: number,
    readKeys: string[],
  ): Promise<(string | null)[] | undefined> {
    return this.db.transaction().execute(async (trx) => {
      await this.expired(trx, lockKey);
      const res = await sql`insert into hoso_records (key, kind, value, expires_at)
        values (${this.k(lockKey)}, 'string', ${token}, ${this.now + ttlMs}) on conflict (key) do nothing`.execute(
        trx,
      );
      if (Number(res.numAffectedRows ?? 0) !== 1) return undefined;
      const values: (string | null)[] = [];
      for (const key of readKeys) {
        const { rows } = await sql<{ value: string | null }>`select r.value from hoso_records r
          where r.key = ${this.k(key)} and r.kind = 'string' and ${this.live(this.now)}`.execute(trx);
        values.push(rows[0]?.value ?? null);
      }
      return values;
    });
  }

  async writeIfHeld(
    guardKey: string,
    guardValue: string,
    writes: FencedWrite[],
    after: GuardAfter = 'keep',
  ): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ value: string | null }>`select r.value from hoso_records r
        where r.key = ${this.k(guardKey)} and r.kind = 'string' and ${this.live(this.now)} for update`.execute(
        trx,
      );
      if (rows[0]?.value !== guardValue) return false;
      for (const w of writes) {
        if (isPush(w)) await this.pushCapped(trx, w.key, w.push, w.cap, w.ttlMs);
        else if (w.value === null)
          await sql`delete from hoso_records where key = ${this.k(w.key)}`.execute(trx);
        else await this.putString(trx, w.key, w.value, w.ttlMs);
      }
      if (after === 'release')
        await sql`delete from hoso_records where key = ${this.k(guardKey)}`.execute(trx);
      else if (after !== 'keep') {
        await sql`update hoso_records set expires_at = ${this.now + after.ttlMs} where key = ${this.k(guardKey)}`.execute(
          trx,
        );
      }
      return true;
    });
  }

  /** Inside a transaction: RPUSH, then LTRIM to the last `cap` items, then the list's time to live. */
  private async pushCapped(
    trx: Db,
    key: string,
    items: string[],
    cap: number,
    ttlMs?: number,
  ): Promise<void> {
    if (items.length === 0) return;
    const k = this.k(key);
    await this.claim(trx, key, 'list');
    for (const item of items) {
      await sql`insert into hoso_record_items (key, item, value)
        values (${k}, lpad(nextval('hoso_list_position')::text, 20, '0'), ${item})`.execute(trx);
    }
    await sql`delete from hoso_record_items where key = ${k} and item not in (
      select item from hoso_record_items where key = ${k} order by item desc limit ${Math.max(1, Math.floor(cap))})`.execute(
      trx,
    );
    if (ttlMs !== undefined)
      await sql`update hoso_records set expires_at = ${this.now + ttlMs} where key = ${k}`.execute(trx);
  }

  /**
   * Every list's items in a few statements whatever the number of lists, so a flush of many conversations'
   * lines costs one transaction: expired lists go, the lists are created or renewed (locked in key order, so
   * two processes flushing the same lists cannot deadlock), the items are added, and each list is cut to its cap.
   */
  async appendCapped(pushes: FencedPush[]): Promise<void> {
    const byKey = new Map<string, { items: string[]; cap: number; ttlMs: number | undefined }>();
    for (const w of pushes) {
      if (w.push.length === 0) continue;
      const k = this.k(w.key);
      const held = byKey.get(k);
      const cap = Math.max(1, Math.floor(w.cap));
      if (held) {
        held.items.push(...w.push);
        held.cap = cap;
        held.ttlMs = w.ttlMs ?? held.ttlMs;
      } else byKey.set(k, { items: [...w.push], cap, ttlMs: w.ttlMs });
    }
    if (byKey.size === 0) return;
    const keys = [...byKey.keys()].sort();
    const now = this.now;
    const keyList = sql.join(keys.map((k) => sql`${k}`));
    await this.db.transaction().execute(async (trx) => {
      await sql`delete from hoso_records where key in (${keyList})
        and expires_at is not null and expires_at <= ${now}`.execute(trx);
      const { rows } = await sql<{ key: string }>`
        insert into hoso_records (key, kind, expires_at)
        values ${sql.join(
          keys.map((k) => {
            const ttlMs = byKey.get(k)?.ttlMs;
            return sql`(${k}, 'list', ${ttlMs !== undefined ? now + ttlMs : null}::bigint)`;
          }),
        )}
        on conflict (key) do update set expires_at = coalesce(excluded.expires_at, hoso_records.expires_at)
          where hoso_records.kind = 'list'
        returning key`.execute(trx);
      if (rows.length !== keys.length) {
        const lists = new Set(rows.map((r) => r.key));
        const other = keys.find((k) => !lists.has(k)) ?? '';
        throw new WrongTypeError(other, 'string or collection', 'list');
      }
      await sql`insert into hoso_record_items (key, item, value) values ${sql.join(
        keys.flatMap((k) =>
          (byKey.get(k)?.items ?? []).map(
            (item) => sql`(${k}, lpad(nextval('hoso_list_position')::text, 20, '0'), ${item})`,
          ),
        ),
      )}`.execute(trx);
      // Per list, the oldest item to keep is found by walking its index from the newest end; only lists
      // longer than their cap have one, and only items before it go.
      for (const cap of new Set(keys.map((k) => byKey.get(k)?.cap ?? 1))) {
        const capped = keys.filter((k) => byKey.get(k)?.cap === cap).map((k) => sql`(${k})`);
        await sql`delete from hoso_record_items i using (
            select l.key, (select j.item from hoso_record_items j where j.key = l.key
              order by j.item desc offset ${cap - 1} limit 1) as oldest_kept
            from (values ${sql.join(capped)}) as l(key)) x
          where i.key = x.key and i.item < x.oldest_kept`.execute(trx);
      }
    });
  }

  async incr(key: string, options: { ttlMs?: number } = {}): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      await this.expired(trx, key);
      const expiresAt = options.ttlMs !== undefined ? this.now + options.ttlMs : null;
      // One statement: the row is created at 1 or incremented under its lock, so no two callers get one number.
      const { rows } = await sql<{ value: string }>`
        insert into hoso_records (key, kind, value, expires_at) values (${this.k(key)}, 'string', '1', ${expiresAt})
        on conflict (key) do update set value = (hoso_records.value::bigint + 1)::text
          where hoso_records.kind = 'string'
        returning value`.execute(trx);
      if (!rows[0]) throw new WrongTypeError(key, 'collection', 'string');
      return Number(rows[0].value);
    });
  }

  async expire(key: string, ttlMs: number): Promise<boolean> {
    const res = await sql`update hoso_records r set expires_at = ${this.now + ttlMs}
      where r.key = ${this.k(key)} and ${this.live(this.now)}`.execute(this.db);
    return Number(res.numAffectedRows ?? 0) === 1;
  }

  async pttl(key: string): Promise<number> {
    const now = this.now;
    const { rows } = await sql<{ expires_at: string | null }>`select r.expires_at from hoso_records r
      where r.key = ${this.k(key)} and ${this.live(now)}`.execute(this.db);
    const row = rows[0];
    if (!row) return -2;
    return row.expires_at === null ? -1 : Number(row.expires_at) - now;
  }

  async rpush(key: string, ...values: string[]): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      await this.claim(trx, key, 'list');
      for (const value of values) {
        await sql`insert into hoso_record_items (key, item, value)
          values (${this.k(key)}, lpad(nextval('hoso_list_position')::text, 20, '0'), ${value})`.execute(trx);
      }
      const { rows } = await sql<{
        n: string;
      }>`select count(*) as n from hoso_record_items where key = ${this.k(key)}`.execute(trx);
      return Number(rows[0]?.n ?? 0);
    });
  }

  async lrange(key: string, start: number, stop: number): Promise<string[]> {
    const rows = (await this.read(key, 'list')) ?? [];
    const [from, to] = range(rows.length, start, stop);
    return rows.slice(from, to + 1).map((r) => r.value ?? '');
  }

  async ltrim(key: string, start: number, stop: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const rows = await this.read(key, 'list', trx);
      if (!rows) return;
      const [from, to] = range(rows.length, start, stop);
      const drop = rows.filter((_, i) => i < from || i > to).map((r) => r.item as string);
      if (drop.length > 0) {
        await sql`delete from hoso_record_items where key = ${this.k(key)} and item = any(${drop}::text[])`.execute(
          trx,
        );
      }
      await this.dropIfEmpty(trx, key);
    });
  }

  async llen(key: string): Promise<number> {
    return ((await this.read(key, 'list')) ?? []).length;
  }

  async lrem(key: string, value: string): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      if (!(await this.read(key, 'list', trx))) return 0;
      const res =
        await sql`delete from hoso_record_items where key = ${this.k(key)} and value = ${value}`.execute(trx);
      await this.dropIfEmpty(trx, key);
      return Number(res.numAffectedRows ?? 0);
    });
  }

  async hset(key: string, fields: Record<string, string>): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await this.claim(trx, key, 'hash');
      for (const [field, value] of Object.entries(fields)) {
        await sql`insert into hoso_record_items (key, item, value) values (${this.k(key)}, ${field}, ${value})
          on conflict (key, item) do update set value = excluded.value`.execute(trx);
      }
    });
  }

  async hget(key: string, field: string): Promise<string | null> {
    const rows = await this.read(key, 'hash');
    return rows?.find((r) => r.item === field)?.value ?? null;
  }

  async hgetall(key: string): Promise<Record<string, string>> {
    const rows = (await this.read(key, 'hash')) ?? [];
    return Object.fromEntries(rows.map((r) => [r.item as string, r.value ?? '']));
  }

  async hdel(key: string, ...fields: string[]): Promise<number> {
    return this.removeItems(key, 'hash', fields);
  }

  async sadd(key: string, ...members: string[]): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      await this.claim(trx, key, 'set');
      let added = 0;
      for (const member of members) {
        const res = await sql`insert into hoso_record_items (key, item) values (${this.k(key)}, ${member})
          on conflict (key, item) do nothing`.execute(trx);
        added += Number(res.numAffectedRows ?? 0);
      }
      return added;
    });
  }

  async srem(key: string, ...members: string[]): Promise<number> {
    return this.removeItems(key, 'set', members);
  }

  async smembers(key: string): Promise<string[]> {
    return ((await this.read(key, 'set')) ?? []).map((r) => r.item as string);
  }

  async zadd(key: string, score: number, member: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await this.claim(trx, key, 'zset');
      await sql`insert into hoso_record_items (key, item, score) values (${this.k(key)}, ${member}, ${score})
        on conflict (key, item) do update set score = excluded.score`.execute(trx);
    });
  }

  async zrangeByScore(key: string, min: number, max: number, limit?: number): Promise<string[]> {
    const rows = (await this.read(key, 'zset')) ?? [];
    const members = rows
      .filter((r) => (r.score as number) >= min && (r.score as number) <= max)
      .sort((a, b) => (a.score as number) - (b.score as number) || ((a.item ?? '') < (b.item ?? '') ? -1 : 1))
      .map((r) => r.item as string);
    return limit === undefined ? members : members.slice(0, limit);
  }

  async zrem(key: string, ...members: string[]): Promise<number> {
    return this.removeItems(key, 'zset', members);
  }

  async zcard(key: string): Promise<number> {
    return ((await this.read(key, 'zset')) ?? []).length;
  }

  private async removeItems(key: string, kind: Kind, items: string[]): Promise<number> {
    if (items.length === 0) return 0;
    return this.db.transaction().execute(async (trx) => {
      if (!(await this.read(key, kind, trx))) return 0;
      const res =
        await sql`delete from hoso_record_items where key = ${this.k(key)} and item = any(${items}::text[])`.execute(
          trx,
        );
      await this.dropIfEmpty(trx, key);
      return Number(res.numAffectedRows ?? 0);
    });
  }

  async keys(prefix: string): Promise<string[]> {
    const full = this.k(prefix);
    const pattern = `${full.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const { rows } = await sql<{ key: string }>`select r.key from hoso_records r
      where r.key like ${pattern} escape '\\' and ${this.live(this.now)}`.execute(this.db);
    const cut = (this.options.prefix ?? '').length;
    return rows.map((r) => r.key.slice(cut));
  }

  publish(channel: string, message: string): Promise<void> {
    return this.options.bus.publish(channel, message);
  }

  subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>> {
    return this.options.bus.subscribe(channel, onMessage);
  }

  async ping(): Promise<boolean> {
    try {
      await sql`select 1`.execute(this.db);
      return true;
    } catch {
      return false;
    }
  }

  /** Stops the sweeper; the database itself belongs to whoever opened it. */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }
}

/** Redis list index semantics: negative indexes count from the end, and the range is inclusive. */
function range(length: number, start: number, stop: number): [number, number] {
  const from = Math.max(0, start < 0 ? length + start : start);
  const to = Math.min(length - 1, stop < 0 ? length + stop : stop);
  return [from, to];
}
