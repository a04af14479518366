import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { RedisStore } from '../../src/store/redis.ts';

/** A Redis store on the test run's throwaway server, under a prefix of its own; `cleanup` removes its keys. */
export function testRedisStore(): {
  store: RedisStore;
  url: string;
  prefix: string;
  cleanup: () => Promise<void>;
} {
  const url = inject('redisUrl');
  const prefix = `test:${process.pid}:${randomBytes(4).toString('hex')}:`;
  const store = new RedisStore({ url, prefix, redis: { maxRetriesPerRequest: 1 } });
  return {
    store,
    url,
    prefix,
    async cleanup() {
      const keys = await store.keys('');
      if (keys.length > 0) await store.del(...keys);
      await store.close();
    },
  };
}
