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
// --- Requests (issue 5) ---
import { BullJobQueue } from './jobs/bull-queue.ts';
import { createDeadLetterList, type DeadLetterList } from './jobs/dead-letters.ts';
import { createInProcessJobQueue } from './jobs/in-process.ts';
import type { JobQueue } from './jobs/types.ts';
// --- end requests imports ---
import { createLogger, type Logger } from './log.ts';
import { VietQrPayments } from './payments/port.ts';
import { devPaymentRoutes, paymentCallbackRoutes } from './payments/routes.ts';
import { HttpAgency } from './ports/agency/http.ts';
import { SimulatedBackOffice } from './ports/agency/simulated.ts';
import type { AgencyPort } from './ports/agency/types.ts';
import { EmbeddedHealthRecords } from './ports/health/embedded.ts';
import { HttpHealthRecords } from './ports/health/http.ts';
import type { HealthRecords } from './ports/health/schema.ts';
import { EmbeddedJudicialRecords } from './ports/judicial/embedded.ts';
import { createConsentLog } from './privacy/consent-log.ts';
import { PlaceholderExtractIssuer } from './requests/extract-issuer.ts';
import { HealthRecordsFulfilment } from './requests/health-fulfilment.ts';
import { registerRequestJobs } from './requests/jobs.ts';
import { plainSealer, RequestRepository } from './requests/repository.ts';
import { RequestService } from './requests/service.ts';
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
  /** Run the job workers in this process (`hoso worker` forces it on); defaults to JOBS_WORKERS. */
  workers?: boolean;
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
  telegram?: TelegramChannel;
  /** Requests: lifecycle, payment, submission (issue 5). */
  requests: RequestService;
  /** Jobs that failed every attempt, for staff. */
  deadLetters: DeadLetterList;
  health: HealthRecords;
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
  // --- Requests (issue 5): the queue, the back offices, payments ---
  const deadLetters = createDeadLetterList(store);
  const jobOptions = { log, attempts: config.JOBS_ATTEMPTS, backoffMs: config.JOBS_BACKOFF_MS, deadLetters };
  // BullMQ opens its own connections from REDIS_URL (workers need maxRetriesPerRequest: null).
  const jobs: JobQueue = config.REDIS_URL
    ? new BullJobQueue({
        ...jobOptions,
        redisUrl: config.REDIS_URL,
        prefix: `${config.REDIS_KEY_PREFIX}bull`,
      })
    : createInProcessJobQueue(jobOptions);
  const health: HealthRecords = config.HEALTH_API_URL
    ? new HttpHealthRecords({
        baseUrl: config.HEALTH_API_URL,
        ...(config.HEALTH_API_TOKEN ? { token: config.HEALTH_API_TOKEN } : {}),
      })
    : new EmbeddedHealthRecords();
  const lltpAgency: AgencyPort = config.AGENCY_API_URL
    ? new HttpAgency({
        baseUrl: config.AGENCY_API_URL,
        timeoutMs: config.AGENCY_TIMEOUT_MS,
        ...(config.AGENCY_API_TOKEN ? { token: config.AGENCY_API_TOKEN } : {}),
      })
    : new SimulatedBackOffice(store, new EmbeddedJudicialRecords(), {
        processingDelayMs: config.AGENCY_SIM_DELAY_SECONDS * 1000,
      });
  // The record sealer becomes the identity module's AES-256-GCM cipher once it lands (issue 4).
  const requests = new RequestService({
    repo: new RequestRepository(store, { sealer: plainSealer }),
    queue: jobs,
    payments: new VietQrPayments({
      bankBin: config.VIETQR_BANK_BIN,
      account: config.VIETQR_ACCOUNT,
      ...(config.VIETQR_ACCOUNT_NAME ? { accountName: config.VIETQR_ACCOUNT_NAME } : {}),
    }),
  });
  registerRequestJobs({
    service: requests,
    queue: jobs,
    agencies: { lltp: lltpAgency, health_record: new HealthRecordsFulfilment(health) },
    // The extracts module's renderer and signer replace the placeholder when it lands.
    issuer: new PlaceholderExtractIssuer(files, store),
    notifier,
    translator,
    log,
    pollMs: config.AGENCY_POLL_SECONDS * 1000,
  });
  // --- end requests setup ---

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
    // --- Requests (issue 5): payment routes ---
    paymentCallbackRoutes({
      service: requests,
      kv: store,
      secret: config.PAYMENT_CALLBACK_SECRET,
      toleranceSeconds: config.PAYMENT_CALLBACK_TOLERANCE_SECONDS,
    }),
    ...(config.production ? [] : [devPaymentRoutes({ service: requests })]),
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

  const http = await buildHttpServer({ logger: log, store, plugins });
  // Workers start last, once every handler and channel sender is registered.
  if (options.workers ?? config.JOBS_WORKERS) await jobs.start?.();

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
    ...(telegram ? { telegram } : {}),
    requests,
    deadLetters,
    health,
    async close() {
      await telegram?.stop();
      await http.close();
      await jobs.close();
      if (!options.store) await store.close();
    },
  };
}
