import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ThrowawayRedis {
  url: string;
  port: number;
  /** Stops the server (SIGTERM) and removes its folder. */
  stop(): Promise<void>;
  /** Kills and restarts it on the same port, keeping its data when it persists (append-only file). */
  restart(): Promise<void>;
}

export class RedisServerMissingError extends Error {
  readonly code = 'HOSO_ERR_REDIS_SERVER_MISSING';
  constructor() {
    super(
      'redis-server is not installed: tests and benchmarks start their own throwaway Redis. ' +
        'Install it (Debian: apt-get install redis-server) or set REDIS_URL to a server they may use.',
    );
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`redis-server did not start on port ${port}`);
}

/** A private redis-server on a free port, for tests and benchmarks that must not touch anyone's data. */
export async function startThrowawayRedis(options: { persist?: boolean } = {}): Promise<ThrowawayRedis> {
  if (spawnSync('redis-server', ['--version']).error) throw new RedisServerMissingError();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'hoso-redis-'));
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    options.persist ? 'yes' : 'no',
    '--appendfsync',
    'always',
    '--dir',
    dir,
  ];
  let child: ChildProcess = spawn('redis-server', args, { stdio: 'ignore' });
  await waitForPort(port);
  const exited = (c: ChildProcess) =>
    new Promise<void>((resolve) => {
      if (c.exitCode !== null || c.signalCode !== null) resolve();
      else c.once('exit', () => resolve());
    });
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      child.kill('SIGTERM');
      await exited(child);
      rmSync(dir, { recursive: true, force: true });
    },
    async restart() {
      child.kill('SIGKILL');
      await exited(child);
      child = spawn('redis-server', args, { stdio: 'ignore' });
      await waitForPort(port);
    },
  };
}
