import { FAKE_BOT_INFO, type FakeTelegram, startFakeTelegram } from '../dev/fake-telegram.ts';
import { freePort } from '../dev/throwaway-redis.ts';
import { shippedNodeFlags, startBenchServer } from './child.ts';
import { citizensOn, type Path, SECRET, THROTTLER_NOTE, TOKEN } from './citizens.ts';
import { type OpenLoopResult, offeredPercentile, pooled } from './load.ts';
import { counterDelta, type RedisCounters, redisCounters } from './redis-stats.ts';
import { type BenchOutput, median, ms } from './report.ts';
import { type BenchStores, startBenchStores } from './stores.ts';

const RATE = 500; // turns per second offered
/** A queue this long in front of the median turn means the server was not keeping up with the offered rate. */
const BEHIND_P50_MS = 50;
/**
 * A citizen types a message every few seconds, not twice a second: at 500 turns/s each of 2,000 citizens
 * writes every 4 s, well inside the per-citizen message limit (30 a minute), so no turn is a cheap refusal.
 */
const CITIZENS = 2_000;
const CPU_RATIO_TARGET = 1.3;
const P99_TARGET_MS = 10;
interface Window {
  path: string;
  result: OpenLoopResult & { sentToBusy: number };
  cpuMsPerTurn: number;
  rss: number;
  redis: RedisCounters;
  /** PostgreSQL transactions committed per turn (approximate: the server reports them up to a second late). */
  pgPerTurn: number;
  repliesPerTurn: number;
}

async function measure(
  path: Path,
  seconds: number,
  stores: BenchStores,
  telegram: FakeTelegram,
): Promise<Window> {
  telegram.calls.length = 0;
  const before = await path.server.usage();
  const redisBefore = await redisCounters(stores.redis);
  const commitsBefore = await stores.commits();
  const result = await path.drive(seconds, RATE);
  const after = await path.server.usage();
  const redisAfter = await redisCounters(stores.redis);
  const commitsAfter = await stores.commits();
  const answered = Math.max(1, result.latencies.length);
  const cpuMs = (after.cpu.user - before.cpu.user + after.cpu.system - before.cpu.system) / 1000;
  const replies = telegram.calls.filter((c) => c.method === 'sendMessage').length;
  return {
    path: path.name,
    result,
    cpuMsPerTurn: cpuMs / answered,
    rss: after.rss,
    redis: counterDelta(redisAfter, redisBefore),
    pgPerTurn: (commitsAfter - commitsBefore) / answered,
    repliesPerTurn: replies / answered,
  };
}

function row(w: Window): string {
  const r = w.result;
  const answered = Math.max(1, r.latencies.length);
  const f = (n: number, width = 8) => n.toFixed(2).padStart(width);
  return (
    `  ${w.path.padEnd(6)} ${String(r.offered).padStart(7)} ${String(r.failed).padStart(6)} ` +
    `${ms(offeredPercentile(r, 50)).padStart(10)} ${ms(offeredPercentile(r, 99)).padStart(10)} ` +
    `${ms(r.latencies.at(-1) ?? Number.NaN).padStart(10)} ${f(w.cpuMsPerTurn)} ${f(w.redis.cpuMs / answered)} ` +
    `${f(w.redis.commands / answered, 7)} ${(w.redis.bytesIn / answered).toFixed(0).padStart(7)} ` +
    `${(w.redis.bytesOut / answered).toFixed(0).padStart(7)} ${w.path === 'floor' ? '     —' : f(w.pgPerTurn, 6)} ${f(w.repliesPerTurn, 7)} ${(w.rss / 1048576).toFixed(0).padStart(7)}`
  );
}

/**
 * Hoso's webhook turn against the framework floor, a bare grammY echo bot with a Redis session behind the
 * same webhook stack. Both servers stay up; their measuring windows interleave (floor, Hoso; Hoso, floor;
 * floor, Hoso…) so that whatever else the shared machine does falls on both, and the ratio is taken within
 * each pair. The median ratio and its spread are the figure, never a single lucky run.
 */
