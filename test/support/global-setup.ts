import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../../src/dev/throwaway-postgres.ts';
import { startThrowawayRedis, type ThrowawayRedis } from '../../src/dev/throwaway-redis.ts';
import { createDevKeys } from '../../src/extracts/signing/dev-keys.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    /** The test run's PostgreSQL server (its `postgres` database); tests make their own databases on it. */
    postgresUrl: string;
    /** A development CA and signer made once for the run (generating them takes a second or two). */
    devKeysDir: string;
  }
}

let redis: ThrowawayRedis | undefined;
let postgres: ThrowawayPostgres | undefined;
let keysDir: string | undefined;

/** Tests own their Redis: a throwaway server on a free port, unless REDIS_URL names one. */
export async function setup(project: TestProject): Promise<void> {
  keysDir = mkdtempSync(join(tmpdir(), 'hoso-test-keys-'));
  await createDevKeys(keysDir);
  project.provide('devKeysDir', keysDir);
  if (!process.env.TEST_DATABASE_URL) postgres = await startThrowawayPostgres();
  const postgresUrl = process.env.TEST_DATABASE_URL ?? postgres!.url;
  await prepareTemplate(postgresUrl);
  project.provide('postgresUrl', postgresUrl);
  if (process.env.REDIS_URL) {
    project.provide('redisUrl', process.env.REDIS_URL);
    return;
  }
  redis = await startThrowawayRedis();
  project.provide('redisUrl', redis.url);
}

/** A migrated database that each test's own database is copied from (a copy takes milliseconds). */
async function prepareTemplate(serverUrl: string): Promise<void> {
  const server = await openDatabase({ url: serverUrl, poolSize: 1 });
  await sql`drop database if exists ${sql.id(TEMPLATE_DATABASE)}`.execute(server.db);
  await sql`create database ${sql.id(TEMPLATE_DATABASE)}`.execute(server.db);
  await server.close();
  const template = await openDatabase({ url: withDatabase(serverUrl, TEMPLATE_DATABASE), poolSize: 1 });
  await migrateToLatest(template.db);
  await template.close();
}

export async function teardown(): Promise<void> {
  await redis?.stop();
  await postgres?.stop();
  if (keysDir) rmSync(keysDir, { recursive: true, force: true });
}

export { freePort } from '../../src/dev/throwaway-redis.ts';

import { TEMPLATE_DATABASE, withDatabase } from './postgres-url.ts';
