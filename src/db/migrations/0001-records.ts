import { type Kysely, sql } from 'kysely';

/**
 * The first schema: every record Hoso keeps, as keys with typed values (a string, or the items of a list,
 * hash, set or sorted set), and the encrypted files citizens send and Hoso issues. Keys carry the
 * module's own naming (`req:…`, `doc:…`, `ticket:…`), so each module keeps its record layout while the
 * database gives it transactions, durability and one home for every process.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table hoso_records (
      key text primary key,
      kind text not null check (kind in ('string', 'list', 'hash', 'set', 'zset')),
      value text,
      -- Milliseconds since 1970 (the application's clock, as in Redis' PEXPIREAT); null keeps it forever.
      expires_at bigint
    )`.execute(db);
  await sql`create index hoso_records_expiring on hoso_records (expires_at) where expires_at is not null`.execute(
    db,
  );
  await sql`create index hoso_records_prefix on hoso_records (key text_pattern_ops)`.execute(db);
  await sql`
    create table hoso_record_items (
      key text not null references hoso_records (key) on delete cascade,
      -- A hash's field, a set's or sorted set's member, or a list position (zero-padded, so text order is list order).
      item text not null,
      value text,
      score double precision,
      primary key (key, item)
    )`.execute(db);
  await sql`create index hoso_record_items_score on hoso_record_items (key, score) where score is not null`.execute(
    db,
  );
  await sql`create sequence hoso_list_position`.execute(db);
  await sql`
    create table hoso_files (
      id text primary key,
      -- Encrypted with the data key (AES-256-GCM); the database never sees a file in clear.
      sealed bytea not null,
      size integer not null,
      created_at timestamptz not null default now()
    )`.execute(db);
}
