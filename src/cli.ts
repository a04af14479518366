import { existsSync, mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { Config } from './config.ts';
import type { Logger } from './log.ts';
import type { App } from './main.ts';

// Every module beyond these is imported by the command that needs it: `hoso --help` or `hoso nlu` must not
// load the whole application (the server, PDF signing, database drivers) before doing anything.

export interface CommandIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

const io: CommandIo = {
  stdout: (s) => process.stdout.write(`${s}\n`),
  stderr: (s) => process.stderr.write(`${s}\n`),
};

const USAGE = `Usage: hoso <command>

  serve                     start Hoso: web chat, Telegram (when configured), terminal chat, consoles
  worker                    run job workers only (submissions, status, notifications); needs REDIS_URL
  chat [--lang vi|en]       chat as a citizen in this terminal
  nlu "<text>"              show how Hoso understands one message (JSON)
  bench                     run the benchmarks and print their figures
  users add|list|remove     staff accounts for the console at /staff/ (hoso users for details)
  db status|migrate         the records database's schema: what is applied, what is pending
  rules-users add|list|remove
                            agency accounts for the rules console at /rules/ (role per service)
  rules lint|test|eval|impact|explain|schema|propose|publish
                            the service catalog and its rules (see \`hoso rules\`)
  verify FILE.pdf           check an extract's signature, chain, integrity and registry status (JSON)
  keys init [--force]       create the development CA and signer; keys public prints the QR key
  extract sample --service lltp|health_record [--form 1|2] --out FILE
                            render and sign a sample extract for a fixture citizen`;

async function config(): Promise<Config> {
  const { loadConfig } = await import('./config.ts');
  if (existsSync('.env')) process.loadEnvFile('.env');
  return loadConfig();
}

/** When a terminal chat shares the screen, logs go to a file instead of interleaving with the conversation. */
async function fileLogger(cfg: Config): Promise<{ logger: Logger; path: string }> {
  const [{ pino }, { createLogger }] = await Promise.all([import('pino'), import('./log.ts')]);
  mkdirSync(cfg.DATA_DIR, { recursive: true });
  const path = join(cfg.DATA_DIR, 'hoso.log');
  return {
    logger: createLogger({
      level: cfg.LOG_LEVEL,
      destination: pino.destination({ dest: path, mkdir: true }),
    }),
    path,
  };
}

function onShutdown(app: App): void {
  const stop = async () => {
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function serve(): Promise<number> {
  const cfg = await config();
  const interactive = process.stdin.isTTY === true && cfg.NODE_ENV !== 'production';
  const logs = interactive ? await fileLogger(cfg) : undefined;
  const [{ createApp }, { TELEGRAM_WEBHOOK_PATH }, { startTerminalChat }] = await Promise.all([
    import('./main.ts'),
    import('./channels/telegram/channel.ts'),
    import('./channels/terminal/chat.ts'),
  ]);
  const app = await createApp(cfg, logs ? { logger: logs.logger } : {});
  onShutdown(app);
  await app.http.listen({ host: cfg.HOST, port: cfg.PORT });
  const address = app.http.server.address();
  const port = typeof address === 'object' && address ? address.port : cfg.PORT;
  const base = cfg.PUBLIC_URL ?? `http://${cfg.HOST}:${port}`;

  await app.telegram?.start();

  const lines = [
    'Hoso is running.',
    `  Web chat:       ${base}/`,
    `  Staff console:  ${base}/staff/  (accounts: hoso users add --role staff <username>)`,
    `  Verify:         ${base}/verify  (issued extracts; signing key at ${base}/.well-known/jwks.json)`,
    `  Health:         ${base}/healthz`,
    `  Records:        ${app.database.kind === 'pglite' ? `embedded PostgreSQL in ${join(cfg.DATA_DIR, 'db')} (kept across restarts; set DATABASE_URL on a server)` : 'PostgreSQL (DATABASE_URL)'}`,
    `  Conversations:  ${app.store.kind === 'memory' ? 'in memory (set REDIS_URL to keep them across restarts)' : 'Redis'}`,
    `  Telegram:       ${app.telegram ? (app.telegram.mode === 'webhook' ? `webhook (${TELEGRAM_WEBHOOK_PATH})` : 'long polling') : 'off (set TELEGRAM_BOT_TOKEN)'}`,
  ];
  // --- Identity and personal data ---
  if (app.identity.devOutbox)
    lines.push(
      `  SMS codes:      ${base}/api/dev/outbox (dev outbox: no SMS is sent${interactive ? '; also shown in this terminal' : ''})`,
    );
  if (app.identity.cipher.current.dev) {
    lines.push(
      `  Data key:       DEVELOPMENT key in ${cfg.DATA_DIR}/ (not for production: set HOSO_DATA_KEY)`,
    );
  }
  if (app.identity.oidc) lines.push(`  OIDC login:     ${cfg.OIDC_ISSUER_URL}`);
  if (app.extracts.identity.isDevelopment) {
    lines.push('  Signing key:    DEVELOPMENT key: extracts are test copies (set SIGNING_P12_PATH)');
  }
  if (logs)
    lines.push(
      `  Logs:           ${logs.path}`,
      '',
      'Terminal chat (type /quit to stop chatting; Ctrl+C stops Hoso):',
    );
  io.stderr(lines.join('\n'));

  if (interactive) {
    const chat = startTerminalChat({
      input: process.stdin,
      output: process.stdout,
      handle: app.handle,
      translator: app.translator,
      files: app.files,
      downloadDir: join(cfg.DATA_DIR, 'downloads'),
      userId: `local-${userInfo().username}`,
      lang: cfg.DEFAULT_LANG,
      devOutbox: cfg.production ? undefined : app.identity.devOutbox,
      intake: app.intake,
    });
    app.notifier.register('terminal', chat.sender);
    await chat.done;
    io.stderr('Terminal chat closed; Hoso keeps serving. Ctrl+C stops it.');
  }
  return new Promise<number>(() => {});
}

/** `hoso worker`: job workers only, no HTTP server, scaled out beside `hoso serve`. */
async function worker(): Promise<number> {
  const cfg = await config();
  if (!cfg.REDIS_URL) {
    io.stderr('hoso worker needs REDIS_URL: without Redis, jobs run inside `hoso serve` itself.');
    return 2;
  }
  const { createApp } = await import('./main.ts');
  // Its metrics (jobs retried, extracts signed, queue depth) carry role="worker", on its own METRICS_PORT.
  const app = await createApp(cfg, { workers: true, metricsLabels: { role: 'worker' } });
  onShutdown(app);
  io.stderr('Hoso job workers are running on Redis. Ctrl+C stops them.');
  return new Promise<number>(() => {});
}

async function chat(args: string[]): Promise<number> {
  const cfg = await config();
  const langArg = args[args.indexOf('--lang') + 1];
  const lang = args.includes('--lang') ? langArg : cfg.DEFAULT_LANG;
  if (lang !== 'vi' && lang !== 'en') {
    io.stderr('--lang must be vi or en');
    return 2;
  }
  const logs = await fileLogger(cfg);
  const [{ createApp }, { startTerminalChat }] = await Promise.all([
    import('./main.ts'),
    import('./channels/terminal/chat.ts'),
  ]);
  const app = await createApp(cfg, { logger: logs.logger });
  const session = startTerminalChat({
    input: process.stdin,
    output: process.stdout,
    handle: app.handle,
    translator: app.translator,
    files: app.files,
    downloadDir: join(cfg.DATA_DIR, 'downloads'),
    userId: `local-${userInfo().username}`,
    lang,
    devOutbox: cfg.production ? undefined : app.identity.devOutbox,
    intake: app.intake,
  });
  app.notifier.register('terminal', session.sender);
  await session.done;
  await app.close();
  return 0;
}

const rawIo = {
  stdout: (s: string) => process.stdout.write(s),
  stderr: (s: string) => process.stderr.write(s),
};

async function bench(args: string[]): Promise<number> {
  const { runBenchmarks } = await import('./bench/index.ts');
  return runBenchmarks(args, io);
}

async function users(args: string[]): Promise<number> {
  const { runUsersCommand } = await import('./support/users-cli.ts');
  return runUsersCommand(args, { ...io, stdin: process.stdin, prompt: process.stderr }, await config());
}

async function db(args: string[]): Promise<number> {
  const { runDbCommand } = await import('./db/cli.ts');
  return runDbCommand(args, io, await config());
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'serve':
      return serve();
    case 'worker':
      return worker();
    case 'chat':
      return chat(args);
    case 'nlu': {
      const { runNluCommand } = await import('./dialogue/nlu/cli.ts');
      return runNluCommand(args, rawIo);
    }
    case 'bench':
      return bench(args);
    case 'users':
      return users(args);
    case 'db':
      return db(args);
    case 'rules-users': {
      const { runRulesUsersCommand } = await import('./rules/console/users-cli.ts');
      return runRulesUsersCommand(args, { ...io, stdin: process.stdin }, await config());
    }
    // --- Rules
    // --- Signed extracts
    case 'verify':
    case 'keys':
    case 'extract': {
      const extracts = await import('./extracts/cli.ts');
      const run = {
        verify: extracts.runVerifyCommand,
        keys: extracts.runKeysCommand,
        extract: extracts.runExtractCommand,
      };
      // The same configuration as the server: its keys, its link key, and for verify its registry.
      const { createExtractsCliDeps } = await import('./main.ts');
      const deps = createExtractsCliDeps(await config(), { registry: command === 'verify' });
      try {
        return await run[command](args, rawIo, deps);
      } finally {
        await deps.close();
      }
    }
    case 'rules': {
      const { runRulesCommand } = await import('./rules/cli.ts');
      return runRulesCommand(args, rawIo, { stdin: process.stdin });
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.stdout(USAGE);
      return command === undefined ? 2 : 0;
    default:
      io.stderr(`Unknown command: ${command}\n\n${USAGE}`);
      return 2;
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  const { ConfigError } = await import('./config.ts');
  if (err instanceof ConfigError) {
    io.stderr(err.message);
    process.exitCode = 1;
  } else {
    throw err;
  }
}
