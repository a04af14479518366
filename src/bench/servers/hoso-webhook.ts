import { loadConfig } from '../../config.ts';
import { createLogger } from '../../log.ts';
import { createApp } from '../../main.ts';
import { answerResourceQueries, settingsFromEnv } from './ipc.ts';

/** Hoso's real webhook path, as deployed: Fastify → grammY → conversation handler → Redis sessions. */
const s = settingsFromEnv();
const app = await createApp(
  loadConfig({
    NODE_ENV: 'test',
    PORT: String(s.port),
    REDIS_URL: s.redisUrl,
    REDIS_KEY_PREFIX: 'bench:',
    TELEGRAM_BOT_TOKEN: s.token,
    TELEGRAM_API_ROOT: s.apiRoot,
    TELEGRAM_WEBHOOK_URL: 'https://bench.invalid/telegram/webhook',
    TELEGRAM_WEBHOOK_SECRET: s.secret,
    TELEGRAM_THROTTLE: 'false',
    ...s.env,
  }),
  {
    logger: createLogger({ level: 'silent' }),
    telegramBotInfo: JSON.parse(process.env.HOSO_BENCH_BOT_INFO ?? '{}'),
  },
);
await app.http.listen({ host: '127.0.0.1', port: s.port });
answerResourceQueries();
process.send?.('ready');
