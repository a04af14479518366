import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_GRACE_MS } from '../../src/requests/watch.ts';
import { startTestApp } from '../support/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/postgres.ts';
import { decision, lltpRequest, until } from './support.ts';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

/**
 * Redis holds queued jobs and sessions, never records: when it loses everything (a crash without
 * persistence, a flush), a request already confirmed is still filed, answered and delivered to its own
 * citizen, and the next request gets a new code.
 */
describe('a request when Redis loses its data', () => {
  const opened: TestApp[] = [];
  let database: TestDatabase | undefined;
  // One DATA_DIR for both processes: the same (development) data key, as one deployment has.
  let dataDir: string | undefined;

  afterEach(async () => {
    for (const app of opened.splice(0)) await app.close();
    await database?.drop();
    database = undefined;
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    dataDir = undefined;
  });

  it('is queued again from the records, issued with its own subject, and codes never repeat', {
    timeout: 90_000,
  }, async () => {
    database = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'hoso-durable-'));
    // The first process takes the request but runs no workers: the submission job exists only in Redis.
    const first = await startTestApp({ databaseUrl: database.url, dataDir, env: { JOBS_WORKERS: 'false' } });
    opened.push(first);
    const { code } = await first.requests.create(lltpRequest({ decision: decision(0) }));
    expect((await first.requests.confirm(code)).record.state).toBe('exempt');
    // Closing a test app empties its Redis keys: every queued job is gone, as after a crash of Redis.
    await first.close();
    opened.pop();

    // A new process on a Redis of its own (empty) and the same database.
    const second = await startTestApp({
      databaseUrl: database.url,
      dataDir,
      env: { AGENCY_SIM_DELAY_SECONDS: '0', AGENCY_POLL_SECONDS: '0.1', JOBS_BACKOFF_MS: '20' },
    });
    opened.push(second);
    // Nothing is owed yet: the job is not late.
    expect(await second.requests.get(code)).toMatchObject({ state: 'exempt' });
    // Once it is late, the sweeper queues it again (the sweep at start may hold the lease for a moment).
    const late = Date.now() + DEFAULT_GRACE_MS + 60_000;
    await until(async () => (await second.sweeper.sweep(late)) === 1, 30_000, 'the sweep');
    await until(async () => (await second.requests.get(code))?.state === 'issued', 45_000, 'the extract');

    const issued = await second.requests.get(code);
    const document = await second.extracts.registry.get(issued!.result!.documentId);
    expect(document).toMatchObject({ requestCode: code, status: 'valid', subject: { name: 'T. T. Hoà' } });
    // A swept request is swept once: nothing is overdue any more.
    expect(await second.sweeper.sweep(late)).toBe(0);

    const next = await second.requests.create(lltpRequest({ decision: decision(0) }));
    expect(next.code).not.toBe(code);
    expect(Number(next.code.slice(-6))).toBe(Number(code.slice(-6)) + 1);
  });
});
