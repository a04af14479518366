import { afterEach, describe, expect, it } from 'vitest';
import { createDeadLetterList } from '../../src/jobs/dead-letters.ts';
import { createInProcessJobQueue } from '../../src/jobs/in-process.ts';
import { type JobQueue, PermanentJobError } from '../../src/jobs/types.ts';
import { MemoryStore } from '../../src/store/memory.ts';

const silent = { info() {}, warn() {}, error() {} };

async function until(check: () => boolean | Promise<boolean>, ms = 3000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) throw new Error('timed out waiting for the condition');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('the in-process job runner', () => {
  const store = new MemoryStore();
  const deadLetters = createDeadLetterList(store);
  let queue: JobQueue;

  afterEach(async () => {
    await queue.close();
    for (const key of await store.keys('')) await store.del(key);
  });

  it('says how many jobs wait, wait for a delay, and run, for the queue-depth metric', async () => {
    queue = createInProcessJobQueue({ log: silent, deadLetters });
    await queue.enqueue({ name: 'nobody-handles-this-yet', data: {} });
    await queue.enqueue({ name: 'later', data: {} }, { delayMs: 60_000 });
    let finish = () => {};
    queue.handle('slow', () => new Promise<void>((resolve) => (finish = resolve)));
    await queue.enqueue({ name: 'slow', data: {} });
    await until(async () => (await queue.counts!()).active === 1);
    expect(await queue.counts!()).toEqual({ waiting: 2, delayed: 0, active: 1 });
    queue.handle('later', async () => {});
    expect(await queue.counts!()).toEqual({ waiting: 1, delayed: 1, active: 1 });
    finish();
    await until(async () => (await queue.counts!()).active === 0);
  });

  it('retries with backoff, then dead-letters, tells the handler’s owner and counts each retry', async () => {
    const retried: string[] = [];
    queue = createInProcessJobQueue({
      log: silent,
      attempts: 3,
      backoffMs: 5,
      deadLetters,
      onRetry: (job) => retried.push(job),
    });
    const attempts: number[] = [];
    const told: unknown[] = [];
    queue.handle(
      'submit',
      async (_data, meta) => {
        attempts.push(meta.attempt);
        throw new Error('agency down');
      },
      { onDeadLetter: async (data) => void told.push(data) },
    );
    await queue.enqueue({ name: 'submit', data: { code: 'LLTP-2026-000001' }, key: 'submit:1' });
    await until(() => told.length === 1);
    expect(attempts).toEqual([1, 2, 3]);
    expect(retried).toEqual(['submit', 'submit']);
    expect((await deadLetters.list())[0]).toMatchObject({ name: 'submit', key: 'submit:1', attempts: 3 });
  });

  it('dead-letters a permanent failure at once', async () => {
    queue = createInProcessJobQueue({ log: silent, attempts: 5, backoffMs: 5, deadLetters });
    let calls = 0;
    queue.handle('bad', async () => {
      calls++;
      throw new PermanentJobError('refused for good');
    });
    await queue.enqueue({ name: 'bad', data: {} });
    await until(async () => (await deadLetters.list()).length === 1);
    expect(calls).toBe(1);
  });

  it('waits the asked delay before running a job', async () => {
    queue = createInProcessJobQueue({ log: silent });
    let ranAt = 0;
    queue.handle('poll', async () => {
      ranAt = Date.now();
    });
    const queuedAt = Date.now();
    await queue.enqueue({ name: 'poll', data: {} }, { delayMs: 60 });
    await until(() => ranAt > 0);
    expect(ranAt - queuedAt).toBeGreaterThanOrEqual(55);
  });

  it('removes a dead letter staff have dealt with', async () => {
    queue = createInProcessJobQueue({ log: silent });
    const letter = await deadLetters.add({ name: 'x', data: {}, attempts: 1, error: { message: 'boom' } });
    expect(await deadLetters.remove(letter.id)).toBe(true);
    expect(await deadLetters.list()).toEqual([]);
  });
});
