import Fastify from 'fastify';
import { Bot, session, webhookCallback } from 'grammy';
import { Redis } from 'ioredis';
import { answerResourceQueries, settingsFromEnv } from './ipc.ts';

/** The framework floor: a bare grammY bot that echoes with a Redis session, behind the same webhook stack. */
const s = settingsFromEnv();
const redis = new Redis(s.redisUrl, { enableAutoPipelining: true });
const bot = new Bot<import('grammy').Context & { session: { turns: number } }>(s.token, {
  client: { apiRoot: s.apiRoot },
  botInfo: JSON.parse(process.env.HOSO_BENCH_BOT_INFO ?? '{}'),
});
bot.use(
  session({
    initial: () => ({ turns: 0 }),
    storage: {
      read: async (key) => {
        const raw = await redis.get(`floor:${key}`);
        return raw ? JSON.parse(raw) : undefined;
      },
      write: async (key, value) => {
        await redis.set(`floor:${key}`, JSON.stringify(value), 'EX', 3600);
      },
      delete: async (key) => {
        await redis.del(`floor:${key}`);
      },
    },
  }),
);
bot.on('message:text', async (ctx) => {
  ctx.session.turns += 1;
  await ctx.reply(ctx.message.text);
});
const app = Fastify();
app.post('/telegram/webhook', webhookCallback(bot, 'fastify', { secretToken: s.secret }));
await app.listen({ host: '127.0.0.1', port: s.port });
answerResourceQueries();
process.send?.('ready');
