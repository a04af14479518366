import { autoRetry } from '@grammyjs/auto-retry';
import { apiThrottler } from '@grammyjs/transformer-throttler';
import type { FastifyPluginAsync } from 'fastify';
import { Bot, webhookCallback } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { ConversationHandler } from '../../conversation/handle-inbound.ts';
import type { ChannelSender } from '../../conversation/notifier.ts';
import type { TurnLogger } from '../../dialogue/context.ts';
import type { BlobStore } from '../../files/types.ts';
import type { Translator } from '../../i18n.ts';
import { isPrivateChatUpdate, updateToInbound } from './convert.ts';
import { sendToTelegram } from './send.ts';

export interface TelegramChannelOptions {
  token: string;
  apiRoot: string;
  handle: ConversationHandler;
  files: BlobStore;
  translator: Translator;
  log: TurnLogger;
  /** Per-chat pacing of outgoing messages, as Telegram asks; left out of tests and benchmarks. */
  throttle: boolean;
  /**
   * Webhook mode: Telegram POSTs updates to `url`, each carrying `secret` in a header. Without it Hoso long-polls
   * and serves no webhook route at all: a route nobody registered with Telegram would only take forged updates.
   */
  webhook?: { url: string; secret: string };
  /** Skips getMe (tests, or a deployment that pins it). */
  botInfo?: UserFromGetMe;
  /** Told when a webhook call is refused (`secret_token`: the header is missing or wrong), for the metrics. */
  onRefused?: (reason: string) => void;
}

export interface TelegramChannel {
  bot: Bot;
  sender: ChannelSender;
  mode: 'webhook' | 'polling';
  /** POST /telegram/webhook, checking the secret token header; only in webhook mode. */
  webhookRoutes?: FastifyPluginAsync;
  /** Webhook mode: registers the webhook (URL and secret) with Telegram. Polling mode: starts long polling. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The bytes of a file a citizen sent (getFile, then the Bot API's file download). */
  fetchFile(fileId: string): Promise<{ bytes: Uint8Array }>;
}

export const TELEGRAM_WEBHOOK_PATH = '/telegram/webhook';
/** grammY answers the webhook after this long even if the turn is still running (Telegram waits about 60 s). */
export const TELEGRAM_WEBHOOK_TIMEOUT_MS = 9_000;

/** Telegram through grammY: updates become Inbound messages, the engine's messages become API calls. */
export function createTelegramChannel(options: TelegramChannelOptions): TelegramChannel {
  const bot = new Bot(options.token, {
    client: { apiRoot: options.apiRoot },
    ...(options.botInfo ? { botInfo: options.botInfo } : {}),
  });
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 30 }));
  if (options.throttle) bot.api.config.use(apiThrottler());

  bot.use(async (ctx) => {
    const update = ctx.update;
    if (update.callback_query) {
      ctx
        .answerCallbackQuery()
        .catch((err) => options.log.warn({ err: String(err) }, 'answerCallbackQuery failed'));
    }
    if (!isPrivateChatUpdate(update)) {
      const chatId = ctx.chat?.id;
      if (chatId !== undefined && update.message?.text?.startsWith('/')) {
        await ctx.api.sendMessage(chatId, options.translator.t('vi')('telegram.privateOnly'));
      }
      return;
    }
    const inbound = updateToInbound(update);
    if (!inbound) return;
    // The answer is sent under the conversation's lock; if sending fails the update is answered again on
    // Telegram's redelivery (the webhook answers 500), from the stored answer rather than a second turn.
    await options.handle(inbound, {
      deliver: (messages) => sendToTelegram(ctx.api, String(inbound.userId), messages, options.files),
    });
  });

  bot.catch((err) => options.log.error({ err: err.error }, 'telegram update failed'));

  const webhook = options.webhook;
  const webhookRoutes: FastifyPluginAsync | undefined = webhook
    ? async (app) => {
        const callback = webhookCallback(bot, 'fastify', {
          secretToken: webhook.secret,
          // Slow work runs in jobs; a timeout answers 200 rather than 500 so Telegram does not hammer us.
          onTimeout: 'return',
          timeoutMilliseconds: TELEGRAM_WEBHOOK_TIMEOUT_MS,
        });
        app.post(TELEGRAM_WEBHOOK_PATH, async (request, reply) => {
          const answered = await callback(request, reply);
          // grammY answers 401 for one reason only: the secret token header is missing or wrong.
          if (reply.statusCode === 401) options.onRefused?.('secret_token');
          return answered;
        });
      }
    : undefined;

  return {
    bot,
    sender: { send: (chatId, messages) => sendToTelegram(bot.api, chatId, messages, options.files) },
    mode: webhook ? 'webhook' : 'polling',
    ...(webhookRoutes ? { webhookRoutes } : {}),
    async start() {
      if (webhook) {
        await bot.api.setWebhook(webhook.url, { secret_token: webhook.secret });
        options.log.info({ path: TELEGRAM_WEBHOOK_PATH }, 'telegram webhook set');
        return;
      }
      await bot.init();
      // A webhook left from an earlier deployment would make getUpdates fail with 409.
      await bot.api.deleteWebhook();
      void bot
        .start({
          drop_pending_updates: false,
          onStart: () => options.log.info({}, 'telegram long polling'),
        })
        .catch((err) => options.log.error({ err }, 'telegram long polling stopped'));
    },
    async stop() {
      if (bot.isRunning()) await bot.stop();
    },
    async fetchFile(fileId) {
      const file = await bot.api.getFile(fileId);
      if (!file.file_path) throw new Error('Telegram gave no path for the file');
      const res = await fetch(`${options.apiRoot}/file/bot${options.token}/${file.file_path}`, {
        signal: AbortSignal.timeout(30_000),
      });
      if (!res.ok) throw new Error(`Telegram file download failed with HTTP ${res.status}`);
      return { bytes: new Uint8Array(await res.arrayBuffer()) };
    },
  };
}
