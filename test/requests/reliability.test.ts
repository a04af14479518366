import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { startThrowawayRedis, type ThrowawayRedis } from '../../src/dev/throwaway-redis.ts';
import { RedisStore } from '../../src/store/redis.ts';
import { type FakeAgency, startFakeAgency } from '../fakes/agency-api.ts';
import { redisPipeline } from './redis-pipeline.ts';
import { decision, lltpRequest, until } from './support.ts';

type Pipeline = ReturnType<typeof redisPipeline>;

/**
 * The request pipeline's reliability promises, each against a local agency server that fails on purpose
 * (test/fakes/agency-api.ts), with BullMQ on a real Redis.
 */
describe('request reliability', () => {
  let fake: FakeAgency;
  let prefix: string;
  let redisUrl: string;
  const open: Pipeline[] = [];
  const children: ChildProcess[] = [];

  function pipeline(options: { agencyTimeoutMs?: number } = {}) {
    const p = redisPipeline({
      redisUrl,
      prefix,
      agencyUrl: fake.baseUrl,
      keysDir: inject('devKeysDir'),
      ...options,
    });
    open.push(p);
    return p;
  }

  const stateOf = async (p: Pipeline, code: string) => (await p.service.get(code))?.state;
  // The agency knows a filing by its random key, not by the request code.
  const filingKeyOf = async (p: Pipeline, code: string) => (await p.service.get(code))!.submissionKey!;

  beforeEach(async () => {
    fake = await startFakeAgency();
    redisUrl = inject('redisUrl');
    prefix = `test:${process.pid}:${randomBytes(4).toString('hex')}:`;
  });

  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    for (const p of open.splice(0)) await p.close().catch(() => undefined);
    const kv = new RedisStore({ url: redisUrl, prefix });
    const keys = await kv.keys('');
    if (keys.length > 0) await kv.del(...keys);
    await kv.close();
    await fake.close();
  });

  it('files a request exactly once when the agency fails several times, then recovers', async () => {
    const p = pipeline({ agencyTimeoutMs: 300 });
    await p.queue.start();
    fake.failNextSubmissions(2, '503-before');
    // Filed, but the answer is lost: the retry must not file it again.
    fake.failNextSubmissions(1, '503-after');
    // Filed, and no answer at all: the call times out.
    fake.failNextSubmissions(1, 'hang');
    const { code } = await p.service.create(lltpRequest({ decision: decision(0) }));
    await p.service.confirm(code);

    await until(async () => (await stateOf(p, code)) === 'issued', 15_000, 'the request to be issued');
    const key = await filingKeyOf(p, code);
    expect(fake.posts.filter((post) => post.key === key)).toHaveLength(5);
    expect(fake.filed.get(key)).toBe(1);
    const record = (await p.service.get(code))!;
    expect(record.history.filter((h) => h.to === 'submitted')).toHaveLength(1);
    await until(() => p.told(code).some((t) => t.includes('đã có kết quả')));
    expect(p.told(code).filter((t) => t.includes('đã được gửi'))).toHaveLength(1);
    expect(await p.deadLetters.list()).toEqual([]);
  });

  it('loses nothing when the process dies between "confirmed" and "submitted": another worker submits it', async () => {
    // The web process: it confirms (the job is stored in Redis before confirm returns), then dies.
    const web = pipeline();
    const { code } = await web.service.create(lltpRequest({ decision: decision(0) }));
    await web.service.confirm(code);
    expect(await web.queue.counts()).toMatchObject({ waiting: 1 });
    await web.close();
    expect(fake.posts).toEqual([]);

    const worker = pipeline();
    await worker.queue.start();
    await until(async () => (await stateOf(worker, code)) === 'issued', 15_000, 'the request to be issued');
    expect(fake.filed.get(await filingKeyOf(worker, code))).toBe(1);
  });

  it('loses nothing when a worker is killed in the middle of a submission', async () => {
    // The first worker files the request, and is killed (SIGKILL) before it hears back.
    fake.failNextSubmissions(1, 'hang');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./redis-pipeline.ts', import.meta.url))],
      {
        env: {
          ...process.env,
          TEST_REDIS_URL: redisUrl,
          TEST_PREFIX: prefix,
          TEST_AGENCY_URL: fake.baseUrl,
          TEST_KEYS_DIR: inject('devKeysDir'),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    children.push(child);
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d) => String(d).includes('ready') && resolve());
      child.once('exit', (c) => reject(new Error(`the worker process exited early (${c})`)));
    });

    const web = pipeline();
    const { code } = await web.service.create(lltpRequest({ decision: decision(0) }));
    await web.service.confirm(code);
    const key = await filingKeyOf(web, code);
    await until(() => fake.filed.get(key) === 1, 10_000, 'the first worker to file the request');
    child.kill('SIGKILL');
    expect(await stateOf(web, code)).toBe('exempt');

    // A new worker takes over the job once the dead one's lock expires, and files it again: the agency
    // recognises the idempotency key and answers with the first filing.
    const worker = pipeline();
    await worker.queue.start();
    await until(async () => (await stateOf(worker, code)) === 'issued', 20_000, 'the request to be issued');
    expect(fake.posts.filter((post) => post.key === key)).toHaveLength(2);
    expect(fake.filed.get(key)).toBe(1);
  });

  it('loses nothing it acknowledged when Redis restarts while requests are being processed', async () => {
    let redis: ThrowawayRedis | undefined = await startThrowawayRedis({ persist: true });
    try {
      redisUrl = redis.url;
      // Requests stay "processing" at the agency until after the restart.
      fake.issueAfterMs = 10 * 60 * 1000;
      const p = pipeline();
      await p.queue.start();
      const codes: string[] = [];
      for (let i = 0; i < 5; i++) {
        const { code } = await p.service.create(lltpRequest({ decision: decision(0) }));
        await p.service.confirm(code);
        codes.push(code);
      }
      await until(
        async () => (await Promise.all(codes.map((c) => stateOf(p, c)))).every((s) => s === 'processing'),
        10_000,
        'every request to be processing',
      );

      // Restart Redis (SIGKILL, then start on its append-only file) while more citizens confirm: whatever
      // confirm acknowledged must come through; what it did not acknowledge, the citizen was not told about.
      const during = Array.from({ length: 3 }, async () => {
        try {
          const { code } = await p.service.create(lltpRequest({ decision: decision(0) }));
          await p.service.confirm(code);
          return code;
        } catch {
          return undefined;
        }
      });
      await redis.restart();
      for (const code of await Promise.all(during)) if (code) codes.push(code);
      expect(codes.length).toBeGreaterThanOrEqual(5);
      fake.issueAfterMs = 0;

      await until(
        async () => (await Promise.all(codes.map((c) => stateOf(p, c)))).every((s) => s === 'issued'),
        30_000,
        'every request to be issued after the restart',
      );
      for (const code of codes) {
        const record = (await p.service.get(code))!;
        expect(fake.filed.get(record.submissionKey!)).toBe(1);
        const states = record.history.map((h) => h.to);
        expect(states.slice(0, 3)).toEqual(['draft', 'exempt', 'submitted']);
        expect(states.at(-1)).toBe('issued');
        expect(record.history.filter((h) => h.to === 'submitted')).toHaveLength(1);
      }
      await until(() => codes.every((c) => p.told(c).some((t) => t.includes('đã có kết quả'))), 10_000);
    } finally {
      // Close this Redis's pipelines while it still runs (a worker waits for its Redis to close cleanly).
      for (const p of open.splice(0)) await p.close().catch(() => undefined);
      await redis?.stop();
      redis = undefined;
      redisUrl = inject('redisUrl');
    }
  });
});
