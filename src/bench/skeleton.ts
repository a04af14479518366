import { Agent } from 'node:http';
import { FAKE_BOT_INFO, startFakeTelegram, textUpdate } from '../dev/fake-telegram.ts';
import { freePort, startThrowawayRedis } from '../dev/throwaway-redis.ts';
import { percentile, startBenchServer, webhookPoster } from './child.ts';

const RATE = 500; // turns per second offered
const CITIZENS = 300;
const WARMUP_S = 3;
const MEASURE_S = 10;
const SECRET = 'bench-secret-0123456789abcdef';
const TOKEN = '123456:BENCH-token-for-the-fake-bot-api';

/** A simulated citizen's conversation, repeated: greeting, consent, help, a question, language back and forth. */
const SCRIPT = [
  '/start',
  'đồng ý',
  'tro giup',
  'phí làm lý lịch tư pháp bao nhiêu',
  'English please',
  'help',
  'cảm ơn',
  'tiếng việt',
];

interface Result {
  name: string;
  turns: number;
  seconds: number;
  p50: number;
  p99: number;
  max: number;
  cpuMsPerTurn: number;
  rssMb: number;
  errors: number;
}

async function drive(name: string, file: string, redisUrl: string, apiRoot: string): Promise<Result> {
  const port = await freePort();
  const server = await startBenchServer(
    new URL(file, import.meta.url),
    { port, redisUrl, apiRoot, token: TOKEN, secret: SECRET },
    FAKE_BOT_INFO,
  );
  const agent = new Agent({ keepAlive: true, maxSockets: 128 });
  const post = webhookPoster(port, SECRET, agent);

  const step = new Array<number>(CITIZENS).fill(0);
  const busy = new Array<boolean>(CITIZENS).fill(false);
  let next = 0;
  let update = 1;
  const latencies: number[] = [];
  let errors = 0;
  let measuring = false;
  let inFlight = 0;

  function fire(): void {
    for (let tries = 0; tries < CITIZENS; tries++) {
      const c = next;
      next = (next + 1) % CITIZENS;
      if (busy[c]) continue;
      busy[c] = true;
      const textLine = SCRIPT[step[c]! % SCRIPT.length]!;
      step[c]! += 1;
      const body = JSON.stringify(textUpdate(9_000_000 + c, textLine, update++));
      inFlight++;
      const counted = measuring;
      post(body)
        .then((ms) => {
          if (counted) latencies.push(ms);
        })
        .catch(() => {
          if (counted) errors++;
        })
        .finally(() => {
          busy[c] = false;
          inFlight--;
        });
      return;
    }
    if (measuring) errors++; // every citizen still waiting: the offered turn could not be sent
  }

  async function run(seconds: number): Promise<number> {
    const total = Math.round(seconds * RATE);
    const start = performance.now();
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      fire();
    }
    while (inFlight > 0) await new Promise((r) => setTimeout(r, 5));
    return (performance.now() - start) / 1000;
  }

  await run(WARMUP_S);
  const before = await server.usage();
  measuring = true;
  const seconds = await run(MEASURE_S);
  const after = await server.usage();
  server.stop();
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const cpuMs = (after.cpu.user - before.cpu.user + after.cpu.system - before.cpu.system) / 1000;
  return {
    name,
    turns: latencies.length,
    seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? Number.NaN,
    cpuMsPerTurn: cpuMs / Math.max(1, latencies.length),
    rssMb: after.rss / 1024 / 1024,
    errors,
  };
}

/**
 * Issue 2's benchmark: simulated citizens in multi-turn conversations over the real webhook path with Redis
 * sessions, against a bare grammY echo bot with a Redis session (the framework floor), at a fixed offered rate.
 */
export async function runSkeletonBench(print: (line: string) => void): Promise<void> {
  const redis = await startThrowawayRedis();
  const telegram = await startFakeTelegram();
  try {
    print(
      `Webhook turns: ${CITIZENS} simulated citizens, ${RATE} turns/s offered, ${MEASURE_S} s measured after ${WARMUP_S} s warm-up`,
    );
    const floor = await drive(
      'grammY echo + Redis session (floor)',
      './servers/echo-floor.ts',
      redis.url,
      telegram.apiRoot,
    );
    telegram.calls.length = 0;
    const hoso = await drive('Hoso webhook turn', './servers/hoso-webhook.ts', redis.url, telegram.apiRoot);
    const fmt = (n: number) => n.toFixed(2).padStart(8);
    print(
      '  path                                   turns/s   p50 ms   p99 ms   max ms  CPU ms/turn  RSS MB  errors',
    );
    for (const r of [floor, hoso]) {
      print(
        `  ${r.name.padEnd(38)} ${fmt(r.turns / r.seconds)} ${fmt(r.p50)} ${fmt(r.p99)} ${fmt(r.max)} ${fmt(r.cpuMsPerTurn)}    ${r.rssMb.toFixed(0).padStart(4)}  ${String(r.errors).padStart(6)}`,
      );
    }
    const ratio = hoso.cpuMsPerTurn / floor.cpuMsPerTurn;
    print(
      `  CPU per turn, Hoso / floor: ${ratio.toFixed(2)}× (target ≤ 1.5×) ${ratio <= 1.5 ? 'OK' : 'MISSED'}`,
    );
    print(
      `  Hoso p99 at ${(hoso.turns / hoso.seconds).toFixed(0)} turns/s: ${hoso.p99.toFixed(2)} ms (target ≤ 10 ms at 500 turns/s) ${hoso.p99 <= 10 && hoso.turns / hoso.seconds >= 490 ? 'OK' : 'MISSED'}`,
    );
  } finally {
    await telegram.close();
    await redis.stop();
  }
}
