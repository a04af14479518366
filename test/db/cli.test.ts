import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { runDbCommand } from '../../src/db/cli.ts';
import { openDatabase } from '../../src/db/database.ts';
import { MIGRATIONS, migrateToLatest, schemaStatus } from '../../src/db/migrate.ts';
import { openRecords } from '../../src/db/records.ts';
import { createLogger } from '../../src/log.ts';
import { MemoryStore } from '../../src/store/memory.ts';
import { createTestDatabase, type TestDatabase } from '../support/postgres.ts';

async function db(args: string[], url: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runDbCommand(
    args,
    { stdout: (s) => out.push(s), stderr: (s) => err.push(s) },
    { DATABASE_URL: url, DATA_DIR: '/nonexistent' },
  );
  return { code, json: out.length ? JSON.parse(out.join('')) : undefined, stderr: err.join('\n') };
}

describe('the records database schema', () => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.drop();
    database = undefined;
  });

  it('is reported pending by `hoso db status`, applied by `hoso db migrate`, then up to date', async () => {
    database = await createTestDatabase({ empty: true });
    const before = await db(['status'], database.url);
    expect(before.code).toBe(1);
    expect(before.json).toMatchObject({
      database: 'postgres',
      applied: [],
      pending: Object.keys(MIGRATIONS),
    });

    const migrated = await db(['migrate'], database.url);
    expect(migrated.code).toBe(0);
    expect(migrated.json).toMatchObject({ applied: Object.keys(MIGRATIONS), pending: [], unknown: [] });
    expect((await db(['status'], database.url)).code).toBe(0);
    expect((await db(['what'], database.url)).code).toBe(2);
  });

  it('is migrated once when several processes start at the same moment', async () => {
    database = await createTestDatabase({ empty: true });
    const opened = await Promise.all(
      [1, 2, 3, 4].map(() => openDatabase({ url: database!.url, poolSize: 2 })),
    );
    try {
      const results = await Promise.all(opened.map((o) => migrateToLatest(o.db)));
      // Each migration was applied by exactly one of them.
      expect(results.flat().filter((r) => r.status === 'Success')).toHaveLength(
        Object.keys(MIGRATIONS).length,
      );
      expect(await schemaStatus(opened[0]!.db)).toMatchObject({ pending: [], unknown: [] });
    } finally {
      await Promise.all(opened.map((o) => o.close()));
    }
  });

  it('refuses to run on a schema that a newer Hoso has moved on', async () => {
    database = await createTestDatabase();
    const opened = await openDatabase({ url: database.url, poolSize: 1 });
    try {
      await sql`insert into hoso_migrations (name, timestamp) values ('9999-from-the-future', now()::text)`.execute(
        opened.db,
      );
    } finally {
      await opened.close();
    }
    const status = await db(['status'], database.url);
    expect(status.code).toBe(3);
    expect(status.json.unknown).toEqual(['9999-from-the-future']);
    const migrate = await db(['migrate'], database.url);
    expect(migrate.code).toBe(3);
    expect(migrate.stderr).toContain('HOSO_ERR_DB_SCHEMA_NEWER');
    // And the server does not start on it.
    await expect(
      openRecords({
        url: database.url,
        dataDir: '/nonexistent',
        bus: new MemoryStore(),
        log: createLogger({ level: 'silent' }),
      }),
    ).rejects.toMatchObject({ code: 'HOSO_ERR_DB_SCHEMA_NEWER' });
  });
});
