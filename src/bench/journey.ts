import { Agent } from 'node:http';
import {
  callbackUpdate,
  contactUpdate,
  FAKE_BOT_INFO,
  type FakeTelegram,
  startFakeTelegram,
  textUpdate,
} from '../dev/fake-telegram.ts';
import { freePort } from '../dev/throwaway-redis.ts';
import { defaultPopulation } from '../ports/population/embedded.ts';
import { percentile, startBenchServer, webhookPoster } from './child.ts';
import type { BenchOutput } from './report.ts';
import { startBenchStores } from './stores.ts';

const CONCURRENT = 10; // citizens in a journey at the same time
const SECRET = 'bench-secret-0123456789abcdef';
const TOKEN = '123456:BENCH-token-for-the-fake-bot-api';
const CODE = /(LLTP-\d{4}-\d{6})/;

type Update =
  | ReturnType<typeof textUpdate>
  | ReturnType<typeof callbackUpdate>
  | ReturnType<typeof contactUpdate>;

/** Adults with a level-2 account and a phone on record: they link by sharing their Telegram number. */
function journeyCitizens() {
  const adultBefore = `${new Date().getFullYear() - 20}-01-01`;
  return defaultPopulation().filter(
    (c) => c.vneidLevel === 2 && c.phone && c.nationality === 'VN' && c.dateOfBirth < adultBefore,
  );
}

const typedDate = (iso: string) => iso.split('-').reverse().join('/');

/**
 * The full-journey benchmark: simulated citizens link, request a Form 1 extract, pay with the dev button and wait
 * until the request is submitted to the (simulated) agency, all over the real webhook path with Redis
 * sessions and BullMQ jobs. Prints journeys per second and the latency of every turn.
 */
export async function runJourneyBench(out: BenchOutput): Promise<void> {
  const print = out.print;
  const JOURNEYS = out.quick ? 40 : 120;
  const stores = await startBenchStores();
  const telegram = await startFakeTelegram();
  const port = await freePort();
  const server = await startBenchServer(
    'hoso-webhook',
    {
      port,
      redisUrl: stores.redisUrl,
      apiRoot: telegram.apiRoot,
      token: TOKEN,
      secret: SECRET,
      env: {
        ...(await stores.hosoEnv()),
        AGENCY_SIM_DELAY_SECONDS: '60',
        AGENCY_POLL_SECONDS: '30',
        IDENTITY_LOOKUPS_PER_ACCOUNT_PER_HOUR: '1000',
        IDENTITY_LOOKUPS_PER_ID_PER_HOUR: '1000',
      },
    },
    FAKE_BOT_INFO,
  );
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENT * 2 });
  const turnMs: number[] = [];
  let errors = 0;
  const seen = new Map<number, string[]>();
  let scanned = 0;
  const scan = (t: FakeTelegram) => {
    for (; scanned < t.calls.length; scanned++) {
      const call = t.calls[scanned]!;
      if (call.method !== 'sendMessage') continue;
      const chat = Number(call.json.chat_id);
      const list = seen.get(chat) ?? [];
      list.push(String(call.json.text));
      seen.set(chat, list);
    }
  };

  const postBody = webhookPoster(port, SECRET, agent);
  const post = async (update: Update) => {
    turnMs.push(await postBody(JSON.stringify(update)));
  };

  async function waitFor(chat: number, pattern: RegExp, ms = 30_000): Promise<string> {
    const end = Date.now() + ms;
    for (;;) {
      scan(telegram);
      const hit = seen.get(chat)?.find((t) => pattern.test(t));
      if (hit) return hit;
      if (Date.now() > end) throw new Error(`chat ${chat}: no message matching ${pattern}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  const citizens = journeyCitizens();
  let started = 0;
  const journeyMs: number[] = [];
  async function journey(n: number): Promise<void> {
    const chat = 8_000_000 + n;
    const citizen = citizens[n % citizens.length]!;
    const t0 = performance.now();
    const turns: Update[] = [
      textUpdate(chat, '/start'),
      callbackUpdate(chat, 'consent:accept'),
      textUpdate(chat, 'liên kết VNeID'),
      textUpdate(chat, citizen.id),
      textUpdate(chat, typedDate(citizen.dateOfBirth)),
      contactUpdate(chat, `84${citizen.phone!.slice(1)}`, true),
      textUpdate(chat, 'xin phiếu lý lịch tư pháp số 1'),
      callbackUpdate(chat, 'request:a:purpose:0'),
      callbackUpdate(chat, 'request:a:relation:0'),
      callbackUpdate(chat, 'request:a:livedInSeveralProvinces:n'),
      callbackUpdate(chat, 'request:a:livedAbroad:n'),
      textUpdate(chat, '1'),
      callbackUpdate(chat, 'request:a:feeCategory:0'),
      callbackUpdate(chat, 'request:confirm'),
    ];
    for (const update of turns) await post(update);
    // A fee is paid with the dev button; an exempt citizen (the elderly, by age) is filed at once.
    const filed = await waitFor(chat, /Hoso đã (lập|tiếp nhận) hồ sơ LLTP-/);
    if (filed.includes('đã lập')) await post(callbackUpdate(chat, `request:devpay:${CODE.exec(filed)![1]}`));
    await waitFor(chat, /đã được gửi đến cơ quan giải quyết/);
    journeyMs.push(performance.now() - t0);
  }

  async function worker(): Promise<void> {
    while (started < JOURNEYS) {
      const n = started++;
      try {
        await journey(n);
      } catch (error) {
        errors++;
        if (errors <= 3)
          print(
            `  journey ${n} failed: ${(error as Error).message}\n    ${(seen.get(8_000_000 + n) ?? []).slice(-3).join('\n    ')}`,
          );
      }
    }
  }

  try {
    print(
      `Full journeys: ${JOURNEYS} citizens, ${CONCURRENT} at a time, each linking (ID, date of birth, shared phone), requesting a Form 1 extract (8 answers), paying and waiting for the submission; Redis sessions, BullMQ jobs, records in ${stores.postgresIs}`,
    );
    const before = await server.usage();
    const t0 = performance.now();
    await Promise.all(Array.from({ length: CONCURRENT }, () => worker()));
    const seconds = (performance.now() - t0) / 1000;
    const after = await server.usage();
    turnMs.sort((a, b) => a - b);
    journeyMs.sort((a, b) => a - b);
    const cpuMs = (after.cpu.user - before.cpu.user + after.cpu.system - before.cpu.system) / 1000;
    const fmt = (n: number) => n.toFixed(1);
    print(
      `  journeys completed   ${journeyMs.length} in ${fmt(seconds)} s: ${fmt(journeyMs.length / seconds)} journeys/s (errors ${errors})`,
    );
    print(
      `  journey time         p50 ${fmt(percentile(journeyMs, 50))} ms, p99 ${fmt(percentile(journeyMs, 99))} ms`,
    );
    print(
      `  per turn (${turnMs.length} turns) p50 ${fmt(percentile(turnMs, 50))} ms, p99 ${fmt(percentile(turnMs, 99))} ms, max ${fmt(turnMs.at(-1) ?? Number.NaN)} ms; ${fmt(turnMs.length / seconds)} turns/s`,
    );
    print(
      `  server CPU ${fmt(cpuMs / Math.max(1, journeyMs.length))} ms per journey, RSS ${(after.rss / 1024 / 1024).toFixed(0)} MB`,
    );
  } finally {
    server.stop();
    agent.destroy();
    await telegram.close();
    await stores.stop();
  }
}
