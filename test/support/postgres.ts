import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { inject } from 'vitest';
import { openDatabase } from '../../src/db/database.ts';
import { TEMPLATE_DATABASE, withDatabase } from './postgres-url.ts';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * A database of its own on the test run's PostgreSQL, copied from the migrated template (or `empty`, with no
 * schema at all): tests never see each other's records, whatever order or worker they run in.
 */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const template = options.empty ? 'template0' : TEMPLATE_DATABASE;
  const serverUrl = inject('postgresUrl');
  const name = `hoso_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const server = await openDatabase({ url: serverUrl, poolSize: 1 });
  try {
    // Two copies of one template at the same instant can collide on its lock; a moment later it is free.
    for (let attempt = 0; ; attempt++) {
      try {
        await sql`create database ${sql.id(name)} template ${sql.id(template)}`.execute(server.db);
        break;
      } catch (err) {
        if (attempt >= 20 || !/being accessed by other users/.test((err as Error).message)) throw err;
        await new Promise((r) => setTimeout(r, 50 + attempt * 20));
      }
    }
  } finally {
    await server.close();
  }
  return {
    url: withDatabase(serverUrl, name),
    name,
    async drop() {
      const s = await openDatabase({ url: serverUrl, poolSize: 1 });
      try {
        await sql`drop database if exists ${sql.id(name)} with (force)`.execute(s.db);
      } finally {
        await s.close();
      }
    },
  };
}

/** Every sealed file the app keeps, as the database holds it (what a stolen backup would show). */
export async function sealedFilesOf(app: {
  database: { db: import('kysely').Kysely<unknown> };
}): Promise<Buffer[]> {
  const { rows } = await sql<{ sealed: Uint8Array }>`select sealed from hoso_files`.execute(app.database.db);
  return rows.map((r) => Buffer.from(r.sealed));
}

/** Every record key and value the app keeps in its database, as text (what a stolen backup would show). */
export async function dumpRecords(app: {
  database: { db: import('kysely').Kysely<unknown> };
}): Promise<{ keys: string[]; values: string[] }> {
  const records = await sql<{
    key: string;
    value: string | null;
  }>`select key, value from hoso_records`.execute(app.database.db);
  const items = await sql<{ key: string; item: string | null; value: string | null }>`
    select key, item, value from hoso_record_items`.execute(app.database.db);
  return {
    keys: [...records.rows.map((r) => r.key), ...items.rows.map((r) => r.key)],
    values: [
      ...records.rows.map((r) => String(r.value ?? '')),
      ...items.rows.flatMap((r) => [String(r.item ?? ''), String(r.value ?? '')]),
    ],
  };
}
