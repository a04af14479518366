import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { createApp } from '../main.ts';
import type { NewRequest } from '../requests/schema.ts';
import { offeredPercentile, openLoop } from './load.ts';
import { type BenchOutput, median, ms } from './report.ts';
import { startBenchStores } from './stores.ts';

/** Citizens confirming requests: far fewer than turns, and each one a record that must not be lost. */
const RATE = 50;
/** Confirms timed one at a time after the open loop: the write's own time, with no queue in front of it. */
const ALONE = 40;
const WARMUP = 20;
const P99_TARGET_MS = 20;

/** A fee-exempt Form 1 request of a fictional citizen: confirming it owes a submission at once. */
function exemptRequest(n: number): NewRequest {
  return {
    service: 'lltp',
    citizenKey: `ck_bench_${n.toString(36)}_Zx8fK`,
    address: { channel: 'webchat', userId: `bench-session-${n}` },
    lang: 'vi',
    subject: {
      citizenId: '001190012345',
      fullName: 'Trần Thị Hoà',
      dateOfBirth: '1950-05-14',
      gender: 'female',
      nationality: 'VN',
    },
    facts: { request: { form: 1, copies: 1, purpose: 'employment' }, feeCategory: 'elderly' },
    decision: {
      service: 'lltp',
      ruleSet: { version: '2026.11.2', hash: 'sha256:bench' },
      on: '2026-11-25',
      eligible: true,
      reasons: [],
      documents: [],
      fee: {
        total: 0,
        currency: 'VND',
        lines: [
          { code: 'base', amount: 200000 },
          { code: 'exemption', amount: -200000 },
        ],
      },
      processing: { days: 5, unit: 'working' },
      authority: 'Công an thành phố Hà Nội',
    },
  };
}

interface ConfirmFigures {
  /** One at a time: median and slowest. */
  alone: { median: number; max: number };
  offered: number;
  failed: number;
  firstError?: string;
  p50: number;
  p99: number;
  max: number;
  /** Committed transactions per confirm, from the server's statistics (PostgreSQL only). */
  transactions?: number;
}

type Commits = () => Promise<number>;

/**
 * The record write a citizen waits for when confirming: `RequestService.confirm` of the app as `hoso serve`
 * builds it (sealed records, the due list, BullMQ on Redis; no job workers here, so nothing else runs), offered
 * open-loop at a fixed rate.
 */
async function measureConfirms(
  setup: { env: Record<string, string>; redisUrl?: string; rate?: number; commits?: Commits },
  confirms: number,
): Promise<ConfirmFigures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hoso-bench-records-'));
  const app = await createApp(
    loadConfig({
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      ...(setup.redisUrl
        ? { REDIS_URL: setup.redisUrl, REDIS_KEY_PREFIX: `bench:${randomBytes(3).toString('hex')}:` }
        : {}),
      JOBS_WORKERS: 'false',
      ...setup.env,
    }),
    { logger: createLogger({ level: 'silent' }), defaultMetrics: false },
  );
  try {
    const codes: string[] = [];
    for (let i = 0; i < WARMUP + confirms + ALONE; i++)
      codes.push((await app.requests.create(exemptRequest(i))).code);
    for (const code of codes.slice(0, WARMUP)) await app.requests.confirm(code);
    const committed = async () => {
      if (!setup.commits) return 0;
      // Backends report their counts when idle, at most a second late.
      await new Promise((r) => setTimeout(r, 1_500));
      return setup.commits();
    };
    const confirm = async (code: string) => {
      const { record } = await app.requests.confirm(code);
      if (record.state !== 'exempt') throw new Error(`confirmed request is ${record.state}`);
    };
    const before = await committed();
    const result = setup.rate
      ? await openLoop({
          rate: setup.rate,
          seconds: confirms / setup.rate,
          send: (i) => confirm(codes[WARMUP + i]!),
        })
      : { offered: 0, failed: 0, latencies: [] as number[], firstError: undefined, seconds: 0 };
    const after = await committed();
    const alone: number[] = [];
    for (const code of codes.slice(WARMUP + confirms)) {
      const t = performance.now();
      await confirm(code);
      alone.push(performance.now() - t);
    }
    return {
      alone: { median: median(alone), max: Math.max(...alone) },
      offered: result.offered,
      failed: result.failed,
      ...(result.firstError ? { firstError: result.firstError } : {}),
      p50: offeredPercentile(result, 50),
      p99: offeredPercentile(result, 99),
      max: result.latencies.at(-1) ?? Number.NaN,
      ...(setup.commits && result.offered > 0 ? { transactions: (after - before) / result.offered } : {}),
    };
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function line(f: ConfirmFigures): string {
  const alone = `one at a time: median ${ms(f.alone.median)}, slowest of ${ALONE} ${ms(f.alone.max)}`;
  if (f.offered === 0) return alone;
  return (
    `${f.offered} confirms, ${f.failed} failed: p50 ${ms(f.p50)}, p99 ${ms(f.p99)}, max ${ms(f.max)}; ${alone}` +
    (f.transactions !== undefined
      ? `; ${f.transactions.toFixed(1)} committed transactions per confirm`
      : '') +
    (f.firstError ? `; first failure: ${f.firstError}` : '')
  );
}

/**
 * The record write: a citizen confirms a fee-exempt request, which changes its state and records the
 * submission it now owes (the due list the sweeper reads, and the job), on PostgreSQL — a throwaway server, or
 * a database of its own created on the server of DATABASE_URL and dropped after — and on the embedded PGlite.
 */
export async function runRecordsBench(out: BenchOutput): Promise<void> {
  const confirms = out.quick ? 200 : 400;
  const stores = await startBenchStores();
  try {
    out.print(
      `Record write: confirm a fee-exempt request (state change + its due entry + submission job), ${RATE} confirms/s offered open-loop, ` +
        `${confirms} measured after ${WARMUP}; records in ${stores.postgresIs}`,
    );
    const pg = await measureConfirms(
      {
        env: { DATABASE_URL: await stores.database() },
        redisUrl: stores.redisUrl,
        rate: RATE,
        commits: stores.commits,
      },
      confirms,
    );
    out.print(`  PostgreSQL: ${line(pg)}`);
    out.figure(
      'confirm a request on PostgreSQL, p99',
      ms(pg.p99),
      `≤ ${P99_TARGET_MS} ms`,
      pg.p99 <= P99_TARGET_MS && pg.failed === 0,
    );
    // The embedded default as `npm start` runs it with nothing configured: PGlite, memory store, in-process jobs.
    const lite = await measureConfirms({ env: {} }, 0);
    out.print(
      `  PGlite, the embedded default (memory store, in-process jobs): ${line(lite)} (no target of its own)`,
    );
  } finally {
    await stores.stop();
  }
}
