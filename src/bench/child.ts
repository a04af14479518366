import { type ChildProcess, fork } from 'node:child_process';
import { type Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';

/** A benchmark server in a child process of its own, so its CPU and memory are its own. */
export interface BenchChild {
  child: ChildProcess;
  usage(): Promise<{ cpu: NodeJS.CpuUsage; rss: number }>;
  stop(): void;
}

export async function startBenchServer(file: URL, settings: object, botInfo: object): Promise<BenchChild> {
  const child = fork(fileURLToPath(file), [], {
    // HOSO_BENCH_PROFILE=dir writes a V8 CPU profile of each server into that folder.
    execArgv: [
      '--import',
      'tsx',
      ...(process.env.HOSO_BENCH_PROFILE
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.HOSO_BENCH_PROFILE}`]
        : []),
      // HOSO_BENCH_NODE_FLAGS="--max-semi-space-size=32": V8 settings to try on the servers.
      ...(process.env.HOSO_BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
    ],
    env: {
      ...process.env,
      HOSO_BENCH_SERVER: JSON.stringify(settings),
      HOSO_BENCH_BOT_INFO: JSON.stringify(botInfo),
    },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', (m) => (m === 'ready' ? resolve() : reject(new Error(String(m)))));
    child.once('exit', (code) => reject(new Error(`${file.pathname} exited with ${code}`)));
  });
  return {
    child,
    usage: () =>
      new Promise((resolve) => {
        child.once('message', (m) => resolve(m as { cpu: NodeJS.CpuUsage; rss: number }));
        child.send('usage');
      }),
    stop: () => child.send('stop'),
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Posts Telegram updates to a benchmark server's webhook, as Telegram does; resolves with the milliseconds taken. */
export function webhookPoster(port: number, secret: string, agent: Agent): (body: string) => Promise<number> {
  return (body) =>
    new Promise<number>((resolve, reject) => {
      const started = performance.now();
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/telegram/webhook',
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'x-telegram-bot-api-secret-token': secret,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () =>
            res.statusCode === 200
              ? resolve(performance.now() - started)
              : reject(new Error(`HTTP ${res.statusCode}`)),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
}
