import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { type Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';

/** A benchmark server in a child process of its own, so its CPU and memory are its own. */
export interface BenchChild {
  child: ChildProcess;
  usage(): Promise<ServerUsage>;
  stop(): void;
}

export interface ServerUsage {
  cpu: NodeJS.CpuUsage;
  rss: number;
  heapUsed: number;
}

/**
 * The servers run as the bench itself does: compiled JavaScript when the bench runs from dist/ (`npm run bench`
 * builds first, as `npm start` does), TypeScript through tsx from a checkout.
 */
export function benchServer(name: 'echo-floor' | 'hoso-webhook'): { file: URL; loader: string[] } {
  const compiled = import.meta.url.endsWith('.js');
  return {
    file: new URL(`./servers/${name}.${compiled ? 'js' : 'ts'}`, import.meta.url),
    loader: compiled ? [] : ['--import', 'tsx'],
  };
}

/**
 * The V8 flags of the shipped start command (`npm start` in package.json, e.g. a heap ceiling), so the servers'
 * memory is measured as deployed.
 */
export function shippedNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    scripts?: Record<string, string>;
  };
  return nodeFlagsOf(pkg.scripts?.start ?? '');
}

/** The options between `node` and the script in a command line: `node --max-old-space-size=128 bin/hoso.js`. */
export function nodeFlagsOf(command: string): string[] {
  const words = command.trim().split(/\s+/);
  const node = words.indexOf('node');
  if (node === -1) return [];
  const flags: string[] = [];
  for (const word of words.slice(node + 1)) {
    if (!word.startsWith('-')) break;
    flags.push(word);
  }
  return flags;
}

export async function startBenchServer(
  name: 'echo-floor' | 'hoso-webhook',
  settings: object,
  botInfo: object,
): Promise<BenchChild> {
  const { file, loader } = benchServer(name);
  const child = fork(fileURLToPath(file), [], {
    execArgv: [
      ...loader,
      ...shippedNodeFlags(),
      // HOSO_BENCH_PROFILE=dir writes a V8 CPU profile of each server into that folder.
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
        child.once('message', (m) => resolve(m as ServerUsage));
        child.send('usage');
      }),
    stop: () => child.send('stop'),
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** A request that takes longer than this counts as failed: Telegram itself gives up on a webhook after a while. */
const TIMEOUT_MS = 10_000;

/** Posts a JSON body to a benchmark server; resolves with the milliseconds taken, rejects on anything but a 200. */
export function jsonPoster(
  port: number,
  path: string,
  headers: Record<string, string>,
  agent: Agent,
): (body: string) => Promise<number> {
  return (body) =>
    new Promise<number>((resolve, reject) => {
      const started = performance.now();
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path,
          method: 'POST',
          agent,
          timeout: TIMEOUT_MS,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...headers,
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
      req.on('timeout', () => req.destroy(new Error(`no answer in ${TIMEOUT_MS} ms`)));
      req.on('error', reject);
      req.end(body);
    });
}

/** Posts Telegram updates to a benchmark server's webhook, as Telegram does; resolves with the milliseconds taken. */
export function webhookPoster(port: number, secret: string, agent: Agent): (body: string) => Promise<number> {
  return jsonPoster(port, '/telegram/webhook', { 'x-telegram-bot-api-secret-token': secret }, agent);
}
