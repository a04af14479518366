import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { OtpService } from '../../src/identity/otp.ts';
import { checkLookupAllowed, RateLimiter } from '../../src/identity/rate-limit.ts';
import type { TtlStore } from '../../src/identity/ttl-store.ts';
import { DataCipher, dataKeyFromBase64 } from '../../src/privacy/crypto.ts';
import { MemoryStore } from '../../src/store/memory.ts';
import { testRedisStore } from '../support/redis.ts';
import { describeTtlStore } from './ttl-store.contract.ts';

/** The project store (Redis and memory) is what the OTP and rate limits run on outside tests. */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function redisStore(): TtlStore {
  const { store, cleanup } = testRedisStore();
  cleanups.push(cleanup);
  return store;
}

function memoryStore(): TtlStore {
  const store = new MemoryStore();
  cleanups.push(() => store.close());
  return store;
}

describeTtlStore('RedisStore', redisStore);
describeTtlStore('MemoryStore', memoryStore);

const cipher = new DataCipher(dataKeyFromBase64(randomBytes(32).toString('base64')));

describe('OTP on the Redis store', () => {
  it('locks after five wrong codes and keeps no ID, phone or code in Redis', async () => {
    const { store, cleanup } = testRedisStore();
    cleanups.push(cleanup);
    const otp = new OtpService({ store, hash: (v) => cipher.keyedHash(v) });
    const subject = 'telegram:4242|001190012345|0901000001';
    const issued = await otp.issue(subject);
    if (issued.status !== 'issued') throw new Error('not issued');
    const wrong = issued.code === '000000' ? '000001' : '000000';
    const results = await Promise.all(Array.from({ length: 8 }, () => otp.verify(subject, wrong)));
    expect(results.filter((r) => r.status === 'wrong')).toHaveLength(4);
    expect(await otp.verify(subject, issued.code)).toMatchObject({ status: 'locked' });

    await checkLookupAllowed(new RateLimiter({ store, hash: (v) => cipher.keyedHash(v) }), {
      chatAccount: 'telegram:4242',
      citizenId: '001190012345',
    });
    const keys = await store.keys('');
    const values = await Promise.all(keys.map((k) => store.get(k)));
    const dump = JSON.stringify([keys, values]);
    for (const secret of ['001190012345', '0901000001', '4242', issued.code])
      expect(dump).not.toContain(secret);
  });
});
