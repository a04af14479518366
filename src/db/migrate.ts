import { type Kysely, sql } from 'kysely';
import { type Migration, type MigrationResult, Migrator } from 'kysely/migration';
import * as records from './migrations/0001-records.ts';
import * as auditAppendOnly from './migrations/0002-audit-append-only.ts';

/** Every migration this code knows, in order. Names sort in the order they apply; never rename one. */
export const MIGRATIONS: Record<string, Migration> = {
  '0001-records': records,
  '0002-audit-append-only': auditAppendOnly,
};

export class SchemaError extends Error {
  readonly code: 'HOSO_ERR_DB_SCHEMA_NEWER' | 'HOSO_ERR_DB_MIGRATION_FAILED';
  constructor(code: SchemaError['code'], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SchemaError';
    this.code = code;
  }
}

export interface SchemaStatus {
  applied: string[];
  pending: string[];
  /** Applied by a newer Hoso: this code must not run on it. */
  unknown: string[];
}

function migrator(db: Kysely<unknown>): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => MIGRATIONS },
    migrationTableName: 'hoso_migrations',
    migrationLockTableName: 'hoso_migrations_lock',
  });
}

async function appliedNames(db: Kysely<unknown>): Promise<string[]> {
  const exists = await sql<{ t: string | null }>`select to_regclass('hoso_migrations')::text as t`.execute(
    db,
  );
  if (!exists.rows[0]?.t) return [];
  const rows = await sql<{ name: string }>`select name from hoso_migrations order by name`.execute(db);
  return rows.rows.map((r) => r.name);
}

export async function schemaStatus(db: Kysely<unknown>): Promise<SchemaStatus> {
  const applied = await appliedNames(db);
  const known = Object.keys(MIGRATIONS);
  return {
    applied: applied.filter((n) => known.includes(n)),
    pending: known.filter((n) => !applied.includes(n)),
    unknown: applied.filter((n) => !known.includes(n)),
  };
}

/**
 * Brings the schema up to this code's version. Kysely's migrator takes a lock in the database (an advisory
 * transaction lock on PostgreSQL), so several processes starting at once apply each migration once.
 * A schema that a newer Hoso already moved on is refused: old code writing to it could corrupt records.
 */
export async function migrateToLatest(db: Kysely<unknown>): Promise<MigrationResult[]> {
  const status = await schemaStatus(db);
  if (status.unknown.length > 0) {
    throw new SchemaError(
      'HOSO_ERR_DB_SCHEMA_NEWER',
      `the database schema is newer than this Hoso knows (applied: ${status.unknown.join(', ')}); run the newer version or restore a matching backup`,
    );
  }
  const { error, results } = await migrator(db).migrateToLatest();
  if (error) {
    throw new SchemaError('HOSO_ERR_DB_MIGRATION_FAILED', `migration failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return results ?? [];
}
