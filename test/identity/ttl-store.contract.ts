import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { TtlStore } from '../../src/identity/ttl-store.ts';

/**
 * What any TtlStore must do, on real time with short TTLs, so the same suite can run against the project's
 * Redis store: `describeTtlStore('RedisStore', () => makeStoreWithFreshPrefix())`.
 */
export function describeTtlStore(name: string, make: () => Promise<TtlStore> | TtlStore): void {
  describe(`${name} as a TtlStore`, () => {
    it('returns null for a missing key and the value for a present one', async () => {
      const store = await make();
      expect(await store.get('ttl-contract:a')).toBeNull();
      await store.set('ttl-contract:a', 'one', { ttlMs: 5_000 });
      expect(await store.get('ttl-contract:a')).toBe('one');
      await store.del('ttl-contract:a');
      expect(await store.get('ttl-contract:a')).toBeNull();
    });

    it('forgets a value after its TTL', async () => {
      const store = await make();
      await store.set('ttl-contract:b', 'x', { ttlMs: 60 });
      await sleep(120);
      expect(await store.get('ttl-contract:b')).toBeNull();
    });

    it('counts up and keeps the TTL of the first increment (a fixed window)', async () => {
      const store = await make();
      expect(await store.incr('ttl-contract:c', { ttlMs: 150 })).toBe(1);
      await sleep(80);
      expect(await store.incr('ttl-contract:c', { ttlMs: 150 })).toBe(2);
      await sleep(100);
      // Had the second increment renewed the TTL, the count would still be alive.
      expect(await store.incr('ttl-contract:c', { ttlMs: 150 })).toBe(1);
      await store.del('ttl-contract:c');
    });

    it('counts concurrent increments exactly', async () => {
      const store = await make();
      const results = await Promise.all(
        Array.from({ length: 25 }, () => store.incr('ttl-contract:d', { ttlMs: 5_000 })),
      );
      expect([...results].sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
      await store.del('ttl-contract:d');
    });
  });
}
