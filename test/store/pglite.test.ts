import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { type Database, openDatabase } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { MemoryStore } from '../../src/store/memory.ts';
import { PostgresRecordStore } from '../../src/store/postgres.ts';
import { storeContract } from './contract.ts';

// The embedded default: PGlite in a folder, as `npm start` uses it under DATA_DIR.
let dir: string;
let db: Database;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hoso-pglite-'));
  db = await openDatabase({ dir });
  await migrateToLatest(db.db);
}, 120_000);
afterAll(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
storeContract('pglite', () => {
  const bus = new MemoryStore();
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
