import { join } from 'node:path';
import { DatabaseInUseError, openDatabase } from './database.ts';
import { migrateToLatest, SchemaError, schemaStatus } from './migrate.ts';
import { EMBEDDED_DATABASE_DIR } from './records.ts';

export interface DbCommandIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

export interface DbCommandConfig {
  DATABASE_URL?: string | undefined;
  DATA_DIR: string;
}

export const DB_USAGE = `Usage:
  hoso db status     which migrations the records database has, and which are pending (JSON)
  hoso db migrate    apply the pending ones (hoso serve also does this at start, under a lock)`;

/** Where the records are, said without the password of a DATABASE_URL. */
function describe(cfg: DbCommandConfig): string {
  if (!cfg.DATABASE_URL) return join(cfg.DATA_DIR, EMBEDDED_DATABASE_DIR);
  const url = new URL(cfg.DATABASE_URL);
  url.password = '';
  return url.toString();
}

/** `hoso db status|migrate`: the schema of the records database, for operators and deploy scripts. */
export async function runDbCommand(args: string[], io: DbCommandIo, cfg: DbCommandConfig): Promise<number> {
  const [sub] = args;
  if (sub !== 'status' && sub !== 'migrate') {
    io.stderr(DB_USAGE);
    return 2;
  }
  let database: Awaited<ReturnType<typeof openDatabase>>;
  try {
    database = await openDatabase({
      url: cfg.DATABASE_URL,
      dir: join(cfg.DATA_DIR, EMBEDDED_DATABASE_DIR),
      poolSize: 1,
    });
  } catch (err) {
    if (err instanceof DatabaseInUseError) {
      io.stderr(`${err.message}\nThe embedded database is held by a running Hoso: stop it first.`);
      return 1;
    }
    io.stderr(`The records database (${describe(cfg)}) could not be opened: ${(err as Error).message}`);
    return 1;
  }
  try {
    if (sub === 'migrate') {
      const results = await migrateToLatest(database.db);
      for (const r of results) io.stderr(`${r.migrationName}: ${r.status}`);
      if (results.length === 0) io.stderr('The schema is up to date.');
    }
    const status = await schemaStatus(database.db);
    io.stdout(JSON.stringify({ database: database.kind, where: describe(cfg), ...status }, null, 2));
    // A deploy script can tell "needs migrating" (1) and "newer than this code" (3) from "up to date" (0).
    if (status.unknown.length > 0) return 3;
    return status.pending.length > 0 ? 1 : 0;
  } catch (err) {
    if (err instanceof SchemaError) {
      io.stderr(`${err.code}: ${err.message}`);
      return err.code === 'HOSO_ERR_DB_SCHEMA_NEWER' ? 3 : 1;
    }
    throw err;
  } finally {
    await database.close();
  }
}
