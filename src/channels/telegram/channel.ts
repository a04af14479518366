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
  webhookSecret?: string;
  /** Skips getMe (tests, or a deployment that pins it). */
  botInfo?: UserFromGetMe;
}

export interface TelegramChannel {
  bot: Bot;
  sender: ChannelSender;
  /** POST /telegram/webhook, checking the secret token header. */
  webhookRoutes: FastifyPluginAsync;
  startPolling(): Promise<void>;
  stop(): Promise<void>;
  /** The bytes of a file a citizen sent (getFile, then the Bot API's file download). */
  fetchFile(fileId: string): Promise<{ bytes: Uint8Array }>;
}

export const TELEGRAM_WEBHOOK_PATH = '/telegram/webhook';

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
    const result = await options.handle(inbound);
    await sendToTelegram(ctx.api, String(inbound.userId), result.messages, options.files);
  });

  bot.catch((err) => options.log.error({ err: err.error }, 'telegram update failed'));

  const webhookRoutes: FastifyPluginAsync = async (app) => {
    const callback = webhookCallback(bot, 'fastify', {
      ...(options.webhookSecret ? { secretToken: options.webhookSecret } : {}),
      // Slow work runs in jobs; a timeout answers 200 rather than 500 so Telegram does not hammer us.
      onTimeout: 'return',
      timeoutMilliseconds: 9_000,
    });
    app.post(TELEGRAM_WEBHOOK_PATH, callback);
  };

  return {
    bot,
    sender: { send: (chatId, messages) => sendToTelegram(bot.api, chatId, messages, options.files) },
    webhookRoutes,
    async startPolling() {
      await bot.init();
      await bot.api.deleteWebhook();
      void bot.start({
        drop_pending_updates: false,
        onStart: () => options.log.info({}, 'telegram long polling'),
      });
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