export async function runSkeletonBench(out: BenchOutput): Promise<void> {
  const pairs = out.quick ? 3 : 5;
  const measureS = out.quick ? 4 : 6;
  // Long enough for V8 to compile both servers' hot paths, and for every citizen to have had its first two
  // turns (greeting, consent: first contact, with its records): the windows measure conversation turns.
  const warmupS = Math.ceil((2 * CITIZENS) / RATE) + 1;
  const stores = await startBenchStores();
  const telegram = await startFakeTelegram();
  const paths: Path[] = [];
  try {
    for (const line of THROTTLER_NOTE) out.print(line);
    const flags = shippedNodeFlags();
    out.print(
      `Webhook turns: ${CITIZENS} simulated citizens, ${RATE} turns/s offered open-loop, ${pairs} interleaved pairs ` +
        `of ${measureS} s windows after ${warmupS} s warm-up each (every citizen's greeting and consent, its first contact, ` +
        `falls in the warm-up; the journey section times first contact); Redis, and for Hoso's records ${stores.postgresIs}; ` +
        `servers run with the node flags of \`npm start\`: ${flags.join(' ') || '(none)'}`,
    );
    const start = async (name: 'echo-floor' | 'hoso-webhook', label: string, firstChat: number) => {
      const port = await freePort();
      const server = await startBenchServer(
        name,
        {
          port,
          redisUrl: stores.redisUrl,
          apiRoot: telegram.apiRoot,
          token: TOKEN,
          secret: SECRET,
          ...(name === 'hoso-webhook' ? { env: await stores.hosoEnv() } : {}),
        },
        FAKE_BOT_INFO,
      );
      const path = citizensOn(label, server, port, { citizens: CITIZENS, firstChat });
      paths.push(path);
      return path;
    };
    const floor = await start('echo-floor', 'floor', 9_000_000);
    const hoso = await start('hoso-webhook', 'Hoso', 9_100_000);
    await floor.drive(warmupS, RATE);
    await hoso.drive(warmupS, RATE);

    const windows: { floor: Window; hoso: Window }[] = [];
    for (let pair = 0; pair < pairs; pair++) {
      const order = pair % 2 === 0 ? [floor, hoso] : [hoso, floor];
      const measured: Window[] = [];
      for (const path of order) measured.push(await measure(path, measureS, stores, telegram));
      windows.push({
        floor: measured.find((w) => w.path === floor.name)!,
        hoso: measured.find((w) => w.path === hoso.name)!,
      });
    }

    out.print(
      '  path   offered failed    p50 all    p99 all        max CPU ms/turn Redis: CPU ms  cmds    B in   B out  PG tx  replies  RSS MB',
    );
    out.print(
      '         (per window; percentiles over every offered turn, a failed one counting as ∞; Redis and PostgreSQL',
    );
    out.print(
      "          figures per answered turn, everything the server received in the window; PostgreSQL's lag a second)",
    );
    let behind = 0;
    for (const w of windows.flatMap((p) => [p.floor, p.hoso])) {
      const late = offeredPercentile(w.result, 50) > BEHIND_P50_MS;
      if (late) behind++;
      out.print(`${row(w)}${late ? ' *' : ''}`);
      if (w.result.firstError) out.print(`           first failure: ${w.result.firstError}`);
    }
    if (behind > 0)
      out.print(
        `  * behind: the median turn queued over ${BEHIND_P50_MS} ms, so the server did not get the CPU for ${RATE} turns/s in that window ` +
          '(on a shared machine, often not its own fault); turns then wait for busy citizens, which costs CPU of its own',
      );
    const calls = new Map<string, number>();
    let hosoTurns = 0;
    for (const { hoso: w } of windows) {
      hosoTurns += w.result.latencies.length;
      for (const [name, n] of w.redis.byCommand) calls.set(name, (calls.get(name) ?? 0) + n);
    }
    out.print(
      `  Hoso's Redis commands per turn: ${[...calls]
        .sort((a, b) => b[1] - a[1])
        .filter(([, n]) => n / Math.max(1, hosoTurns) >= 0.01)
        .map(([name, n]) => `${name} ${(n / Math.max(1, hosoTurns)).toFixed(2)}`)
        .join(', ')} (queues' own polling included)`,
    );

    const ratios = windows.map((p) => p.hoso.cpuMsPerTurn / p.floor.cpuMsPerTurn);
    const withRedis = windows.map(
      (p) =>
        (p.hoso.cpuMsPerTurn + p.hoso.redis.cpuMs / Math.max(1, p.hoso.result.latencies.length)) /
        (p.floor.cpuMsPerTurn + p.floor.redis.cpuMs / Math.max(1, p.floor.result.latencies.length)),
    );
    const spread = (xs: number[]) =>
      `${median(xs).toFixed(2)}× median of ${xs.length} pairs (spread ${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}×: ${xs.map((x) => x.toFixed(2)).join(', ')})`;
    const ratio = median(ratios);
    out.figure(
      'CPU per turn, Hoso ÷ floor (server process)',
      spread(ratios),
      `≤ ${CPU_RATIO_TARGET}×`,
      ratio <= CPU_RATIO_TARGET,
    );
    out.print(`  the same counting Redis's own CPU on both sides: ${spread(withRedis)}`);
    const sentToBusy = windows.reduce((n, p) => n + p.hoso.result.sentToBusy + p.floor.result.sentToBusy, 0);
    out.print(
      `  no offered turn is skipped: ${sentToBusy} went to a citizen whose previous turn was still unanswered, and waited for it`,
    );
    const all = pooled(windows.map((p) => p.hoso.result));
    const p99 = offeredPercentile(all, 99);
    out.figure(
      `Hoso turn p99 at ${RATE} turns/s offered (${all.offered} turns, ${all.failed} failed)`,
      ms(p99),
      `≤ ${P99_TARGET_MS} ms`,
      p99 <= P99_TARGET_MS && all.failed === 0,
    );
    const floorAll = pooled(windows.map((p) => p.floor.result));
    out.print(
      `  floor turn p99 over the same windows: ${ms(offeredPercentile(floorAll, 99))} (${floorAll.failed} failed)`,
    );
  } finally {
    for (const p of paths) {
      p.server.stop();
      p.close();
    }
    await telegram.close();
    await stores.stop();
  }
}
