import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';

/**
 * Where Hoso keeps its records: a real PostgreSQL server in deployments (`DATABASE_URL`, a node-postgres
 * pool), or PGlite — PostgreSQL compiled to WebAssembly — in a folder under DATA_DIR when nothing is
 * configured. Both are reached through one Kysely instance, so every migration and query is written once.
 */
export interface Database {
  readonly kind: 'postgres' | 'pglite';
  readonly db: Kysely<unknown>;
  /** Where the records are, for the start-up log (a URL with its password removed, or a folder). */
  readonly location: string;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** A PostgreSQL connection string; without it, PGlite in `dir`. */
  url?: string | undefined;
  /** PGlite's folder (created if missing); ignored with a URL. */
  dir?: string | undefined;
  /** Pool size per process for a real server. */
  poolSize?: number;
  onError?: (err: Error) => void;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (options.url) {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      // A query against a server that went away fails in seconds instead of hanging a citizen's turn.
      connectionTimeoutMillis: 5_000,
    });
    // An idle client that loses its server emits 'error' on the pool; unhandled, it would end the process.
    pool.on('error', (err) => options.onError?.(err));
    const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
    return {
      kind: 'postgres',
      db,
      location: redactUrl(options.url),
      ping: () => ping(db),
      close: () => db.destroy(),
    };
  }
  if (!options.dir) throw new Error('openDatabase: a PostgreSQL URL or a PGlite folder is needed');
  mkdirSync(options.dir, { recursive: true });
  const unlock = lockFolder(options.dir);
  try {
    const lite = await PGlite.create(options.dir);
    const db = new Kysely<unknown>({ dialect: new PGliteDialect(lite) });
    return {
      kind: 'pglite',
      db,
      location: options.dir,
      ping: () => ping(db),
      async close() {
        await db.destroy();
        unlock();
      },
    };
  } catch (err) {
    unlock();
    throw err;
  }
}

export class DatabaseInUseError extends Error {
  readonly code = 'HOSO_ERR_DB_IN_USE';
  constructor(dir: string, pid: number) {
    super(
      `the embedded database in ${dir} is open in another Hoso process (pid ${pid}); only one process may use it. ` +
        'Stop that process first, or run every process on PostgreSQL (DATABASE_URL).',
    );
    this.name = 'DatabaseInUseError';
  }
}

/**
 * PGlite is one PostgreSQL in one process: a second process opening the same folder would corrupt it.
 * A lock file with the holder's pid keeps it to one; a lock left by a process that died is taken over.
 */
function lockFolder(dir: string): () => void {
  const file = join(dir, 'hoso.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new DatabaseInUseError(dir, pid);
      }
      rmSync(file, { force: true });
    }
  }
  throw new Error(`could not lock ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function ping(db: Kysely<unknown>): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgresql://…';
  }
}
