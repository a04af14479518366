import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { UserFromGetMe } from 'grammy/types';
import { createTelegramChannel, type TelegramChannel } from './channels/telegram/channel.ts';
import { createDownloadLinks } from './channels/webchat/downloads.ts';
import { WebchatOutbox } from './channels/webchat/outbox.ts';
import { webchatRoutes } from './channels/webchat/routes.ts';
import { createWebchatSessions } from './channels/webchat/sessions.ts';
import type { Config } from './config.ts';
import { type ConversationHandler, createConversationHandler } from './conversation/handle-inbound.ts';
import { Notifier } from './conversation/notifier.ts';
import type { Feature, Services } from './dialogue/context.ts';
import { createDialogueEngine, type DialogueEngine } from './dialogue/engine.ts';
import { consentFeature } from './dialogue/features/consent.ts';
import { coreFeature, notYetOpenFeature } from './dialogue/features/core.ts';
import { understand } from './dialogue/nlu/understand.ts';
import { SESSION_VERSION, SessionSchema } from './dialogue/session.ts';
import { MemoryBlobStore } from './files/memory-blob-store.ts';
import type { BlobStore } from './files/types.ts';
import { buildHttpServer } from './http/server.ts';
import { createTranslator, type Translator } from './i18n.ts';
import { createInProcessJobQueue } from './jobs/in-process.ts';
import type { JobQueue } from './jobs/types.ts';
import { createLogger, type Logger } from './log.ts';
import { createConsentLog } from './privacy/consent-log.ts';
import { rulesAdminRoutes } from './rules/admin-routes.ts';
import { ApiKeyring, parseApiKeys } from './rules/api-keys.ts';
import { RulesAdmin } from './rules/publish.ts';
import { RuleRegistry } from './rules/registry.ts';
import { RuleVersionStore } from './rules/versions.ts';
import { createConversationLocks } from './store/conversation-lock.ts';
import { createStore } from './store/create-store.ts';
import { createSessionStore } from './store/session-store.ts';
import type { KeyValueStore } from './store/types.ts';
import { createUpdateDedupe } from './store/update-dedupe.ts';

export interface AppOptions {
  logger?: Logger;
  /** Pins Telegram's getMe answer (tests against a fake Bot API). */
  telegramBotInfo?: UserFromGetMe;
  /** Use this store instead of the configured one (tests that share one between two apps). */
  store?: KeyValueStore;
}

export interface App {
  config: Config;
  log: Logger;
  store: KeyValueStore;
  translator: Translator;
  engine: DialogueEngine;
  handle: ConversationHandler;
  notifier: Notifier;
  jobs: JobQueue;
  files: BlobStore;
  http: FastifyInstance;
  /** Rule sets in force, swapped on publication (issue 3). */
  rules: RuleRegistry;
  telegram?: TelegramChannel;
  close(): Promise<void>;
}

/**
 * The composition root: the only place that picks implementations (store, queue, channels, ports).
 * Everything else depends on interfaces.
 */
export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const log = options.logger ?? createLogger({ level: config.LOG_LEVEL });
  const store = options.store ?? createStore({ redisUrl: config.REDIS_URL, prefix: config.REDIS_KEY_PREFIX });
  if (store.kind === 'memory') {
    log.warn(
      {},
      'REDIS_URL is not set: using the in-memory store. Conversations are lost when Hoso stops. Set REDIS_URL to keep them.',
    );
  } else {
    log.info({ store: 'redis' }, 'using Redis');
  }
  const translator = createTranslator();
  const ttlMs = config.SESSION_TTL_SECONDS * 1000;
  const files: BlobStore = new MemoryBlobStore();
  const notifier = new Notifier();
  const jobs = createInProcessJobQueue({ log });

  const services: Services = {
    consent: { log: createConsentLog(store), retentionDays: config.DATA_RETENTION_DAYS },
  };
  const features: Feature[] = [coreFeature, notYetOpenFeature, consentFeature];
  const engine = createDialogueEngine(features, {
    translator,
    understand,
    services,
    log,
    defaultLang: config.DEFAULT_LANG,
  });

  const handle = createConversationHandler({
    engine,
    sessions: createSessionStore(store, {
      prefix: 'sess:',
      schema: SessionSchema,
      version: SESSION_VERSION,
      ttlMs,
      onDiscard: (key, reason) => log.warn({ session: key, reason }, 'session discarded'),
    }),
    dedupe: createUpdateDedupe(store),
    locks: createConversationLocks(store),
    jobs,
    translator,
    log,
    defaultLang: config.DEFAULT_LANG,
  });

  const outbox = new WebchatOutbox(store, ttlMs);
  notifier.register('webchat', outbox);
  const plugins: FastifyPluginAsync[] = [
    webchatRoutes({
      handle,
      sessions: createWebchatSessions(store, { ttlMs }),
      outbox,
      links: createDownloadLinks(store, { baseUrl: config.publicUrl, ttlMs: 15 * 60 * 1000 }),
      files,
    }),
  ];

  let telegram: TelegramChannel | undefined;
  if (config.TELEGRAM_BOT_TOKEN) {
    telegram = createTelegramChannel({
      token: config.TELEGRAM_BOT_TOKEN,
      apiRoot: config.TELEGRAM_API_ROOT,
      handle,
      files,
      translator,
      log,
      throttle: config.TELEGRAM_THROTTLE,
      ...(config.TELEGRAM_WEBHOOK_SECRET ? { webhookSecret: config.TELEGRAM_WEBHOOK_SECRET } : {}),
      ...(options.telegramBotInfo ? { botInfo: options.telegramBotInfo } : {}),
    });
    notifier.register('telegram', telegram.sender);
    plugins.push(telegram.webhookRoutes);
  }

  // --- Rules (issue 3): versions in the store, seeded from the catalog folder, hot reload, admin API.
  const ruleVersions = new RuleVersionStore(store);
  const rules = new RuleRegistry({ versions: ruleVersions, log, pollMs: config.RULES_POLL_SECONDS * 1000 });
  const rulesAdmin = new RulesAdmin({ versions: ruleVersions, onChange: (service) => rules.reload(service) });
  await rulesAdmin.seed(config.RULES_DIR);
  await rules.start();
  plugins.push(
    rulesAdminRoutes({ admin: rulesAdmin, keys: new ApiKeyring(parseApiKeys(config.RULES_API_KEYS)) }),
  );

  const http = await buildHttpServer({ logger: log, store, plugins });

  return {
    config,
    log,
    store,
    translator,
    engine,
    handle,
    notifier,
    jobs,
    files,
    http,
    rules,
    ...(telegram ? { telegram } : {}),
    async close() {
      await telegram?.stop();
      await http.close();
      await rules.close();
      await jobs.close();
      if (!options.store) await store.close();
    },
  };
}
