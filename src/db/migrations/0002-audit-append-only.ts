import { type Kysely, sql } from 'kysely';

/**
 * The audit logs (staff actions, rule publishing) are evidence: once written, an entry may be read but never
 * changed or removed, by Hoso or by anyone who gets the application's database credentials. The database
 * itself refuses it, whatever role connects; an operator may also withhold UPDATE and DELETE on these keys'
 * rows by role, which this does not replace. A key is an audit log when it ends in `audit:entries` (staff)
 * or `rules:audit` (agency rule sets), after any deployment prefix.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function hoso_refuse_audit_change() returns trigger language plpgsql as $$
    begin
      raise exception 'the audit log is append-only: % refused on %', tg_op, old.key
        using errcode = 'insufficient_privilege';
    end
    $$`.execute(db);
  for (const table of ['hoso_records', 'hoso_record_items']) {
    await sql`
      create trigger hoso_audit_append_only before update or delete on ${sql.table(table)}
      for each row when (old.key ~ '(^|:)(audit:entries|rules:audit)$')
      execute function hoso_refuse_audit_change()`.execute(db);
  }
}
