import { afterAll, beforeAll } from 'vitest';
import { type Database, openDatabase } from '../../src/db/database.ts';
import { MemoryStore } from '../../src/store/memory.ts';
import { PostgresRecordStore } from '../../src/store/postgres.ts';
import { createTestDatabase, type TestDatabase } from '../support/postgres.ts';
import { storeContract } from './contract.ts';

let database: TestDatabase;
let db: Database;
beforeAll(async () => {
  database = await createTestDatabase();
  db = await openDatabase({ url: database.url });
});
afterAll(async () => {
  await db.close();
  await database.drop();
});

let n = 0;
storeContract('postgres', () => {
  const bus = new MemoryStore();
  // Each test under a prefix of its own, so that no test sees another's keys.
  const store = new PostgresRecordStore(db.db, { bus, prefix: `t${++n}:` });
  return {
    store,
    async cleanup() {
      const keys = await store.keys('');
      if (keys.length > 0) await store.del(...keys);
      await store.close();
      await bus.close();
    },
  };
});
