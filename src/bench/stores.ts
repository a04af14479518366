import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { type Database, openDatabase } from '../db/database.ts';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../dev/throwaway-postgres.ts';
import { startThrowawayRedis, type ThrowawayRedis } from '../dev/throwaway-redis.ts';

/**
 * What a Hoso deployment with Redis runs on: Redis for what is short-lived and PostgreSQL for records, never
 * the embedded PGlite (which would run the records' SQL inside the measured process) nor the checkout's own
 * .data folder. PostgreSQL is a throwaway server, or the server of DATABASE_URL when set, where the bench
 * creates databases of its own and drops them after.
 */
export interface BenchStores {
  redisUrl: string;
  /** A client for the bench's own questions (INFO, MEMORY USAGE). */
  redis: Redis;
  /** Where PostgreSQL is, for the output. */
  postgresIs: string;
  /** A new empty database; Hoso migrates it on start. */
  database(): Promise<string>;
  /** Settings for one Hoso process: its own database and a data folder of its own (keys, files). */
  hosoEnv(): Promise<Record<string, string>>;
  /** Transactions committed so far in the bench's databases (the server reports them up to a second late). */
  commits(): Promise<number>;
  stop(): Promise<void>;
}

export async function startBenchStores(): Promise<BenchStores> {
  let redisServer: ThrowawayRedis | undefined;
  let postgres: ThrowawayPostgres | undefined;
  let admin: Database | undefined;
  const databases: string[] = [];
  const folders: string[] = [];
  const prefix = `hoso_bench_${process.pid}_${randomBytes(3).toString('hex')}_`;
  try {
    redisServer = await startThrowawayRedis();
    if (!process.env.DATABASE_URL) postgres = await startThrowawayPostgres();
    const serverUrl = process.env.DATABASE_URL ?? postgres!.url;
    admin = await openDatabase({ url: serverUrl, poolSize: 1 });
    const redis = new Redis(redisServer.url, { lazyConnect: true });
    await redis.connect();
    const db = admin.db;
    const stores: BenchStores = {
      redisUrl: redisServer.url,
      redis,
      postgresIs: postgres
        ? 'a throwaway PostgreSQL (fsync off)'
        : 'the PostgreSQL of DATABASE_URL, in databases of its own',
      async database() {
        const name = `${prefix}${databases.length}`;
        await sql`create database ${sql.id(name)}`.execute(db);
        databases.push(name);
        const url = new URL(serverUrl);
        url.pathname = `/${name}`;
        return url.toString();
      },
      async hosoEnv() {
        const dir = mkdtempSync(join(tmpdir(), 'hoso-bench-data-'));
        folders.push(dir);
        return { DATA_DIR: dir, DATABASE_URL: await stores.database() };
      },
      async commits() {
        const { rows } = await sql<{ n: string | null }>`
          select sum(xact_commit) as n from pg_stat_database where datname like ${`${prefix}%`}`.execute(db);
        return Number(rows[0]?.n ?? 0);
      },
      async stop() {
        redis.disconnect();
        for (const name of databases)
          await sql`drop database if exists ${sql.id(name)} with (force)`.execute(db);
        await admin?.close();
        await postgres?.stop();
        await redisServer?.stop();
        for (const dir of folders) rmSync(dir, { recursive: true, force: true });
      },
    };
    return stores;
  } catch (error) {
    await admin?.close();
    await postgres?.stop();
    await redisServer?.stop();
    throw error;
  }
}
