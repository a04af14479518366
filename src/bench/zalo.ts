import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAKE_BOT_INFO } from '../dev/fake-telegram.ts';
import { startFakeZalo } from '../dev/fake-zalo.ts';
import { freePort, startThrowawayRedis } from '../dev/throwaway-redis.ts';
import { percentile, startBenchServer } from './child.ts';

const RATE = 200; // events per second offered
const WARMUP_S = 2;
const MEASURE_S = 10;
const FOLLOWERS = 100;
const ZALO = {
  appId: '1234567890123',
  appSecret: 'bench-app-secret',
  oaSecretKey: 'bench-oa-secret-key',
  refreshToken: 'bench-first-refresh-token',
};

/**
 * The Zalo webhook's acknowledgement: Zalo waits about 2 s for an answer, so the event is checked, recorded and
 * queued before the turn runs. Signed deliveries at a fixed offered rate; prints the time to the 200.
 */
export async function runZaloBench(print: (line: string) => void): Promise<void> {
  const redis = await startThrowawayRedis();
  const zalo = await startFakeZalo(ZALO);
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'hoso-bench-zalo-'));
  const server = await startBenchServer(
    new URL('./servers/hoso-webhook.ts', import.meta.url),
    {
      port,
      redisUrl: redis.url,
      apiRoot: 'http://127.0.0.1:9',
      token: '123456:BENCH-token-for-the-fake-bot-api',
      secret: 'bench-secret-0123456789abcdef',
      env: {
        DATA_DIR: dataDir,
        // The webhook process as deployed beside `hoso worker` processes: it acknowledges, the workers run turns.
        JOBS_WORKERS: 'false',
        ZALO_APP_ID: ZALO.appId,
        ZALO_APP_SECRET: ZALO.appSecret,
        ZALO_OA_SECRET_KEY: ZALO.oaSecretKey,
        ZALO_REFRESH_TOKEN: ZALO.refreshToken,
        ZALO_API_ROOT: zalo.apiRoot,
        ZALO_OAUTH_ROOT: zalo.apiRoot,
        ZALO_ZNS_API_ROOT: zalo.apiRoot,
      },
    },
    FAKE_BOT_INFO,
  );
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  let seq = 0;
  const post = () =>
    new Promise<number>((resolve, reject) => {
      const n = ++seq;
      const { body, headers } = zalo.sign({
        event_name: 'user_send_text',
        sender: { id: `bench-${n % FOLLOWERS}` },
        recipient: { id: 'oa-bench' },
        message: { text: 'xin chào', msg_id: `bench-msg-${n}` },
      });
      const started = performance.now();
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/zalo/webhook',
          method: 'POST',
          agent,
          headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.on('end', () =>
            res.statusCode === 200
              ? resolve(performance.now() - started)
              : reject(new Error(`HTTP ${res.statusCode}`)),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  try {
    print(
      `Zalo webhook: ${RATE} signed events/s offered, ${MEASURE_S} s measured after ${WARMUP_S} s warm-up`,
    );
    const latencies: number[] = [];
    let errors = 0;
    const inFlight: Promise<void>[] = [];
    const start = performance.now();
    const total = (WARMUP_S + MEASURE_S) * RATE;
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const measured = i >= WARMUP_S * RATE;
      inFlight.push(
        post().then(
          (ms) => {
            if (measured) latencies.push(ms);
          },
          () => {
            if (measured) errors++;
          },
        ),
      );
    }
    await Promise.all(inFlight);
    latencies.sort((a, b) => a - b);
    const p99 = percentile(latencies, 99);
    print('  path                      events   p50 ms   p99 ms   max ms  errors');
    print(
      `  Zalo webhook → 200     ${String(latencies.length).padStart(9)} ${percentile(latencies, 50).toFixed(2).padStart(8)} ${p99.toFixed(2).padStart(8)} ${(latencies.at(-1) ?? Number.NaN).toFixed(2).padStart(8)}  ${String(errors).padStart(6)}`,
    );
    print(
      `  Acknowledged p99: ${p99.toFixed(0)} ms (Zalo waits ~2 000 ms; target ≤ 200 ms) ${p99 <= 200 && errors === 0 ? 'OK' : 'MISSED'}`,
    );
  } finally {
    server.stop();
    agent.destroy();
    await zalo.close();
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
