import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { inject } from 'vitest';
import { type Config, loadConfig } from '../../src/config.ts';
import { createLogger, type Logger } from '../../src/log.ts';
import { type App, createApp } from '../../src/main.ts';
import { FAKE_BOT_INFO } from '../fakes/telegram-api.ts';
import { freePort } from './global-setup.ts';
import { createTestDatabase } from './postgres.ts';

export interface CapturedLogs {
  lines: string[];
  logger: Logger;
}

/** A logger whose JSON lines the test can read. */
export function captureLogs(level = 'info'): CapturedLogs {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  return { lines, logger: createLogger({ level, destination }) };
}

export interface TestAppOptions {
  env?: Record<string, string>;
  telegramApiRoot?: string;
  logs?: CapturedLogs;
  /** Without Redis: the embedded memory store. */
  memory?: boolean;
  /** Records in the embedded PGlite under DATA_DIR, as `npm start` keeps them (slow to create: use sparingly). */
  pglite?: boolean;
  /** Records in this database instead of a fresh one (two apps that share a deployment). */
  databaseUrl?: string;
  /** DATA_DIR to use (and keep): an app started again on the same folder. */
  dataDir?: string;
}

/** A full Hoso app on the test run's Redis, under a key prefix of its own. */
export async function startTestApp(
  options: TestAppOptions = {},
): Promise<App & { baseUrl: string; cfg: Config }> {
  const prefix = `test:${process.pid}:${randomBytes(4).toString('hex')}:`;
  const port = await freePort();
  // Each app keeps its files and development keys in a folder of its own, removed on close.
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'hoso-test-data-'));
  // Records in a database of the app's own on the test run's PostgreSQL, unless told otherwise.
  const database = options.pglite || options.databaseUrl ? undefined : await createTestDatabase();
  const databaseUrl = options.databaseUrl ?? database?.url;
  const cfg = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    // Shared development keys: every app signs extracts without generating its own.
    HOSO_KEYS_DIR: inject('devKeysDir'),
    // Scripted journeys send faster than a person; the message rate has its own test.
    CONVERSATION_MESSAGES_PER_MINUTE: '10000',
    ...(options.memory ? {} : { REDIS_URL: inject('redisUrl'), REDIS_KEY_PREFIX: prefix }),
    ...(options.telegramApiRoot
      ? {
          TELEGRAM_BOT_TOKEN: '123456:TEST-token-for-the-fake-bot-api',
          TELEGRAM_API_ROOT: options.telegramApiRoot,
          TELEGRAM_THROTTLE: 'false',
        }
      : {}),
    ...options.env,
    // After env: a production-like environment still keeps its records in the test's own database.
    ...(databaseUrl ? { DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: '4' } : {}),
  });
  const app = await createApp(cfg, {
    logger: options.logs?.logger ?? createLogger({ level: 'silent' }),
    telegramBotInfo: FAKE_BOT_INFO,
  });
  await app.http.listen({ host: '127.0.0.1', port });
  const close = app.close.bind(app);
  return Object.assign(app, {
    cfg,
    baseUrl: `http://127.0.0.1:${port}`,
    async close() {
      if (!options.memory) {
        const keys = await app.store.keys('');
        if (keys.length > 0) await app.store.del(...keys);
      }
      await close();
      await database?.drop();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  });
}
