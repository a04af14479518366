import { describe, expect, it } from 'vitest';
import { startThrowawayRedis } from '../../src/dev/throwaway-redis.ts';
import { RedisStore } from '../../src/store/redis.ts';
import { testRedisStore } from '../support/redis.ts';
import { storeContract } from './contract.ts';

storeContract('redis', () => testRedisStore());

describe('Redis settings', () => {
  it('are reported when a crash or memory pressure would lose queued jobs, and pass when persistent', async () => {
    const bare = await startThrowawayRedis();
    const persistent = await startThrowawayRedis({ persist: true });
    const stores = [bare, persistent].map((r) => new RedisStore({ url: r.url, prefix: 'x:' }));
    try {
      expect(await stores[0]!.riskySettings()).toEqual([expect.stringContaining('appendonly is off')]);
      expect(await stores[1]!.riskySettings()).toEqual([]);
      await stores[1]!.client.config('SET', 'maxmemory-policy', 'allkeys-lru');
      expect(await stores[1]!.riskySettings()).toEqual([expect.stringContaining('allkeys-lru')]);
    } finally {
      for (const s of stores) await s.close();
      await bare.stop();
      await persistent.stop();
    }
  });
});
