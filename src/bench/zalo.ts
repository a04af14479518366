import { Agent } from 'node:http';
import { FAKE_BOT_INFO } from '../dev/fake-telegram.ts';
import { startFakeZalo } from '../dev/fake-zalo.ts';
import { freePort } from '../dev/throwaway-redis.ts';
import { jsonPoster, startBenchServer } from './child.ts';
import { offeredPercentile, openLoop } from './load.ts';
import { type BenchOutput, ms } from './report.ts';
import { startBenchStores } from './stores.ts';

const RATE = 200; // events per second offered
const FOLLOWERS = 100;
/** Zalo waits about 2 s for the 200 before it counts a delivery as failed; we want a wide margin under that. */
const ACK_P99_TARGET_MS = 200;
const ZALO = {
  appId: '1234567890123',
  appSecret: 'bench-app-secret',
  oaSecretKey: 'bench-oa-secret-key',
  refreshToken: 'bench-first-refresh-token',
};

/**
 * The Zalo webhook's acknowledgement: Zalo waits about 2 s for an answer, so the event is checked, recorded and
 * queued before the turn runs. Signed deliveries offered open-loop at a fixed rate; prints the time from when
 * each was due to its 200, a failed one counting as infinitely slow.
 */
export async function runZaloBench(out: BenchOutput): Promise<void> {
  const warmupS = out.quick ? 2 : 3;
  const measureS = out.quick ? 4 : 10;
  const stores = await startBenchStores();
  const zalo = await startFakeZalo(ZALO);
  const port = await freePort();
  const server = await startBenchServer(
    'hoso-webhook',
    {
      port,
      redisUrl: stores.redisUrl,
      apiRoot: 'http://127.0.0.1:9',
      token: '123456:BENCH-token-for-the-fake-bot-api',
      secret: 'bench-secret-0123456789abcdef',
      env: {
        ...(await stores.hosoEnv()),
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
  const post = () => {
    const n = ++seq;
    const { body, headers } = zalo.sign({
      event_name: 'user_send_text',
      sender: { id: `bench-${n % FOLLOWERS}` },
      recipient: { id: 'oa-bench' },
      message: { text: 'xin chào', msg_id: `bench-msg-${n}` },
    });
    return jsonPoster(port, '/zalo/webhook', headers, agent)(body);
  };
  try {
    out.print(
      `Zalo webhook: ${RATE} signed events/s offered open-loop, ${measureS} s measured after ${warmupS} s warm-up; the webhook process as deployed beside \`hoso worker\` processes (JOBS_WORKERS=false)`,
    );
    await openLoop({ rate: RATE, seconds: warmupS, send: post });
    const r = await openLoop({ rate: RATE, seconds: measureS, send: post });
    const p99 = offeredPercentile(r, 99);
    out.print(
      `  ${r.offered} events, ${r.failed} failed: p50 ${ms(offeredPercentile(r, 50))}, p99 ${ms(p99)}, max ${ms(r.latencies.at(-1) ?? Number.NaN)}${r.firstError ? `; first failure: ${r.firstError}` : ''}`,
    );
    out.figure(
      `Zalo webhook acknowledgement (200) p99 at ${RATE} events/s (Zalo waits ~2,000 ms)`,
      ms(p99),
      `≤ ${ACK_P99_TARGET_MS} ms`,
      p99 <= ACK_P99_TARGET_MS && r.failed === 0,
    );
  } finally {
    server.stop();
    agent.destroy();
    await zalo.close();
    await stores.stop();
  }
}
