import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  checkLookupAllowed,
  DEFAULT_LOOKUP_LIMITS,
  RateLimiter,
  rateLimitProblem,
} from '../../src/identity/rate-limit.ts';
import { DataCipher, dataKeyFromBase64 } from '../../src/privacy/crypto.ts';
import { MemoryStore } from '../../src/store/memory.ts';

const cipher = new DataCipher(dataKeyFromBase64(Buffer.alloc(32, 7).toString('base64')));
const HOUR = 60 * 60_000;

let clock: number;
let store: MemoryStore;
let limiter: RateLimiter;

beforeEach(() => {
  clock = Date.parse('2026-03-15T08:00:00Z');
  store = new MemoryStore(() => clock);
  limiter = new RateLimiter({ store, hash: (v) => cipher.keyedHash(v), now: () => clock });

  afterEach(async () => {
    await store.close();
  });
});

describe('lookup rate limits', () => {
  it('refuses the 11th look-up from one chat account within the hour, then allows again', async () => {
    for (let i = 0; i < 10; i++) {
      const d = await checkLookupAllowed(limiter, { chatAccount: 'tg:1', citizenId: `00109901234${i}` });
      expect(d.allowed).toBe(true);
    }
    const refused = await checkLookupAllowed(limiter, { chatAccount: 'tg:1', citizenId: '001099012399' });
    expect(refused).toEqual({ allowed: false, retryAfterMs: HOUR });
    expect(rateLimitProblem(refused)).toMatchObject({
      code: 'HOSO_ERR_LOOKUP_RATE_LIMITED',
      params: { minutes: 60 },
    });

    clock += HOUR;
    expect(
      (await checkLookupAllowed(limiter, { chatAccount: 'tg:1', citizenId: '001099012399' })).allowed,
    ).toBe(true);
  });

  it('refuses the 6th look-up of one ID even from different accounts', async () => {
    for (let i = 0; i < 5; i++) {
      expect(
        (await checkLookupAllowed(limiter, { chatAccount: `tg:${i}`, citizenId: '001190012345' })).allowed,
      ).toBe(true);
    }
    expect(
      (await checkLookupAllowed(limiter, { chatAccount: 'web:x', citizenId: '001190012345' })).allowed,
    ).toBe(false);
    expect(
      (await checkLookupAllowed(limiter, { chatAccount: 'web:x', citizenId: '079085004321' })).allowed,
    ).toBe(true);
  });

  it('does not spend an ID’s budget on look-ups refused for the account', async () => {
    for (let i = 0; i < 10; i++)
      await checkLookupAllowed(limiter, { chatAccount: 'tg:1', citizenId: `0790850043${i}0` });
    for (let i = 0; i < 5; i++)
      await checkLookupAllowed(limiter, { chatAccount: 'tg:1', citizenId: '001190012345' });
    expect(
      (await checkLookupAllowed(limiter, { chatAccount: 'tg:2', citizenId: '001190012345' })).allowed,
    ).toBe(true);
  });

  it('says how long to wait until the window ends', async () => {
    clock += 45 * 60_000;
    for (let i = 0; i < 5; i++) await limiter.hit('x', 'y', DEFAULT_LOOKUP_LIMITS.perCitizenId);
    expect(await limiter.hit('x', 'y', DEFAULT_LOOKUP_LIMITS.perCitizenId)).toEqual({
      allowed: false,
      retryAfterMs: 15 * 60_000,
    });
  });

  it('never writes the ID number or the chat account into a storage key', async () => {
    await checkLookupAllowed(limiter, { chatAccount: 'tg:777000', citizenId: '001190012345' });
    const keys = (await store.keys('')).join(' ');
    expect(keys).not.toContain('001190012345');
    expect(keys).not.toContain('777000');
    expect(await store.keys('')).toHaveLength(2);
  });
});
