import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeZalo, startFakeZalo } from '../../src/dev/fake-zalo.ts';
import { createLogger } from '../../src/log.ts';
import { type App, createApp } from '../../src/main.ts';
import { SUBMIT_JOB } from '../../src/requests/service.ts';
import { type FakeAgency, startFakeAgency } from '../fakes/agency-api.ts';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram-api.ts';
import { decision, lltpRequest, until } from '../requests/support.ts';
import { startTestApp } from '../support/app.ts';
import { freePort } from '../support/global-setup.ts';
import { createTestDatabase, type TestDatabase } from '../support/postgres.ts';
import { WebchatClient } from '../support/webchat-client.ts';
import { ZALO, zaloEnv } from '../support/zalo.ts';

const TOKEN = 'metrics-token-for-the-test-0123456789';

describe('/metrics', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  beforeAll(async () => {
    app = await startTestApp({ memory: true, env: { METRICS_TOKEN: TOKEN } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('refuses a scrape without the bearer token', async () => {
    expect((await fetch(`${app.baseUrl}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${app.baseUrl}/metrics`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
  });

  it('counts turns by channel, errors by code, and shows the rule set in force per service', async () => {
    const client = new WebchatClient(app.baseUrl);
    await client.start();
    await client.say('xin chao');
    await fetch(`${app.baseUrl}/api/webchat/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"sessionId": 5}',
    });
    await fetch(`${app.baseUrl}/api/payments/callback`, { method: 'POST', body: '{}' });
    const res = await fetch(`${app.baseUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(/hoso_turns_total\{channel="webchat",outcome="ok"\} [2-9]/);
    expect(text).toMatch(/hoso_turn_duration_seconds_count\{channel="webchat"\} [2-9]/);
    expect(text).toMatch(/hoso_errors_total\{code="HOSO_ERR_BAD_REQUEST"\} 1/);
    expect(text).toMatch(/hoso_rule_set_info\{service="lltp",version="[^"]+"\} 1/);
    expect(text).toMatch(/hoso_webhook_refusals_total\{webhook="payments",reason="[A-Za-z0-9_]+"\} 1/);
    expect(text).toContain('hoso_tickets_waiting 0');
    expect(text).toContain('hoso_sla_breaches 0');
  });
});

/** The value of one series in a scrape, 0 when it is absent. */
function figure(scrape: string, series: string): number {
  const line = scrape.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

/**
 * A deployment of two processes sharing Redis and PostgreSQL: `hoso serve` takes turns and webhooks and runs no
 * jobs; `hoso worker` files, retries and signs, and shows its own figures on its internal METRICS_PORT.
 */
describe('/metrics after real actions', () => {
  let serve: Awaited<ReturnType<typeof startTestApp>>;
  let worker: App | undefined;
  let agency: FakeAgency;
  let telegram: FakeTelegram;
  let zalo: FakeZalo;
  let database: TestDatabase;
  let dataDir: string;
  let workerMetrics: string;

  beforeAll(async () => {
    [agency, telegram, zalo, database] = await Promise.all([
      startFakeAgency(),
      startFakeTelegram(),
      startFakeZalo(ZALO),
      createTestDatabase(),
    ]);
    dataDir = mkdtempSync(join(tmpdir(), 'hoso-metrics-'));
    serve = await startTestApp({
      databaseUrl: database.url,
      dataDir,
      telegramApiRoot: telegram.apiRoot,
      env: {
        ...zaloEnv(zalo.apiRoot),
        METRICS_TOKEN: TOKEN,
        STAFF_OFFICE_HOURS: 'mon-sun 00:00-24:00',
        JOBS_WORKERS: 'false',
        JOBS_BACKOFF_MS: '20',
        AGENCY_API_URL: agency.baseUrl,
        AGENCY_POLL_SECONDS: '0.1',
        TELEGRAM_WEBHOOK_URL: 'https://hoso.example.gov.vn/telegram/webhook',
        TELEGRAM_WEBHOOK_SECRET: 'telegram-webhook-secret-0123456789',
        PAYMENT_CALLBACK_SECRET: 'payment-callback-secret-0123456789abcdef',
      },
    });
    const port = await freePort();
    worker = await createApp(
      { ...serve.cfg, JOBS_WORKERS: true, METRICS_PORT: port },
      {
        logger: createLogger({ level: 'silent' }),
        workers: true,
        metricsLabels: { role: 'worker' },
        defaultMetrics: false,
      },
    );
    workerMetrics = `http://127.0.0.1:${port}/metrics`;
  });
  afterAll(async () => {
    await worker?.close();
    await serve?.close();
    await Promise.all([agency?.close(), telegram?.close(), zalo?.close(), database?.drop()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const scrapeServe = async () =>
    (await fetch(`${serve.baseUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
  const scrapeWorker = async () => (await fetch(workerMetrics)).text();

  it('moves after turns and a ticket, refused webhooks, and a request the worker files on its second try and signs', {
    timeout: 60_000,
  }, async () => {
    const servedBefore = await scrapeServe();
    const workedBefore = await scrapeWorker();
    const turns = 'hoso_turns_total{channel="webchat",outcome="ok"}';
    const refusals = (webhook: string, reason: string) =>
      `hoso_webhook_refusals_total{webhook="${webhook}",reason="${reason}"}`;
    const retried = `hoso_jobs_retried_total{job="${SUBMIT_JOB}",role="worker"}`;
    const signed = 'hoso_extracts_signed_total{service="lltp",role="worker"}';
    const signingTime = 'hoso_extract_signing_seconds_count{role="worker",service="lltp"}';

    const client = new WebchatClient(serve.baseUrl);
    await client.start();
    await client.say('xin chao');
    await client.press('consent:accept');
    await client.say('gặp nhân viên');
    // Telegram without its secret, Zalo with a forged signature, a payment notice signed with the wrong key.
    const forgedTelegram = await fetch(`${serve.baseUrl}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'guessed' },
      body: JSON.stringify({
        update_id: 1,
        message: { message_id: 1, date: 0, chat: { id: 1, type: 'private' } },
      }),
    });
    expect(forgedTelegram.status).toBe(401);
    const signedZalo = zalo.sign({
      event_name: 'user_send_text',
      sender: { id: '1' },
      message: { text: 'x' },
    });
    const forgedZalo = await fetch(`${serve.baseUrl}/zalo/webhook`, {
      method: 'POST',
      headers: { ...signedZalo.headers, 'x-zevent-signature': `mac=${'0'.repeat(64)}` },
      body: signedZalo.body,
    });
    expect(forgedZalo.status).toBe(401);
    const forgedPayment = await fetch(`${serve.baseUrl}/api/payments/callback`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-payment-timestamp': String(Math.floor(Date.now() / 1000)),
        'x-payment-signature': 'f'.repeat(64),
      },
      body: '{"requestCode":"LLTP-2026-000001","amount":200000,"transactionId":"t1"}',
    });
    expect(forgedPayment.status).toBe(401);

    // The agency is down for the first filing: the worker retries, files, polls, signs the extract.
    agency.failNextSubmissions(1);
    const { code } = await serve.requests.create(lltpRequest({ decision: decision(0) }));
    await serve.requests.confirm(code);
    await until(async () => (await serve.requests.get(code))?.state === 'issued', 45_000, 'the extract');

    const served = await scrapeServe();
    expect(figure(served, turns)).toBeGreaterThan(figure(servedBefore, turns));
    expect(figure(served, 'hoso_tickets_waiting')).toBe(figure(servedBefore, 'hoso_tickets_waiting') + 1);
    expect(figure(served, 'hoso_tickets_oldest_wait_seconds')).toBeGreaterThan(0);
    for (const [webhook, reason] of [
      ['telegram', 'secret_token'],
      ['zalo', 'signature'],
      ['payments', 'signature'],
    ] as const) {
      expect(figure(served, refusals(webhook, reason)), `${webhook} ${reason}`).toBe(
        figure(servedBefore, refusals(webhook, reason)) + 1,
      );
    }
    // The serving process ran no job: its own figures say so.
    expect(served).not.toContain('hoso_extracts_signed_total{');

    const worked = await scrapeWorker();
    expect(figure(worked, retried)).toBe(figure(workedBefore, retried) + 1);
    expect(figure(worked, signed)).toBe(figure(workedBefore, signed) + 1);
    expect(figure(worked, signingTime)).toBe(figure(workedBefore, signingTime) + 1);
    expect(worked).toMatch(/hoso_queue_jobs\{queue="jobs",state="completed",role="worker"\} [1-9]/);
  });
});
