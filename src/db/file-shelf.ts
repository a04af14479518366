import { type Kysely, sql } from 'kysely';
import type { SealedBlobShelf } from '../files/local-blob-store.ts';

/**
 * Sealed files in the records database: any Hoso process on any host serves any file, with no shared disk,
 * and a file and the record that points at it are backed up together. Files are already encrypted.
 */
export function databaseFileShelf(db: Kysely<unknown>): SealedBlobShelf {
  return {
    async write(id, sealed) {
      await sql`insert into hoso_files (id, sealed, size)
        values (${id}, ${Buffer.from(sealed)}, ${sealed.byteLength})
        on conflict (id) do nothing`.execute(db);
    },
    async read(id) {
      const { rows } = await sql<{
        sealed: Uint8Array;
      }>`select sealed from hoso_files where id = ${id}`.execute(db);
      const row = rows[0];
      return row ? Buffer.from(row.sealed) : undefined;
    },
    async remove(id) {
      await sql`delete from hoso_files where id = ${id}`.execute(db);
    },
  };
}
