import type { FastifyPluginAsync } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { drainAndClose, InFlight } from '../../src/http/drain.ts';
import { Readiness } from '../../src/http/readiness.ts';
import { buildHttpServer } from '../../src/http/server.ts';
import { createLogger } from '../../src/log.ts';
import { startTestApp } from '../support/app.ts';

/** A server whose POST /turn waits until the test lets it finish, like a turn waiting on an agency. */
async function serverWithSlowTurn() {
  let finish: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const slow: FastifyPluginAsync = async (app) => {
    app.post('/turn', async () => {
      await released;
      return { reply: 'Xin chào' };
    });
  };
  const readiness = new Readiness();
  readiness.add('store', async () => true);
  const inFlight = new InFlight();
  const http = await buildHttpServer({
    logger: createLogger({ level: 'silent' }),
    readiness,
    inFlight,
    plugins: [slow],
  });
  await http.listen({ host: '127.0.0.1', port: 0 });
  const address = http.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return { http, readiness, inFlight, base, finish };
}

async function until(condition: () => boolean) {
  for (let i = 0; i < 600 && !condition(); i++) await new Promise((r) => setTimeout(r, 50));
  expect(condition()).toBe(true);
}

describe('graceful shutdown', () => {
  const closers: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close().catch(() => {});
  });

  it('finishes a turn in flight, refuses new ones and says it is stopping, then closes', async () => {
    const s = await serverWithSlowTurn();
    closers.push(() => s.http.close());
    const turn = fetch(`${s.base}/turn`, { method: 'POST' });
    await until(() => s.inFlight.size === 1);

    s.readiness.beginShutdown();
    const closing = drainAndClose(s.http, s.inFlight, 120_000);

    const ready = await fetch(`${s.base}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'stopping' });
    const refused = await fetch(`${s.base}/turn`, { method: 'POST' });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('HOSO_ERR_UNAVAILABLE');

    s.finish();
    const answered = await turn;
    expect(answered.status).toBe(200);
    expect(await answered.json()).toEqual({ reply: 'Xin chào' });
    expect(await closing).toBe(true);
    await expect(fetch(`${s.base}/healthz`)).rejects.toThrow();
  });

  it('closes anyway once the grace period is over, even with a turn that never ends', async () => {
    const s = await serverWithSlowTurn();
    closers.push(async () => s.finish());
    const turn = fetch(`${s.base}/turn`, { method: 'POST' }).then(
      (r) => r.status,
      () => 'cut',
    );
    await until(() => s.inFlight.size === 1);
    s.readiness.beginShutdown();
    expect(await drainAndClose(s.http, s.inFlight, 300)).toBe(false);
    expect(await turn).toBe('cut');
  });
});

describe('readiness', () => {
  it('answers 503 naming the check that fails, so a balancer stops sending turns', async () => {
    const app = await startTestApp({ memory: true });
    try {
      const ready = await (await fetch(`${app.baseUrl}/readyz`)).json();
      expect(ready).toMatchObject({
        status: 'ready',
        checks: { store: { ok: true, kind: 'memory' }, queue: { ok: true, kind: 'in-process' } },
      });
      app.readiness.add('agency', async () => {
        throw new Error('agency gateway refused the connection');
      });
      const res = await fetch(`${app.baseUrl}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({
        status: 'unavailable',
        checks: {
          agency: { ok: false, error: 'agency gateway refused the connection' },
          store: { ok: true },
        },
      });
    } finally {
      await app.close();
    }
  });
});
