import type { z } from 'zod';
import type { FencedWrite, KeyValueStore } from './types.ts';

/** Upgrades stored data written at version `from` to version `from + 1`. */
export type Migration = (data: unknown) => unknown;

export interface SessionStoreOptions<S extends z.ZodType> {
  /** Key namespace, e.g. `sess:`. */
  prefix: string;
  schema: S;
  /** The version written now. Stored data of an older version is migrated step by step. */
  version: number;
  /** `migrations[n]` upgrades version n to n + 1. */
  migrations?: Record<number, Migration>;
  ttlMs: number;
  /** Told when stored data cannot be read or migrated and is dropped (the conversation starts over). */
  onDiscard?: (key: string, reason: string) => void;
  /**
   * A cheap look at data stored at the current version, which this code wrote from a value it had parsed:
   * when it holds, the data is trusted as is and the full schema pass (the costliest step of a turn's load)
   * is skipped. Data of an older version, or that fails this look, is always parsed in full.
   */
  looksCurrent?: (data: unknown) => boolean;
}

export interface SessionStore<T> {
  load(key: string): Promise<T | undefined>;
  save(key: string, value: T): Promise<void>;
  delete(key: string): Promise<void>;
  /** The store key of a session, for callers that read it together with other keys in one round trip. */
  storeKey(key: string): string;
  /** A stored value read by such a caller (null: none), checked and migrated like `load`. */
  decode(key: string, raw: string | null): T | undefined;
  /** The write that saves a session, for a caller that saves it together with other keys (fenced). */
  encode(key: string, value: T): FencedWrite;
}

/**
 * Versioned JSON sessions with a time to live. A deployment that changes the session shape bumps the
 * version and adds a migration, so conversations under way survive the upgrade instead of crashing.
 */
export function createSessionStore<S extends z.ZodType>(
  kv: KeyValueStore,
  options: SessionStoreOptions<S>,
): SessionStore<z.infer<S>> {
  const { prefix, schema, version, migrations = {}, ttlMs, onDiscard, looksCurrent } = options;

  function upgrade(key: string, raw: string): z.infer<S> | undefined {
    let envelope: { v?: unknown; data?: unknown };
    try {
      envelope = JSON.parse(raw) as typeof envelope;
    } catch {
      onDiscard?.(key, 'not JSON');
      return undefined;
    }
    let v = typeof envelope.v === 'number' ? envelope.v : Number.NaN;
    if (!Number.isInteger(v) || v > version) {
      onDiscard?.(key, `unknown version ${String(envelope.v)}`);
      return undefined;
    }
    let data = envelope.data;
    // Validated once: when it was first parsed (or migrated), before this code saved it.
    if (v === version && looksCurrent?.(data)) return data as z.infer<S>;
    while (v < version) {
      const migrate = migrations[v];
      if (!migrate) {
        onDiscard?.(key, `no migration from version ${v}`);
        return undefined;
      }
      try {
        data = migrate(data);
      } catch (err) {
        onDiscard?.(key, `migration from version ${v} failed: ${(err as Error).message}`);
        return undefined;
      }
      v++;
    }
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      onDiscard?.(key, `invalid at version ${version}: ${parsed.error.issues[0]?.message ?? 'schema'}`);
      return undefined;
    }
    return parsed.data;
  }

  return {
    async load(key) {
      const raw = await kv.get(prefix + key);
      return raw === null ? undefined : upgrade(key, raw);
    },
    async save(key, value) {
      await kv.set(prefix + key, JSON.stringify({ v: version, data: value }), { ttlMs });
    },
    storeKey: (key) => prefix + key,
    decode: (key, raw) => (raw === null ? undefined : upgrade(key, raw)),
    encode: (key, value) => ({
      key: prefix + key,
      value: JSON.stringify({ v: version, data: value }),
      ttlMs,
    }),
    async delete(key) {
      await kv.del(prefix + key);
    },
  };
}
