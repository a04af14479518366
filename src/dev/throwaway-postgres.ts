import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './throwaway-redis.ts';

export interface ThrowawayPostgres {
  /** A connection string to the `postgres` database (create your own databases from it). */
  url: string;
  port: number;
  /** The connection string of another database on this server. */
  urlOf(database: string): string;
  /** Stops the server (fast shutdown) and removes its folder. */
  stop(): Promise<void>;
  /** Kills it (SIGKILL, as a crash would) and starts it again on the same folder and port. */
  restart(): Promise<void>;
}

export class PostgresServerMissingError extends Error {
  readonly code = 'HOSO_ERR_POSTGRES_SERVER_MISSING';
  constructor() {
    super(
      'PostgreSQL is not installed: tests and benchmarks start their own throwaway server. ' +
        'Install it (Debian: apt-get install postgresql) or set TEST_DATABASE_URL to a server they may use.',
    );
  }
}

/** Debian keeps each major version's programs in /usr/lib/postgresql/<major>/bin; the newest wins. */
export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((d) => /^\d+$/.test(d) && existsSync(join(root, d, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (majors[0]) return join(root, majors[0], 'bin');
  const onPath = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (onPath.status === 0 && existsSync(join(onPath.stdout.trim(), 'initdb'))) return onPath.stdout.trim();
  throw new PostgresServerMissingError();
}

/**
 * A private PostgreSQL cluster in a temporary folder on a free port, for tests and benchmarks that must not
 * touch anyone's data. PostgreSQL refuses to run as root, so as root (CI) it runs as the `postgres` user
 * that Debian's package creates.
 */
export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const bin = postgresBinDir();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'hoso-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  let owner: { uid: number; gid: number } | undefined;
  if (asRoot) {
    const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    if (id.status !== 0) throw new PostgresServerMissingError();
    owner = { uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
    chownSync(dir, owner.uid, owner.gid);
    chmodSync(dir, 0o700);
  }
  const spawnOptions = owner ? { uid: owner.uid, gid: owner.gid } : {};
  const init = spawnSync(
    join(bin, 'initdb'),
    ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C.UTF-8'],
    { encoding: 'utf8', ...spawnOptions },
  );
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.error?.message}`);
  const args = [
    '-D',
    data,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    `unix_socket_directories=${dir}`,
    // Throwaway data: durability settings that cost time buy nothing here.
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
    '-c',
    'max_connections=300',
  ];
  const start = (): ChildProcess => spawn(join(bin, 'postgres'), args, { stdio: 'ignore', ...spawnOptions });
  let child = start();
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  await waitReady(bin, port);
  const exited = (c: ChildProcess) =>
    new Promise<void>((resolve) => {
      if (c.exitCode !== null || c.signalCode !== null) resolve();
      else c.once('exit', () => resolve());
    });
  return {
    url,
    port,
    urlOf: (database) => `postgresql://postgres@127.0.0.1:${port}/${database}`,
    async stop() {
      child.kill('SIGINT');
      await exited(child);
      rmSync(dir, { recursive: true, force: true });
    },
    async restart() {
      child.kill('SIGKILL');
      await exited(child);
      // A killed postmaster leaves its children briefly; the new one waits for the port and shared memory.
      for (let i = 0; i < 100; i++) {
        child = start();
        const ok = await waitReady(bin, port).then(
          () => true,
          () => false,
        );
        if (ok) return;
        child.kill('SIGKILL');
        await exited(child);
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('PostgreSQL did not restart');
    },
  };
}

async function waitReady(bin: string, port: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const r = spawnSync(join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres']);
    if (r.status === 0) return;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`PostgreSQL did not start on port ${port}`);
}
