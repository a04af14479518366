import { afterAll, beforeAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { createApp } from '../../src/main.ts';
import { PAYMENT_CALLBACK_PATH } from '../../src/payments/routes.ts';
import { signPayload, verifyPaymentSignature } from '../../src/payments/signature.ts';
import { lltpRequest, until } from '../requests/support.ts';
import { startTestApp } from '../support/app.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { productionEnv } from '../support/production-env.ts';

const SECRET = 'test-gateway-secret-0123456789abcdef';

/** What the routes answer: a status word, or a coded error. */
interface Answer {
  status?: string;
  code?: string;
  state?: string;
  error?: { code: string; message: string };
}

function notice(code: string, overrides: Record<string, unknown> = {}) {
  return {
    transactionId: `GW-${code}`,
    requestCode: code,
    amount: 200000,
    currency: 'VND',
    status: 'paid',
    paidAt: '2026-11-25T10:02:11+07:00',
    ...overrides,
  };
}

describe('payment callback signatures', () => {
  const raw = Buffer.from('{"a":1}');
  const now = new Date('2026-11-25T03:00:00Z');
  const ts = String(now.getTime() / 1000);
  const check = (signature: string | undefined, timestamp = ts, at = now) =>
    verifyPaymentSignature({
      rawBody: raw,
      timestamp,
      signature,
      secret: SECRET,
      now: at,
      toleranceSeconds: 300,
    });

  it('accepts the gateway’s signature over the timestamp and the raw body', () => {
    expect(check(signPayload(SECRET, ts, raw))).toBe('ok');
  });

  it('refuses a signature made with another secret, over other bytes, or for another timestamp', () => {
    expect(check(signPayload('another-secret-of-sufficient-length!!', ts, raw))).toBe('bad_signature');
    expect(check(signPayload(SECRET, ts, '{"a":2}'))).toBe('bad_signature');
    expect(check(signPayload(SECRET, String(Number(ts) + 1), raw))).toBe('bad_signature');
    expect(check('sha256=00')).toBe('bad_signature');
    expect(check(undefined)).toBe('missing');
  });

  it('refuses a genuine but stale notice (a replay outside the window)', () => {
    const old = String(Number(ts) - 301);
    expect(check(signPayload(SECRET, old, raw), old)).toBe('stale');
  });
});

describe('POST /api/payments/callback', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;

  beforeAll(async () => {
    app = await startTestApp({
      env: {
        PAYMENT_CALLBACK_SECRET: SECRET,
        AGENCY_SIM_DELAY_SECONDS: '0',
        AGENCY_POLL_SECONDS: '0.05',
        JOBS_BACKOFF_MS: '20',
      },
    });
  });
  afterAll(async () => app.close());

  async function deliver(body: unknown, options: { secret?: string; timestamp?: number } = {}) {
    const raw = JSON.stringify(body);
    const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
    const res = await fetch(`${app.baseUrl}${PAYMENT_CALLBACK_PATH}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-payment-timestamp': timestamp,
        'x-payment-signature': signPayload(options.secret ?? SECRET, timestamp, raw),
      },
      body: raw,
    });
    return { status: res.status, body: (await res.json()) as Answer };
  }

  async function awaitingPayment() {
    const { code } = await app.requests.create(lltpRequest());
    await app.requests.confirm(code);
    return code;
  }

  it('acts once on a notice delivered twice', async () => {
    const code = await awaitingPayment();
    const first = await deliver(notice(code));
    const second = await deliver(notice(code));
    expect(first).toEqual({ status: 200, body: { status: 'accepted', code, state: 'paid' } });
    expect(second).toEqual({ status: 200, body: { status: 'duplicate', code } });
    await until(
      async () => (await app.requests.get(code))?.state === 'issued',
      10_000,
      'the request to be issued',
    );
    const record = (await app.requests.get(code))!;
    expect(record.history.filter((h) => h.to === 'paid')).toHaveLength(1);
    expect(record.payment).toMatchObject({ provider: 'gateway', transactionId: `GW-${code}` });
  });

  it('acts once when two deliveries of one notice race', async () => {
    const code = await awaitingPayment();
    const answers = await Promise.all([deliver(notice(code)), deliver(notice(code)), deliver(notice(code))]);
    expect(answers.filter((a) => a.body.status === 'accepted')).toHaveLength(1);
    for (const a of answers.filter((x) => x.body.status !== 'accepted')) {
      expect([200, 409]).toContain(a.status);
    }
    const record = (await app.requests.get(code))!;
    expect(record.history.filter((h) => h.to === 'paid')).toHaveLength(1);
  });

  it('refuses a forged signature with 401 and a coded error, and changes nothing', async () => {
    const code = await awaitingPayment();
    const forged = await deliver(notice(code), { secret: 'an-attacker-guess-at-the-secret-123456' });
    expect(forged).toEqual({
      status: 401,
      body: { error: { code: 'HOSO_ERR_PAYMENT_SIGNATURE', message: 'the signature does not verify' } },
    });
    expect((await app.requests.get(code))?.state).toBe('awaiting_payment');
    // The forged notice did not burn the transaction id: the genuine one still goes through.
    expect((await deliver(notice(code))).body.status).toBe('accepted');
  });

  it('refuses a notice without a signature, and a stale one', async () => {
    const code = await awaitingPayment();
    const res = await fetch(`${app.baseUrl}${PAYMENT_CALLBACK_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(notice(code)),
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as Answer).error?.code).toBe('HOSO_ERR_PAYMENT_SIGNATURE');
    const stale = await deliver(notice(code), { timestamp: Math.floor(Date.now() / 1000) - 3600 });
    expect(stale.status).toBe(401);
    expect(stale.body.error?.code).toBe('HOSO_ERR_PAYMENT_STALE');
  });

  it('answers a wrong amount, an unknown request and a malformed notice with coded errors', async () => {
    const code = await awaitingPayment();
    expect(await deliver(notice(code, { amount: 1000, transactionId: 'GW-X1' }))).toMatchObject({
      status: 422,
      body: { error: { code: 'HOSO_ERR_PAYMENT_AMOUNT_MISMATCH' } },
    });
    expect(await deliver(notice('LLTP-2026-999999', { transactionId: 'GW-X2' }))).toMatchObject({
      status: 404,
      body: { error: { code: 'HOSO_ERR_REQUEST_NOT_FOUND' } },
    });
    expect(await deliver({ hello: 'world' })).toMatchObject({
      status: 400,
      body: { error: { code: 'HOSO_ERR_BAD_REQUEST' } },
    });
  });

  it('pays through the dev outbox outside production', async () => {
    const code = await awaitingPayment();
    const res = await fetch(`${app.baseUrl}/api/dev/outbox/payments/${code}/paid`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'accepted', code, state: 'paid' });
    const again = await fetch(`${app.baseUrl}/api/dev/outbox/payments/${code}/paid`, { method: 'POST' });
    expect(((await again.json()) as Answer).status).toBe('duplicate');
  });
});

describe('payment routes in production', () => {
  it('has no dev "mark as paid", and the callback answers', async () => {
    const database = await createTestDatabase();
    onTestFinished(() => database.drop());
    const cfg = loadConfig(
      productionEnv({
        PAYMENT_CALLBACK_SECRET: SECRET,
        DATABASE_URL: database.url,
        REDIS_URL: inject('redisUrl'),
        REDIS_KEY_PREFIX: `test:${process.pid}:prod:`,
      }),
    );
    const app = await createApp(cfg, { logger: createLogger({ level: 'silent' }), workers: false });
    try {
      const dev = await app.http.inject({
        method: 'POST',
        url: '/api/dev/outbox/payments/LLTP-2026-000001/paid',
      });
      expect(dev.statusCode).toBe(404);
      const callback = await app.http.inject({
        method: 'POST',
        url: PAYMENT_CALLBACK_PATH,
        headers: { 'content-type': 'application/json' },
        payload: '{}',
      });
      expect(callback.statusCode).toBe(401);
    } finally {
      const keys = await app.store.keys('');
      if (keys.length > 0) await app.store.del(...keys);
      await app.close();
    }
  });
});
