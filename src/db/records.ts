import { join } from 'node:path';
import type { SealedBlobShelf } from '../files/local-blob-store.ts';
import type { Logger } from '../log.ts';
import { PostgresRecordStore } from '../store/postgres.ts';
import type { KeyValueStore } from '../store/types.ts';
import { type Database, openDatabase } from './database.ts';
import { databaseFileShelf } from './file-shelf.ts';
import { migrateToLatest } from './migrate.ts';

/** The folder under DATA_DIR where the embedded database lives. */
export const EMBEDDED_DATABASE_DIR = 'db';

export interface Records {
  database: Database;
  /** Every record, behind the key-value contract the modules already speak. */
  store: PostgresRecordStore;
  /** Sealed files (uploads, extracts, exports). */
  files: SealedBlobShelf;
  close(): Promise<void>;
}

/**
 * Opens the system of record — PostgreSQL at `url`, or PGlite under `dataDir` — and brings its schema up to
 * date before anything reads it.
 */
export async function openRecords(options: {
  url?: string | undefined;
  dataDir: string;
  poolSize?: number;
  bus: Pick<KeyValueStore, 'publish' | 'subscribe'>;
  log: Logger;
}): Promise<Records> {
  const database = await openDatabase({
    url: options.url,
    dir: join(options.dataDir, EMBEDDED_DATABASE_DIR),
    ...(options.poolSize ? { poolSize: options.poolSize } : {}),
    onError: (err) => options.log.warn({ err: err.message }, 'PostgreSQL connection problem'),
  });
  try {
    const applied = await migrateToLatest(database.db);
    for (const m of applied)
      options.log.info({ migration: m.migrationName, status: m.status }, 'schema migration');
  } catch (err) {
    await database.close();
    throw err;
  }
  const store = new PostgresRecordStore(database.db, {
    bus: options.bus,
    onSweepError: (err) => options.log.warn({ err: err.message }, 'could not remove expired records'),
  });
  return {
    database,
    store,
    files: databaseFileShelf(database.db),
    async close() {
      await store.close();
      await database.close();
    },
  };
}
