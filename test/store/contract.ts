import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createConversationLocks } from '../../src/store/conversation-lock.ts';
import { createSessionStore } from '../../src/store/session-store.ts';
import type { KeyValueStore } from '../../src/store/types.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The behaviour both stores promise. Run by memory.test.ts and redis.test.ts. */
export function storeContract(
  name: string,
  make: () => { store: KeyValueStore; cleanup: () => Promise<void> },
) {
  describe(`${name} store contract`, () => {
    let store: KeyValueStore;
    let cleanup: () => Promise<void>;
    beforeEach(() => {
      ({ store, cleanup } = make());
    });
    afterEach(async () => {
      await cleanup();
    });

    it('keeps a value and forgets it after its time to live', async () => {
      expect(await store.set('a', '1', { ttlMs: 80 })).toBe(true);
      expect(await store.get('a')).toBe('1');
      expect(await store.pttl('a')).toBeGreaterThan(0);
      await sleep(150);
      expect(await store.get('a')).toBeNull();
      expect(await store.pttl('a')).toBe(-2);
    });

    it('refuses to overwrite with nx and reports which call won', async () => {
      expect(await store.set('k', 'first', { nx: true })).toBe(true);
      expect(await store.set('k', 'second', { nx: true })).toBe(false);
      expect(await store.get('k')).toBe('first');
    });

    it('deletes a key only while it still holds the expected value', async () => {
      await store.set('lock', 'mine');
      expect(await store.delIfEquals('lock', 'theirs')).toBe(false);
      expect(await store.delIfEquals('lock', 'mine')).toBe(true);
      expect(await store.get('lock')).toBeNull();
    });

    it('counts with incr and sets the expiry only when it creates the key', async () => {
      expect(await store.incr('n', { ttlMs: 5000 })).toBe(1);
      expect(await store.incr('n', { ttlMs: 5000 })).toBe(2);
      const ttl = await store.pttl('n');
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(5000);
      expect(await store.incr('plain')).toBe(1);
      expect(await store.pttl('plain')).toBe(-1);
    });

    it('keeps lists in order with Redis index semantics', async () => {
      expect(await store.rpush('l', 'a', 'b', 'c', 'd')).toBe(4);
      expect(await store.lrange('l', 0, -1)).toEqual(['a', 'b', 'c', 'd']);
      expect(await store.lrange('l', -2, -1)).toEqual(['c', 'd']);
      await store.ltrim('l', -3, -1);
      expect(await store.lrange('l', 0, -1)).toEqual(['b', 'c', 'd']);
      expect(await store.lrem('l', 'c')).toBe(1);
      expect(await store.llen('l')).toBe(2);
    });

    it('stores hash fields, set members and scores', async () => {
      await store.hset('h', { a: '1', b: '2' });
      expect(await store.hget('h', 'a')).toBe('1');
      expect(await store.hgetall('h')).toEqual({ a: '1', b: '2' });
      expect(await store.hdel('h', 'a', 'zz')).toBe(1);
      expect(await store.hgetall('missing')).toEqual({});

      expect(await store.sadd('s', 'x', 'y', 'x')).toBe(2);
      expect((await store.smembers('s')).sort()).toEqual(['x', 'y']);
      expect(await store.srem('s', 'x')).toBe(1);

      await store.zadd('z', 30, 'c');
      await store.zadd('z', 10, 'a');
      await store.zadd('z', 20, 'b');
      expect(await store.zrangeByScore('z', 0, 25)).toEqual(['a', 'b']);
      expect(await store.zrangeByScore('z', Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, 2)).toEqual([
        'a',
        'b',
      ]);
      expect(await store.zrem('z', 'a')).toBe(1);
      expect(await store.zcard('z')).toBe(2);
    });

    it('lists keys by prefix and deletes them', async () => {
      await store.set('user:1:a', 'x');
      await store.rpush('user:1:b', 'y');
      await store.set('user:2:a', 'z');
      expect((await store.keys('user:1:')).sort()).toEqual(['user:1:a', 'user:1:b']);
      expect(await store.del('user:1:a', 'user:1:b')).toBe(2);
      expect(await store.keys('user:1:')).toEqual([]);
    });

    it('delivers a published message to every subscriber until they leave', async () => {
      const seen: string[] = [];
      const stop = await store.subscribe('news', (m) => seen.push(m));
      await store.publish('news', 'hello');
      await expect.poll(() => seen).toEqual(['hello']);
      await stop();
      await store.publish('news', 'again');
      await sleep(50);
      expect(seen).toEqual(['hello']);
    });

    it('takes a lock and reads keys in one step, and only when the lock is free', async () => {
      await store.set('sess:a', 'session');
      expect(await store.acquireAndRead('lock:a', 'mine', 5000, ['sess:a', 'missing'])).toEqual([
        'session',
        null,
      ]);
      expect(await store.acquireAndRead('lock:a', 'theirs', 5000, ['sess:a'])).toBeUndefined();
      expect(await store.get('lock:a')).toBe('mine');
      expect(await store.pttl('lock:a')).toBeGreaterThan(4000);
    });

    it('writes only while the guard still holds its value, and renews or releases it in the same step', async () => {
      await store.set('guard', 'mine', { ttlMs: 1000 });
      await store.set('gone', 'x');
      const writes = [
        { key: 'a', value: '1', ttlMs: 60_000 },
        { key: 'b', value: '2' },
        { key: 'gone', value: null },
      ];
      expect(await store.writeIfHeld('guard', 'theirs', writes)).toBe(false);
      expect(await store.get('a')).toBeNull();
      expect(await store.writeIfHeld('guard', 'mine', writes, { ttlMs: 30_000 })).toBe(true);
      expect([await store.get('a'), await store.get('b'), await store.get('gone')]).toEqual(['1', '2', null]);
      expect(await store.pttl('a')).toBeGreaterThan(50_000);
      expect(await store.pttl('b')).toBe(-1);
      expect(await store.pttl('guard')).toBeGreaterThan(20_000);
      expect(await store.writeIfHeld('guard', 'mine', [{ key: 'c', value: '3' }], 'release')).toBe(true);
      expect(await store.get('guard')).toBeNull();
      expect(await store.writeIfHeld('guard', 'mine', [{ key: 'd', value: '4' }])).toBe(false);
      expect(await store.get('d')).toBeNull();
    });

    it('appends to a capped list in the same fenced step, keeping only its last items and renewing its life', async () => {
      await store.set('guard', 'mine', { ttlMs: 1000 });
      const push = (items: string[]) => ({ key: 'log', push: items, cap: 4, ttlMs: 60_000 });
      expect(await store.writeIfHeld('guard', 'theirs', [push(['lost'])])).toBe(false);
      expect(await store.llen('log')).toBe(0);
      expect(
        await store.writeIfHeld('guard', 'mine', [{ key: 's', value: 'v' }, push(['1', '2', '3'])]),
      ).toBe(true);
      expect(await store.writeIfHeld('guard', 'mine', [push(['4', '5', '6'])], 'release')).toBe(true);
      expect(await store.lrange('log', 0, -1)).toEqual(['3', '4', '5', '6']);
      expect(await store.pttl('log')).toBeGreaterThan(50_000);
      expect(await store.get('guard')).toBeNull();
    });

    it('appends to many capped lists in one step, each keeping its last items and renewing its life', async () => {
      await store.rpush('log:a', 'old');
      await store.appendCapped([
        { key: 'log:a', push: ['1', '2'], cap: 3, ttlMs: 60_000 },
        { key: 'log:b', push: ['x'], cap: 3, ttlMs: 60_000 },
        { key: 'log:a', push: ['3'], cap: 3, ttlMs: 60_000 },
        { key: 'log:c', push: [], cap: 3 },
      ]);
      expect(await store.lrange('log:a', 0, -1)).toEqual(['1', '2', '3']);
      expect(await store.lrange('log:b', 0, -1)).toEqual(['x']);
      expect(await store.llen('log:c')).toBe(0);
      expect(await store.pttl('log:a')).toBeGreaterThan(50_000);
      await store.appendCapped([{ key: 'log:b', push: ['y', 'z', 'w'], cap: 2 }]);
      expect(await store.lrange('log:b', 0, -1)).toEqual(['z', 'w']);
      // A list without a new time to live keeps the one it had.
      expect(await store.pttl('log:b')).toBeGreaterThan(50_000);
      await store.set('plain', 'v');
      await expect(store.appendCapped([{ key: 'plain', push: ['x'], cap: 2 }])).rejects.toThrow();
      expect(await store.get('plain')).toBe('v');
    });

    it('keeps a lock alive while its holder works past the time to live', async () => {
      // The time to live is long enough that a busy test machine's pauses (a few hundred ms) cannot make the
      // renewal late; the holder still works for more than twice that time.
      const locks = createConversationLocks(store, { ttlMs: 1200, waitMs: 50 });
      const other = createConversationLocks(store, { ttlMs: 1200, waitMs: 50 });
      let saved = false;
      await locks.run('long', async (lock) => {
        await sleep(2600);
        // Another process cannot take the lock meanwhile, and the holder's fenced write still goes through.
        await expect(other.run('long', async () => 'stolen')).rejects.toMatchObject({
          code: 'HOSO_ERR_BUSY',
        });
        await lock.write([{ key: 'result', value: 'mine' }]);
        saved = true;
      });
      expect(saved).toBe(true);
      expect(await store.get('result')).toBe('mine');
      expect(await store.get('lock:long')).toBeNull();
    });

    it('refuses the writes of a holder whose lock expired and was taken by someone else', async () => {
      const stalled = createConversationLocks(store, { ttlMs: 60, maxHoldMs: 0 });
      const next = createConversationLocks(store, { ttlMs: 5000 });
      await expect(
        stalled.run('conv', async (lock) => {
          await sleep(150);
          await next.run('conv', async (l) => l.write([{ key: 'state', value: 'next' }]));
          await lock.write([{ key: 'state', value: 'stale' }]);
        }),
      ).rejects.toMatchObject({ name: 'LockLostError' });
      expect(await store.get('state')).toBe('next');
    });

    it('never lets two turns of one conversation overlap', async () => {
      const locks = createConversationLocks(store);
      let inside = 0;
      let maxInside = 0;
      const order: number[] = [];
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          locks.run('conv', async () => {
            inside++;
            maxInside = Math.max(maxInside, inside);
            await sleep(1);
            order.push(i);
            inside--;
          }),
        ),
      );
      expect(maxInside).toBe(1);
      expect(order).toHaveLength(20);
    });

    it('keeps two lock holders apart even when they do not share a process queue', async () => {
      const a = createConversationLocks(store);
      const b = createConversationLocks(store);
      let inside = 0;
      let maxInside = 0;
      const work = async () => {
        inside++;
        maxInside = Math.max(maxInside, inside);
        await sleep(5);
        inside--;
      };
      await Promise.all([a.run('c', work), b.run('c', work), a.run('c', work), b.run('c', work)]);
      expect(maxInside).toBe(1);
    });

    it('gives up waiting for a lock held too long with a coded error', async () => {
      const holder = createConversationLocks(store, { ttlMs: 5000 });
      const waiter = createConversationLocks(store, { waitMs: 60 });
      let release!: () => void;
      const held = holder.run('busy', () => new Promise<void>((r) => (release = r)));
      await sleep(10);
      await expect(waiter.run('busy', async () => 'never')).rejects.toMatchObject({ code: 'HOSO_ERR_BUSY' });
      release();
      await held;
    });

    describe('sessions', () => {
      const V2 = z.object({ lang: z.enum(['vi', 'en']), visits: z.number() });

      it('saves and loads a session as versioned JSON with a time to live', async () => {
        const sessions = createSessionStore(store, {
          prefix: 'sess:',
          schema: V2,
          version: 2,
          ttlMs: 60_000,
        });
        await sessions.save('u1', { lang: 'vi', visits: 3 });
        expect(await sessions.load('u1')).toEqual({ lang: 'vi', visits: 3 });
        expect(JSON.parse((await store.get('sess:u1'))!)).toMatchObject({ v: 2 });
        expect(await store.pttl('sess:u1')).toBeGreaterThan(50_000);
        await sessions.delete('u1');
        expect(await sessions.load('u1')).toBeUndefined();
      });

      it('migrates a session written by an older version', async () => {
        await store.set('sess:old', JSON.stringify({ v: 1, data: { language: 'en' } }));
        const sessions = createSessionStore(store, {
          prefix: 'sess:',
          schema: V2,
          version: 2,
          ttlMs: 60_000,
          migrations: { 1: (d) => ({ lang: (d as { language: string }).language, visits: 0 }) },
        });
        expect(await sessions.load('old')).toEqual({ lang: 'en', visits: 0 });
      });

      it('parses a session in full only when it was written by an older version or does not look current', async () => {
        let parses = 0;
        const counted = V2.transform((s) => {
          parses++;
          return s;
        });
        const sessions = createSessionStore(store, {
          prefix: 'sess:',
          schema: counted,
          version: 2,
          ttlMs: 60_000,
          migrations: { 1: (d) => ({ lang: (d as { language: string }).language, visits: 0 }) },
          looksCurrent: (d) => typeof (d as { visits?: unknown }).visits === 'number',
        });
        await sessions.save('now', { lang: 'vi', visits: 3 });
        expect(await sessions.load('now')).toEqual({ lang: 'vi', visits: 3 });
        expect(parses).toBe(0);
        await store.set('sess:old', JSON.stringify({ v: 1, data: { language: 'en' } }));
        expect(await sessions.load('old')).toEqual({ lang: 'en', visits: 0 });
        expect(parses).toBe(1);
        await store.set('sess:odd', JSON.stringify({ v: 2, data: { lang: 'fr', visits: 'many' } }));
        expect(await sessions.load('odd')).toBeUndefined();
        expect(parses).toBe(1);
      });

      it('drops unreadable or future sessions and says why instead of crashing', async () => {
        const dropped: string[] = [];
        const sessions = createSessionStore(store, {
          prefix: 'sess:',
          schema: V2,
          version: 2,
          ttlMs: 60_000,
          onDiscard: (_key, reason) => dropped.push(reason),
        });
        await store.set('sess:bad', '{not json');
        await store.set('sess:future', JSON.stringify({ v: 9, data: {} }));
        await store.set('sess:wrong', JSON.stringify({ v: 2, data: { lang: 'fr', visits: 1 } }));
        expect(await sessions.load('bad')).toBeUndefined();
        expect(await sessions.load('future')).toBeUndefined();
        expect(await sessions.load('wrong')).toBeUndefined();
        expect(dropped).toEqual([
          'not JSON',
          'unknown version 9',
          expect.stringContaining('invalid at version 2'),
        ]);
      });
    });
  });
}
