/** The migrated database each test database is copied from. */
export const TEMPLATE_DATABASE = 'hoso_template';

/** The same server, another database. */
export function withDatabase(serverUrl: string, database: string): string {
  const u = new URL(serverUrl);
  u.pathname = `/${database}`;
  return u.toString();
}
