import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BullJobQueue, jobIdOf, keyOfJobId } from '../../src/jobs/bull-queue.ts';
import { createDeadLetterList, type DeadLetterList } from '../../src/jobs/dead-letters.ts';
import { PermanentJobError } from '../../src/jobs/types.ts';
import type { RedisStore } from '../../src/store/redis.ts';
import { testRedisStore } from '../support/redis.ts';

const silent = { info() {}, warn() {}, error() {} };

async function until(check: () => boolean | Promise<boolean>, ms = 8000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) throw new Error('timed out waiting for the condition');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the BullMQ job queue', () => {
  let redis: ReturnType<typeof testRedisStore>;
  let store: RedisStore;
  let deadLetters: DeadLetterList;
  let bullPrefix: string;
  const open: BullJobQueue[] = [];

  function queue(options: { attempts?: number } = {}) {
    const q = new BullJobQueue({
      redisUrl: redis.url,
      prefix: bullPrefix,
      attempts: options.attempts ?? 3,
      backoffMs: 20,
      log: silent,
      deadLetters,
    });
    open.push(q);
    return q;
  }

  beforeEach(() => {
    redis = testRedisStore();
    store = redis.store;
    deadLetters = createDeadLetterList(store);
    bullPrefix = `${redis.prefix}bull`;
  });

  afterEach(async () => {
    for (const q of open.splice(0)) await q.close();
    const bullKeys = await store.client.keys(`${bullPrefix}:*`);
    if (bullKeys.length > 0) await store.client.del(...bullKeys);
    await redis.cleanup();
  });

  it('spells job keys as BullMQ ids and back', () => {
    for (const key of ['submit:LLTP-2026-000123', '12345', 'a%3Ab:c']) {
      expect(jobIdOf(key)).not.toContain(':');
      expect(keyOfJobId(jobIdOf(key))).toBe(key);
    }
  });

  it('runs a job once even when its key is queued twice', async () => {
    const q = queue();
    const seen: string[] = [];
    q.handle('hello', async (data, meta) => {
      seen.push(`${data.who}:${meta.key}:${meta.attempt}`);
    });
    await q.start();
    await q.enqueue({ name: 'hello', data: { who: 'an' }, key: 'hello:an' });
    await q.enqueue({ name: 'hello', data: { who: 'an' }, key: 'hello:an' });
    await until(() => seen.length >= 1);
    await new Promise((r) => setTimeout(r, 150));
    expect(seen).toEqual(['an:hello:an:1']);
  });

  it('retries a failing job with backoff until it succeeds', async () => {
    const q = queue({ attempts: 4 });
    let calls = 0;
    q.handle('flaky', async () => {
      calls++;
      if (calls < 3) throw new Error('agency down');
    });
    await q.start();
    await q.enqueue({ name: 'flaky', data: {}, key: 'flaky:1' });
    await until(async () => (await q.counts()).completed === 1);
    expect(calls).toBe(3);
    expect(await deadLetters.list()).toEqual([]);
  });

  it('puts a job that failed its last attempt on the dead-letter list and says so', async () => {
    const q = queue({ attempts: 2 });
    const told: unknown[] = [];
    q.handle(
      'doomed',
      async () => {
        throw Object.assign(new Error('still down'), { code: 'HOSO_ERR_AGENCY_UNAVAILABLE' });
      },
      { onDeadLetter: async (data) => void told.push(data) },
    );
    await q.start();
    await q.enqueue({ name: 'doomed', data: { code: 'LLTP-2026-000001' }, key: 'doomed:1' });
    await until(async () => (await deadLetters.list()).length === 1 && told.length === 1);
    const [letter] = await deadLetters.list();
    expect(letter).toMatchObject({
      name: 'doomed',
      key: 'doomed:1',
      attempts: 2,
      data: { code: 'LLTP-2026-000001' },
      error: { message: 'still down', code: 'HOSO_ERR_AGENCY_UNAVAILABLE' },
    });
    expect(told).toEqual([{ code: 'LLTP-2026-000001' }]);
  });

  it('dead-letters a permanent failure without retrying it', async () => {
    const q = queue({ attempts: 5 });
    let calls = 0;
    q.handle('bad', async () => {
      calls++;
      throw new PermanentJobError('malformed job');
    });
    await q.start();
    await q.enqueue({ name: 'bad', data: {} });
    await until(async () => (await deadLetters.list()).length === 1);
    expect(calls).toBe(1);
  });

  it('keeps a queued job in Redis until a worker in another process takes it', async () => {
    const first = queue();
    await first.enqueue({ name: 'later', data: { n: 1 }, key: 'later:1' });
    await first.close();
    const second = queue();
    const got: unknown[] = [];
    second.handle('later', async (data) => void got.push(data));
    await second.start();
    await until(() => got.length === 1);
    expect(got).toEqual([{ n: 1 }]);
  });

  it('runs a delayed job no sooner than asked', async () => {
    const q = queue();
    let ranAt = 0;
    q.handle('poll', async () => {
      ranAt = Date.now();
    });
    await q.start();
    const queuedAt = Date.now();
    await q.enqueue(
      { name: 'poll', data: {}, key: `poll:${randomBytes(3).toString('hex')}` },
      { delayMs: 300 },
    );
    await until(() => ranAt > 0);
    expect(ranAt - queuedAt).toBeGreaterThanOrEqual(290);
  });
});
