import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/db/database.ts';
import { PostgresRecordStore } from '../../src/store/postgres.ts';
import { createAuditLog } from '../../src/support/audit.ts';
import { createTestDatabase, type TestDatabase } from '../support/postgres.ts';

const bus = { publish: async () => {}, subscribe: async () => async () => {} };

describe('the audit log in the records database', () => {
  let test: TestDatabase;
  let database: Database;
  let store: PostgresRecordStore;

  beforeAll(async () => {
    test = await createTestDatabase();
    database = await openDatabase({ url: test.url, poolSize: 2 });
    store = new PostgresRecordStore(database.db, { bus, prefix: 'deploy-a:' });
  });
  afterAll(async () => {
    await store.close();
    await database.close();
    await test.drop();
  });

  it('takes new entries but refuses to change or remove one, even to the application itself', async () => {
    const audit = createAuditLog(store);
    await audit.record({ actor: 'lan', role: 'supervisor', action: 'reveal', target: 'T-1' });
    await expect(store.del('audit:entries')).rejects.toThrow(/append-only/);
    await expect(store.ltrim('audit:entries', 1, -1)).rejects.toThrow(/append-only/);
    await expect(
      store.lrem('audit:entries', (await store.lrange('audit:entries', 0, 0))[0]!),
    ).rejects.toThrow(/append-only/);
    await expect(
      sql`update hoso_record_items set value = '{}' where key = 'deploy-a:audit:entries'`.execute(
        database.db,
      ),
    ).rejects.toThrow(/append-only/);
    await expect(
      sql`delete from hoso_records where key = 'deploy-a:audit:entries'`.execute(database.db),
    ).rejects.toThrow(/append-only/);
    // The rule sets' publishing history is kept the same way.
    await store.rpush('rules:audit', JSON.stringify({ action: 'publish' }));
    await expect(store.del('rules:audit')).rejects.toThrow(/append-only/);

    await audit.record({ actor: 'lan', role: 'supervisor', action: 'close', target: 'T-1' });
    const { entries } = await audit.list();
    expect(entries.map((e) => e.action)).toEqual(['close', 'reveal']);
  });

  it('leaves every other record free to change and expire', async () => {
    await store.rpush('ticket:T-2:messages', 'a', 'b');
    await store.ltrim('ticket:T-2:messages', 1, -1);
    expect(await store.lrange('ticket:T-2:messages', 0, -1)).toEqual(['b']);
    expect(await store.del('ticket:T-2:messages')).toBe(1);
    await store.set('my-audit:entries-draft', 'x');
    expect(await store.del('my-audit:entries-draft')).toBe(1);
  });
});
