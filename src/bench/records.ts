import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../dev/throwaway-postgres.ts';
import { startThrowawayRedis } from '../dev/throwaway-redis.ts';
import { createLogger } from '../log.ts';
import { createApp } from '../main.ts';
import type { NewRequest } from '../requests/schema.ts';
import { offeredPercentile, openLoop } from './load.ts';
import { type BenchOutput, ms } from './report.ts';

/** Citizens confirming requests: far fewer than turns, and each one a record that must not be lost. */
const RATE = 50;
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
  offered: number;
  failed: number;
  firstError?: string;
  p50: number;
  p99: number;
  max: number;
  /** Committed transactions per confirm, from the server's statistics (PostgreSQL only). */
  transactions?: number;
}

/**
 * The record write a citizen waits for when confirming: `RequestService.confirm` of the app as `hoso serve`
 * builds it (sealed records, the due list, BullMQ on Redis; no job workers here, so nothing else runs), offered
 * open-loop at a fixed rate.
 */
async function measureConfirms(
  env: Record<string, string>,
  redisUrl: string,
  confirms: number,
): Promise<ConfirmFigures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hoso-bench-records-'));
  const app = await createApp(
    loadConfig({
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: `bench:${randomBytes(3).toString('hex')}:`,
      JOBS_WORKERS: 'false',
      ...env,
    }),
    { logger: createLogger({ level: 'silent' }), defaultMetrics: false },
  );
  try {
    const codes: string[] = [];
    for (let i = 0; i < WARMUP + confirms; i++)
      codes.push((await app.requests.create(exemptRequest(i))).code);
    for (const code of codes.slice(0, WARMUP)) await app.requests.confirm(code);
    const committed = async () => {
      if (app.database.kind !== 'postgres') return 0;
      // Backends report their counts when idle, at most a second late.
      await new Promise((r) => setTimeout(r, 1_500));
      const { rows } = await sql<{ n: string }>`
        select xact_commit as n from pg_stat_database where datname = current_database()`.execute(
        app.database.db,
      );
      return Number(rows[0]?.n ?? 0);
    };
    const before = await committed();
    const result = await openLoop({
      rate: RATE,
      seconds: confirms / RATE,
      send: async (i) => {
        const { record } = await app.requests.confirm(codes[WARMUP + i]!);
        if (record.state !== 'exempt') throw new Error(`confirmed request is ${record.state}`);
      },
    });
    const after = await committed();
    return {
      offered: result.offered,
      failed: result.failed,
      ...(result.firstError ? { firstError: result.firstError } : {}),
      p50: offeredPercentile(result, 50),
      p99: offeredPercentile(result, 99),
      max: result.latencies.at(-1) ?? Number.NaN,
      // Less the statistics query itself.
      ...(app.database.kind === 'postgres' ? { transactions: (after - before - 1) / result.offered } : {}),
    };
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function line(f: ConfirmFigures): string {
  return (
    `${f.offered} confirms, ${f.failed} failed: p50 ${ms(f.p50)}, p99 ${ms(f.p99)}, max ${ms(f.max)}` +
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
  const redis = await startThrowawayRedis();
  let postgres: ThrowawayPostgres | undefined;
  try {
    if (!process.env.DATABASE_URL) postgres = await startThrowawayPostgres();
    const serverUrl = process.env.DATABASE_URL ?? postgres!.url;
    const name = `hoso_bench_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = await openDatabase({ url: serverUrl, poolSize: 1 });
    await sql`create database ${sql.id(name)}`.execute(admin.db);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    out.print(
      `Record write: confirm a fee-exempt request (state change + its due entry + submission job), ${RATE} confirms/s offered open-loop, ` +
        `${confirms} measured after ${WARMUP}; PostgreSQL ${postgres ? 'throwaway server (fsync off)' : 'of DATABASE_URL, in a database of its own'}`,
    );
    try {
      const pg = await measureConfirms({ DATABASE_URL: url.toString() }, redis.url, confirms);
      out.print(`  PostgreSQL: ${line(pg)}`);
      out.figure(
        'confirm a request on PostgreSQL, p99',
        ms(pg.p99),
        `≤ ${P99_TARGET_MS} ms`,
        pg.p99 <= P99_TARGET_MS && pg.failed === 0,
      );
    } finally {
      await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin.db);
      await admin.close();
    }
    const lite = await measureConfirms({}, redis.url, out.quick ? 100 : 200);
    out.print(`  PGlite (the embedded default, one process): ${line(lite)} (no target of its own)`);
  } finally {
    await postgres?.stop();
    await redis.stop();
  }
}
