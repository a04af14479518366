import { join } from 'node:path';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { UserFromGetMe } from 'grammy/types';
import { createTelegramChannel, type TelegramChannel } from './channels/telegram/channel.ts';
import { createDownloadLinks } from './channels/webchat/downloads.ts';
import { WebchatOutbox } from './channels/webchat/outbox.ts';
import { webchatRoutes } from './channels/webchat/routes.ts';
import { createWebchatSessions } from './channels/webchat/sessions.ts';
import { webchatUploadRoutes } from './channels/webchat/uploads.ts';
import { createZaloChannel, type ZaloChannel } from './channels/zalo/channel.ts';
import { zaloStaffRoutes } from './channels/zalo/staff-routes.ts';
import { type Config, ConfigError } from './config.ts';
import {
  type ConversationHandler,
  createConversationHandler,
  sessionKey,
} from './conversation/handle-inbound.ts';
import { Notifier } from './conversation/notifier.ts';
import { createTranscriptLog, type TranscriptLog } from './conversation/transcript-log.ts';
import { type Database, openDatabase } from './db/database.ts';
import { openRecords, type Records } from './db/records.ts';
import type { Feature, Services } from './dialogue/context.ts';
import { createDialogueEngine, type DialogueEngine } from './dialogue/engine.ts';
import { consentFeature } from './dialogue/features/consent.ts';
import { coreFeature, notYetOpenFeature } from './dialogue/features/core.ts';
import { understand } from './dialogue/nlu/understand.ts';
import {
  looksLikeCurrentSession,
  SESSION_MIGRATIONS,
  SESSION_VERSION,
  SessionSchema,
} from './dialogue/session.ts';
import type { ExtractsCliDeps } from './extracts/cli.ts';
import { deriveLinkKey } from './extracts/document-id.ts';
import { ExtractError } from './extracts/errors.ts';
import { SignedExtractIssuer } from './extracts/issuer.ts';
import { keyRoutes } from './extracts/key-routes.ts';
import { publicKeyDocuments } from './extracts/offline.ts';
import { IssuedDocumentRegistry } from './extracts/registry.ts';
import { ExtractRenderer } from './extracts/renderer.ts';
import type { SigningIdentity } from './extracts/signing/identity.ts';
import {
  keySettingsFromConfig,
  resolveSigningIdentity,
  resolveTrustAnchors,
} from './extracts/signing/load.ts';
import { documentStaffRoutes } from './extracts/staff-routes.ts';
import { verifyRoutes } from './extracts/verify-routes.ts';
import { FileIntake } from './files/intake.ts';
import { DEFAULT_ALLOWED_TYPES, LocalBlobStore } from './files/local-blob-store.ts';
import type { BlobStore } from './files/types.ts';
// --- end requests imports ---
import { drainAndClose, InFlight } from './http/drain.ts';
import { Readiness } from './http/readiness.ts';
import { buildHttpServer } from './http/server.ts';
import { createTranslator, type Translator } from './i18n.ts';
import { identityContributor } from './identity/contributor.ts';
import { createIdentityFeature } from './identity/feature.ts';
import { identityHandoffContributor, identityRevealer } from './identity/handoff.ts';
import { IdentityService } from './identity/linking.ts';
import { IdentityLinks } from './identity/links.ts';
import { OIDC_CALLBACK_PATH, OidcLinker } from './identity/oidc.ts';
import { oidcRoutes } from './identity/oidc-routes.ts';
import { OtpService } from './identity/otp.ts';
import { RateLimiter } from './identity/rate-limit.ts';
// --- Requests ---
import { BullJobQueue } from './jobs/bull-queue.ts';
import { createDeadLetterList, type DeadLetterList } from './jobs/dead-letters.ts';
import { createInProcessJobQueue } from './jobs/in-process.ts';
import type { JobQueue } from './jobs/types.ts';
import { createLogger, type Logger } from './log.ts';
import { createMetricsModule, type MetricsModule } from './metrics/index.ts';
import { PaymentLedger } from './payments/ledger.ts';
import { VietQrPayments } from './payments/port.ts';
import { devPaymentRoutes, PAYMENT_CALLBACK_PATH, paymentCallbackRoutes } from './payments/routes.ts';
import { refundStaffRoutes } from './payments/staff-routes.ts';
import { HttpAgency } from './ports/agency/http.ts';
import { SimulatedBackOffice } from './ports/agency/simulated.ts';
import type { AgencyPort } from './ports/agency/types.ts';
import { EmbeddedHealthRecords } from './ports/health/embedded.ts';
import { HttpHealthRecords } from './ports/health/http.ts';
import type { HealthRecords } from './ports/health/schema.ts';
import { EmbeddedJudicialRecords } from './ports/judicial/embedded.ts';
import { EmbeddedPopulationRegistry } from './ports/population/embedded.ts';
import { HttpPopulationRegistry } from './ports/population/http.ts';
import type { PopulationRegistry } from './ports/population/registry.ts';
import { DevOutbox } from './ports/sms/dev-outbox.ts';
import { devOutboxRoutes } from './ports/sms/dev-outbox-routes.ts';
import { HttpSmsSender } from './ports/sms/http.ts';
import { createConsentLog } from './privacy/consent-log.ts';
import { consentContributor } from './privacy/contributors/consents.ts';
import { conversationContributor } from './privacy/contributors/conversations.ts';
import { PersonalDataRegistry } from './privacy/contributors.ts';
import { DataCipher, DEV_KEY_FILE, dataKeyFromBase64, loadOrCreateDataKey } from './privacy/crypto.ts';
import { ERASURE_JOB, ErasureService, erasureJob } from './privacy/erasure.ts';
import { createPrivacyFeature } from './privacy/feature.ts';
import { createRequestFeature } from './requests/flow/feature.ts';
import { requestHandoffContributor } from './requests/flow/handoff.ts';
import { previewSummary } from './requests/flow/summary.ts';
import { HealthRecordsFulfilment } from './requests/health-fulfilment.ts';
import { healthVisitOptions } from './requests/health-options.ts';
import { registerRequestJobs } from './requests/jobs.ts';
import { requestsContributor } from './requests/privacy.ts';
import { RequestRepository } from './requests/repository.ts';
import { RequestService, STATUS_JOB, SUBMIT_JOB } from './requests/service.ts';
import { createRequestSweeper, createRequestWatch, type RequestSweeper } from './requests/watch.ts';
import { rulesAdminRoutes } from './rules/admin-routes.ts';
import { ApiKeyring, parseApiKeys } from './rules/api-keys.ts';
import { rulesConsoleRoutes } from './rules/console/routes.ts';
import { RulesAdmin } from './rules/publish.ts';
import { RuleRegistry } from './rules/registry.ts';
import { RuleVersionStore } from './rules/versions.ts';
import { createConversationLocks } from './store/conversation-lock.ts';
import { createStore } from './store/create-store.ts';
import { MemoryStore } from './store/memory.ts';
import { PostgresRecordStore } from './store/postgres.ts';
import { RedisStore } from './store/redis.ts';
import { createSessionStore } from './store/session-store.ts';
import type { KeyValueStore } from './store/types.ts';
import { createUpdateDedupe } from './store/update-dedupe.ts';
import { createSupportModule, type SupportModule } from './support/module.ts';
import { loadHolidays } from './support/office-hours.ts';
import { slaOf } from './support/sla.ts';

export interface AppOptions {
  logger?: Logger;
  /** Process metrics (CPU, memory) in /metrics; default on. */
  defaultMetrics?: boolean;
  /** Pins Telegram's getMe answer (tests against a fake Bot API). */
  telegramBotInfo?: UserFromGetMe;
  /** Use this store instead of the configured one (tests that share one between two apps). */
  store?: KeyValueStore;
  /** Use these records instead of opening the configured database (tests that share them between two apps). */
  records?: Records;
  /** Run the job workers in this process (`hoso worker` forces it on); defaults to JOBS_WORKERS. */
  workers?: boolean;
  /** Labels on every metric series of this process, such as `{ role: 'worker' }` for `hoso worker`. */
  metricsLabels?: Record<string, string>;
}

export interface App {
  config: Config;
  log: Logger;
  /** What is short-lived: sessions, locks, dedupe, rate limits, pub/sub (Redis, or memory). */
  store: KeyValueStore;
  /** Every record (PostgreSQL, or PGlite under DATA_DIR): what must outlive a crash of anything else. */
  records: KeyValueStore;
  database: Database;
  translator: Translator;
  engine: DialogueEngine;
  handle: ConversationHandler;
  /** What staff read of each conversation, kept with the records. */
  transcripts: TranscriptLog;
  notifier: Notifier;
  jobs: JobQueue;
  files: BlobStore;
  /** Documents citizens send for a request, from any channel. */
  intake: FileIntake;
  http: FastifyInstance;
  /** Rule sets in force, swapped on publication. */
  rules: RuleRegistry;
  telegram?: TelegramChannel;
  zalo?: ZaloChannel;
  /** Identity linking and personal data: modules register their PersonalDataContributor here. */
  identity: {
    service: IdentityService;
    cipher: DataCipher;
    personalData: PersonalDataRegistry;
    erasure: ErasureService;
    /** The embedded SMS gateway, when no SMS_GATEWAY_URL is set. */
    devOutbox?: DevOutbox;
    oidc?: OidcLinker;
  };
  /** Staff handoff: register handoff contributors on `support.registry`; record audited actions on `support.audit`. */
  support: SupportModule;
  /** Requests: lifecycle, payment, submission. */
  requests: RequestService;
  /** Jobs that failed every attempt, for staff. */
  deadLetters: DeadLetterList;
  /** Queues again the requests whose job was lost with Redis (runs every minute with the workers). */
  sweeper: RequestSweeper;
  health: HealthRecords;
  /** Signed extracts: the signing key, the issued-document registry, the issuer. */
  extracts: {
    identity: SigningIdentity;
    registry: IssuedDocumentRegistry;
    issuer: SignedExtractIssuer;
  };
  /** What /readyz checks: `readiness.add(name, check)` for anything a turn needs. */
  readiness: Readiness;
  /** Prometheus metrics: /metrics behind METRICS_TOKEN, or alone on METRICS_PORT. */
  metrics: MetricsModule;
  /** Stops gracefully: not ready, new work refused, work in flight finished (SHUTDOWN_GRACE_SECONDS), closed. */
  close(): Promise<void>;
}

/**
 * The composition root: the only place that picks implementations (store, queue, channels, ports).
 * Everything else depends on interfaces.
 */
export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const log = options.logger ?? createLogger({ level: config.LOG_LEVEL });
  // Made first so that every part reports to it from its first moment; what scrapes read is given below.
  const metrics = createMetricsModule({
    token: config.METRICS_TOKEN,
    defaultMetrics: options.defaultMetrics ?? true,
    // Payment refusals are read from their coded answers; Telegram and Zalo report their own (onRefused).
    webhooks: { payments: PAYMENT_CALLBACK_PATH },
    ...(options.metricsLabels ? { labels: options.metricsLabels } : {}),
  });
  // --- Signed extracts: one signing key per process, loaded once; the dev key is made on first run.
  // First of all, so that a refused key stops start-up before any connection is opened.
  const keySettings = keySettingsFromConfig(config);
  const signingIdentity = await resolveSigningIdentity(keySettings, {
    createIfMissing: !config.production,
    onCreate: (dir) => log.warn({ dir }, 'no signing key configured: created a development CA and signer'),
  });
  if (signingIdentity.isDevelopment) {
    if (config.production) {
      throw new ConfigError([
        'SIGNING_P12_PATH: the PKCS#12 holds a development certificate (hoso keys init); production refuses it',
      ]);
    }
    log.warn(
      { dir: keySettings.pkcs12 ? keySettings.pkcs12.path : keySettings.keysDir },
      'extracts are signed with a DEVELOPMENT key: every page says it is a test copy. NOT FOR PRODUCTION: set SIGNING_P12_PATH.',
    );
  }
  const store =
    options.store ??
    createStore({
      redisUrl: config.REDIS_URL,
      prefix: config.REDIS_KEY_PREFIX,
      onError: (err) => log.warn({ err: err.message }, 'Redis connection problem; reconnecting'),
    });
  if (store instanceof RedisStore) {
    // Records are safe in PostgreSQL whatever Redis does; this is about conversations and queued jobs.
    void store.riskySettings().then((risks) => {
      for (const risk of risks)
        log.warn(
          { risk },
          'Redis settings: set appendonly yes and maxmemory-policy noeviction in production',
        );
    });
  }
  if (store.kind === 'memory') {
    log.warn(
      {},
      'REDIS_URL is not set: using the in-memory store. Conversations are lost when Hoso stops. Set REDIS_URL to keep them.',
    );
  } else {
    log.info({ store: 'redis' }, 'using Redis');
  }
  const records =
    options.records ??
    (await openRecords({
      url: config.DATABASE_URL,
      dataDir: config.DATA_DIR,
      poolSize: config.DATABASE_POOL_SIZE,
      bus: store,
      log,
    }));
  if (records.database.kind === 'pglite') {
    log.info(
      { records: records.database.location },
      'DATABASE_URL is not set: records are kept in the embedded PostgreSQL (PGlite) in this folder; they survive restarts',
    );
  } else {
    log.info({ records: records.database.location }, 'records in PostgreSQL');
  }
  const translator = createTranslator();
  const ttlMs = config.SESSION_TTL_SECONDS * 1000;
  // Personal data at rest (records, files, ID numbers) is sealed with one AES-256-GCM data key.
  const DAY_MS = 24 * 60 * 60 * 1000;
  const dataKey = await loadOrCreateDataKey(config.DATA_DIR, {
    production: config.production,
    ...(config.HOSO_DATA_KEY ? { configured: config.HOSO_DATA_KEY } : {}),
  });
  const previousKeys = (config.HOSO_DATA_KEY_PREVIOUS ?? '')
    .split(',')
    .filter((k) => k.trim() !== '')
    .map((k) => dataKeyFromBase64(k));
  const cipher = new DataCipher(dataKey, previousKeys);
  if (dataKey.dev) {
    log.warn(
      { file: join(config.DATA_DIR, DEV_KEY_FILE) },
      'HOSO_DATA_KEY is not set: personal data is encrypted with a DEVELOPMENT key generated on first run. NOT FOR PRODUCTION: set HOSO_DATA_KEY.',
    );
  }
  const files: BlobStore = new LocalBlobStore({
    dir: join(config.DATA_DIR, 'files'),
    cipher: {
      encrypt: (bytes, ad) => Buffer.from(cipher.encrypt(bytes, ad)),
      decrypt: (bytes, ad) => cipher.decrypt(Buffer.from(bytes).toString(), ad),
    },
    // Data exports are JSON; what citizens may upload is checked by the upload flow itself.
    allowedTypes: [...DEFAULT_ALLOWED_TYPES, 'application/json'],
    // In the records database, so that every process on every host serves every file.
    shelf: records.files,
  });
  const notifier = new Notifier();
  // Public holidays (data, not code) count working days for expected dates, as for staff office hours.
  const holidays = new Set(loadHolidays(config.STAFF_HOLIDAYS_FILE).map((h) => h.date));
  // --- Requests: the queue, the back offices, payments ---
  const deadLetters = createDeadLetterList(records.store);
  const jobOptions = {
    log,
    attempts: config.JOBS_ATTEMPTS,
    backoffMs: config.JOBS_BACKOFF_MS,
    deadLetters,
    onRetry: (job: string) => metrics.countRetry(job),
  };
  // BullMQ opens its own connections from REDIS_URL (workers need maxRetriesPerRequest: null).
  const jobs: JobQueue = config.REDIS_URL
    ? new BullJobQueue({
        ...jobOptions,
        redisUrl: config.REDIS_URL,
        prefix: `${config.REDIS_KEY_PREFIX}bull`,
        lockDurationMs: config.JOBS_LOCK_MS,
        stalledIntervalMs: config.JOBS_LOCK_MS,
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
    : new SimulatedBackOffice(records.store, new EmbeddedJudicialRecords(), {
        processingDelayMs: config.AGENCY_SIM_DELAY_SECONDS * 1000,
        holidays,
      });
  const linkKey = config.VERIFY_LINK_SECRET
    ? Buffer.from(config.VERIFY_LINK_SECRET, 'utf8')
    : deriveLinkKey(signingIdentity.privateKey);
  const documentRegistry = new IssuedDocumentRegistry(records.store);
  const issuer = new SignedExtractIssuer({
    kv: records.store,
    files,
    registry: documentRegistry,
    renderer: new ExtractRenderer({ identity: signingIdentity, publicUrl: config.publicUrl, linkKey }),
    onSigned: (service, seconds) => metrics.observeSigning(service, seconds),
  });
  // --- end extracts setup ---
  // Every payment the gateway reports, overpayments included: money received is a record.
  const paymentLedger = new PaymentLedger(records.store);
  const requestWatch = createRequestWatch(records.store);
  const requests = new RequestService({
    watch: requestWatch,
    graceMs: config.REQUESTS_SWEEP_GRACE_SECONDS * 1000,
    repo: new RequestRepository(records.store, {
      sealer: {
        seal: (p, context) => cipher.encrypt(p, context),
        open: (e, context) => cipher.decryptString(e, context),
      },
    }),
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
    issuer,
    files,
    notifier,
    translator,
    log,
    pollMs: config.AGENCY_POLL_SECONDS * 1000,
    watch: requestWatch,
    graceMs: config.REQUESTS_SWEEP_GRACE_SECONDS * 1000,
  });
  const sweeper = createRequestSweeper({
    watch: requestWatch,
    repo: requests.repo,
    queue: jobs,
    lease: store,
    log,
    graceMs: config.REQUESTS_SWEEP_GRACE_SECONDS * 1000,
    notify: (record) => requests.notify(record, record.state),
  });
  // --- end requests setup ---

  const population: PopulationRegistry = config.POPULATION_REGISTRY_URL
    ? new HttpPopulationRegistry({
        baseUrl: config.POPULATION_REGISTRY_URL,
        ...(config.POPULATION_REGISTRY_TOKEN ? { token: config.POPULATION_REGISTRY_TOKEN } : {}),
      })
    : new EmbeddedPopulationRegistry();
  const devOutbox = config.SMS_GATEWAY_URL ? undefined : new DevOutbox({ logger: log });
  const sms =
    devOutbox ??
    new HttpSmsSender({
      baseUrl: config.SMS_GATEWAY_URL!,
      ...(config.SMS_GATEWAY_TOKEN ? { token: config.SMS_GATEWAY_TOKEN } : {}),
      ...(config.SMS_SENDER_NAME ? { sender: config.SMS_SENDER_NAME } : {}),
    });
  const keyedHash = (value: string) => cipher.keyedHash(value);
  const identityService = new IdentityService({
    links: new IdentityLinks(records.store, cipher, { retentionMs: config.DATA_RETENTION_DAYS * DAY_MS }),
    registry: population,
    sms,
    otp: new OtpService({ store, hash: keyedHash }),
    limiter: new RateLimiter({ store, hash: keyedHash }),
    lookupLimits: {
      perChatAccount: { limit: config.IDENTITY_LOOKUPS_PER_ACCOUNT_PER_HOUR, windowMs: 60 * 60_000 },
      perCitizenId: { limit: config.IDENTITY_LOOKUPS_PER_ID_PER_HOUR, windowMs: 60 * 60_000 },
    },
  });
  const oidc =
    config.OIDC_ISSUER_URL && config.OIDC_CLIENT_ID
      ? new OidcLinker(
          {
            issuer: config.OIDC_ISSUER_URL,
            clientId: config.OIDC_CLIENT_ID,
            ...(config.OIDC_CLIENT_SECRET ? { clientSecret: config.OIDC_CLIENT_SECRET } : {}),
            redirectUri: `${config.publicUrl}${OIDC_CALLBACK_PATH}`,
            publicUrl: config.publicUrl,
            scope: config.OIDC_SCOPE,
            idClaim: config.OIDC_ID_CLAIM,
            levelClaim: config.OIDC_LEVEL_CLAIM,
            providerName: config.OIDC_PROVIDER_NAME,
            allowInsecure: !config.production && config.OIDC_ISSUER_URL.startsWith('http:'),
            linkTtlMs: 10 * 60_000,
          },
          store,
        )
      : undefined;
  const identity = createIdentityFeature({
    service: identityService,
    cipher,
    ...(oidc ? { oidc } : {}),
    freshLinkMaxAgeMs: config.IDENTITY_FRESH_LINK_MINUTES * 60_000,
  });
  const personalData = new PersonalDataRegistry();
  const erasure = new ErasureService({
    kv: records.store,
    registry: personalData,
    translator,
    notify: (address, messages) => notifier.send(address, messages),
    log,
    settings: {
      completeWithinMs: config.PRIVACY_COMPLETE_WITHIN_DAYS * DAY_MS,
      receiptRetentionMs: config.PRIVACY_KEEP_ERASURE_RECEIPTS_DAYS * DAY_MS,
    },
  });
  const privacyFeature = createPrivacyFeature({
    registry: personalData,
    erasure,
    files,
    subjectOf: (address) => identityService.subjectOf(address),
    unlink: (address) => identityService.links.unlink(address),
    completeWithinDays: config.PRIVACY_COMPLETE_WITHIN_DAYS,
  });
  const consentLog = createConsentLog(records.store);

  // --- Rules: versions in the store, seeded from the catalog folder, hot reload, admin API.
  const ruleVersions = new RuleVersionStore(records.store);
  const rules = new RuleRegistry({ versions: ruleVersions, log, pollMs: config.RULES_POLL_SECONDS * 1000 });
  const rulesAdmin = new RulesAdmin({
    versions: ruleVersions,
    onChange: (service) => rules.reload(service),
    log,
  });
  await rulesAdmin.seed(config.RULES_DIR);
  await rules.start();
  // Publications an approver set for a date and time: every process looks, one carries each out.
  const stopRulesSchedule = rulesAdmin.startScheduler(5_000);

  const services: Services = {
    consent: { log: consentLog, retentionDays: config.DATA_RETENTION_DAYS },
    identity: identity.api,
  };
  // --- Requests in the conversation: catalog-driven questions, decision, documents, payment, status.
  // A request being put together is sealed in the session like every record (dates of birth, consents).
  const draftSealer = {
    seal: (p: string, context: string) => cipher.encrypt(p, context),
    open: (e: string, context: string) => cipher.decryptString(e, context),
  };
  const intake = new FileIntake(files, { maxBytes: config.UPLOAD_MAX_MB * 1024 * 1024 });
  // The web chat's upload route and the terminal's /tep store files themselves before the turn.
  intake.registerPrestored('webchat');
  intake.registerPrestored('terminal');
  const requestFeature = createRequestFeature({
    rules,
    requests,
    sealer: draftSealer,
    files,
    intake,
    optionSources: { 'health.visits': healthVisitOptions(health) },
    holidays,
    devPayments: !config.production,
  });
  const features: Feature[] = [
    coreFeature,
    notYetOpenFeature,
    consentFeature,
    identity.feature,
    privacyFeature,
    requestFeature,
  ];

  // Support staff: the gate goes first (it must see "hủy" before the core), escalation last (it replaces
  // the core's "not open yet" answer to talk_to_staff).
  const support = createSupportModule({
    store,
    records: records.store,
    sender: notifier,
    translator,
    log,
    config,
    deadLetters: {
      letters: deadLetters,
      requestJobs: [SUBMIT_JOB, STATUS_JOB],
      retryRequest: (code, by) => requests.retry(code, by),
    },
  });
  services.support = support.services;
  features.unshift(support.gateFeature);
  features.push(support.feature);
  // The transcript kept for staff lives with the records, not in the session, and as long as the session.
  const transcripts = createTranscriptLog(records.store, {
    ttlMs,
    conversationOf: sessionKey,
    earlier: store,
    onError: (err) => log.warn({ err: err.message }, 'transcript lines not written yet: will try again'),
  });
  const engine = createDialogueEngine(features, {
    translator,
    understand,
    services,
    log,
    defaultLang: config.DEFAULT_LANG,
    transcripts,
  });

  const conversationSessions = createSessionStore(store, {
    prefix: 'sess:',
    schema: SessionSchema,
    version: SESSION_VERSION,
    migrations: SESSION_MIGRATIONS,
    looksCurrent: looksLikeCurrentSession,
    ttlMs,
    onDiscard: (key, reason) => log.warn({ session: key, reason }, 'session discarded'),
  });
  const updateDedupe = createUpdateDedupe();
  const turnHandler = createConversationHandler({
    engine,
    sessions: conversationSessions,
    transcripts,
    dedupe: updateDedupe,
    locks: createConversationLocks(store),
    jobs,
    translator,
    log,
    defaultLang: config.DEFAULT_LANG,
    failureButtons: support.turnFailedButtons,
    // A fixed one-minute window per conversation, counted in its session (saved under its lock).
    messagesPerMinute: config.CONVERSATION_MESSAGES_PER_MINUTE,
  });
  // Every turn is timed for the metrics; a failed one (answered with an apology, or not delivered) counts its code.
  const handle: typeof turnHandler = async (raw, handleOptions) => {
    const started = performance.now();
    const channel = (raw as { channel?: unknown } | undefined)?.channel;
    let failed: string | undefined = 'HOSO_ERR_INTERNAL';
    try {
      const result = await turnHandler(raw, handleOptions);
      failed = result.failed;
      return result;
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'string') failed = code;
      throw err;
    } finally {
      metrics.observeTurn(
        typeof channel === 'string' ? channel : 'unknown',
        (performance.now() - started) / 1000,
        failed !== undefined,
      );
      if (failed) metrics.countError(failed);
    }
  };

  const outbox = new WebchatOutbox(store, ttlMs);
  const webchatSessions = createWebchatSessions(store, { ttlMs });
  const downloadLinks = createDownloadLinks(records.store, {
    baseUrl: config.publicUrl,
    ttlMs: 15 * 60 * 1000,
  });
  notifier.register('webchat', outbox);
  const plugins: FastifyPluginAsync[] = [
    webchatRoutes({
      handle,
      sessions: webchatSessions,
      outbox,
      links: downloadLinks,
      files,
      translator,
      sessionLang: async (id) => (await conversationSessions.load(sessionKey('webchat', id)))?.lang,
    }),
    webchatUploadRoutes({
      handle,
      sessions: webchatSessions,
      links: downloadLinks,
      intake,
      sessionLang: async (id) => (await conversationSessions.load(sessionKey('webchat', id)))?.lang,
    }),
    // --- Requests: payment routes ---
    paymentCallbackRoutes({
      service: requests,
      kv: records.store,
      ledger: paymentLedger,
      secret: config.PAYMENT_CALLBACK_SECRET,
      toleranceSeconds: config.PAYMENT_CALLBACK_TOLERANCE_SECONDS,
    }),
    ...(config.production ? [] : [devPaymentRoutes({ service: requests })]),
  ];

  plugins.push(support.routes);
  // --- Payments: overpayments owed back, listed for supervisors ---
  support.addStaffRoutes(refundStaffRoutes({ ledger: paymentLedger }));
  // --- Signed extracts: /verify, the published key, revocation in the staff console ---
  support.addStaffRoutes(
    documentStaffRoutes({ registry: documentRegistry, audit: support.audit, translator }),
  );
  plugins.push(
    verifyRoutes({
      registry: documentRegistry,
      trustAnchors: await resolveTrustAnchors(keySettings),
      linkKey,
      translator,
      maxUploadBytes: config.VERIFY_UPLOAD_MAX_KB * 1024,
    }),
    keyRoutes(publicKeyDocuments(signingIdentity)),
  );

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
      // Config refuses a webhook URL without its secret; without a URL there is no webhook route at all.
      ...(config.TELEGRAM_WEBHOOK_URL && config.TELEGRAM_WEBHOOK_SECRET
        ? { webhook: { url: config.TELEGRAM_WEBHOOK_URL, secret: config.TELEGRAM_WEBHOOK_SECRET } }
        : {}),
      ...(options.telegramBotInfo ? { botInfo: options.telegramBotInfo } : {}),
      onRefused: (reason) => metrics.countWebhookRefusal('telegram', reason),
    });
    notifier.register('telegram', telegram.sender);
    intake.registerFetcher('telegram', (fileId) => telegram!.fetchFile(fileId));
    if (telegram.webhookRoutes) plugins.push(telegram.webhookRoutes);
  }

  // --- Zalo Official Account: signed webhook in, OA Open API out; no call to Zalo at start-up ---
  let zalo: ZaloChannel | undefined;
  if (
    config.ZALO_APP_ID &&
    config.ZALO_APP_SECRET &&
    config.ZALO_OA_SECRET_KEY &&
    config.ZALO_REFRESH_TOKEN
  ) {
    zalo = createZaloChannel({
      appId: config.ZALO_APP_ID,
      appSecret: config.ZALO_APP_SECRET,
      oaSecretKey: config.ZALO_OA_SECRET_KEY,
      refreshToken: config.ZALO_REFRESH_TOKEN,
      apiRoot: config.ZALO_API_ROOT,
      oauthRoot: config.ZALO_OAUTH_ROOT,
      znsRoot: config.ZALO_ZNS_API_ROOT,
      ...(config.ZALO_ZNS_TEMPLATE_ID ? { znsTemplateId: config.ZALO_ZNS_TEMPLATE_ID } : {}),
      windowMs: config.ZALO_WINDOW_HOURS * 60 * 60 * 1000,
      toleranceMs: config.ZALO_WEBHOOK_TOLERANCE_SECONDS * 1000,
      handle,
      jobs,
      files,
      translator,
      log,
      records: records.store,
      store,
      seal: (p, context) => cipher.encrypt(p, context),
      open: (e, context) => cipher.decryptString(e, context),
      onRefused: (reason) => metrics.countWebhookRefusal('zalo', reason),
    });
    await zalo.start();
    notifier.register('zalo', zalo.sender);
    intake.registerFetcher('zalo', (ref) => zalo!.fetchFile(ref));
    plugins.push(zalo.webhookRoutes);
    support.addStaffRoutes(
      zaloStaffRoutes({
        tickets: support.tickets,
        window: zalo.window,
        windowHours: config.ZALO_WINDOW_HOURS,
      }),
    );
    // Exported here; erased with the conversation (channelErasers below).
    personalData.register({
      name: 'zalo',
      async export(subject) {
        const out = [];
        for (const a of subject.accounts.filter((x) => x.channel === 'zalo')) {
          const held = await zalo!.exportFollower(a.userId);
          if (held) out.push(held);
        }
        return out.length > 0 ? out : null;
      },
      erase: async () => ({ erased: [], kept: [] }),
    });
    log.info({ path: '/zalo/webhook' }, 'zalo channel on');
  } else {
    log.info(
      {},
      'zalo channel off: ZALO_APP_ID, ZALO_APP_SECRET, ZALO_OA_SECRET_KEY and ZALO_REFRESH_TOKEN are not set',
    );
  }

  // --- Identity and personal data ---
  personalData.register(identityContributor(identityService.links));
  personalData.register(
    consentContributor(consentLog, { retainMs: config.PRIVACY_KEEP_CONSENT_RECORDS_DAYS * DAY_MS }),
  );
  personalData.register(
    conversationContributor({
      // The handler's session store: same prefix, schema and version.
      sessions: createSessionStore(store, {
        prefix: 'sess:',
        schema: SessionSchema,
        version: SESSION_VERSION,
        migrations: SESSION_MIGRATIONS,
        looksCurrent: looksLikeCurrentSession,
        ttlMs,
      }),
      transcripts,
      forget: async (conversation) => {
        await transcripts.erase(conversation);
        await store.del(updateDedupe.answerKey(conversation));
      },
      sessionKey,
      locks: createConversationLocks(store),
      channelErasers: {
        webchat: (sessionId) => outbox.erase(sessionId),
        ...(zalo ? { zalo: (userId: string) => zalo!.eraseFollower(userId) } : {}),
      },
    }),
  );
  personalData.register(support.personalData);
  support.registry.register('identity', identityHandoffContributor(identityService));
  support.registry.register(
    'requests',
    requestHandoffContributor({
      rules,
      requests,
      sealer: draftSealer,
      translator,
      citizenKeyOf: (address) => identityService.links.citizenKeyFor(address),
    }),
  );
  personalData.register(
    requestsContributor(requests, files, records.store, {
      paymentRecordRetainMs: config.PRIVACY_KEEP_PAYMENT_RECORDS_DAYS * DAY_MS,
    }),
  );
  support.registry.setRevealer(identityRevealer(identityService));
  jobs.handle(ERASURE_JOB, erasure.handler());
  // Erasures a stopped process left unfinished are queued again.
  for (const requestId of await erasure.pending()) await jobs.enqueue(erasureJob(requestId));
  if (oidc) {
    plugins.push(
      oidcRoutes({
        oidc,
        service: identityService,
        handle,
        notifier,
        translator,
        log,
        secureCookies: config.publicUrl.startsWith('https:'),
      }),
    );
  }
  if (devOutbox && !config.production) plugins.push(devOutboxRoutes(devOutbox));
  plugins.push(
    rulesAdminRoutes({ admin: rulesAdmin, keys: new ApiKeyring(parseApiKeys(config.RULES_API_KEYS)) }),
    rulesConsoleRoutes({
      admin: rulesAdmin,
      records: records.store,
      store,
      secureCookies: config.publicUrl.startsWith('https:'),
      translator,
      holidays,
      citizenSummary: ({ service, decision, facts, lang }) =>
        previewSummary({ service, decision, facts, holidays, t: translator.t(lang), lang }),
      loginLimits: {
        perIp: config.STAFF_LOGIN_LIMIT_PER_IP,
        perUser: config.STAFF_LOGIN_LIMIT_PER_USER,
        windowMs: 15 * 60_000,
      },
    }),
  );

  // --- Operations: /readyz checks everything a turn needs; a shutdown drains work in flight first ---
  const readiness = new Readiness();
  const inFlight = new InFlight();
  readiness.add('store', async () => ({ ok: await store.ping(), kind: store.kind }));
  readiness.add('records', async () => ({ ok: await records.store.ping(), kind: records.store.kind }));
  readiness.add('queue', async () => {
    // The Redis queue answers on its own connection; the in-process runner is up while the process is.
    if (jobs instanceof BullJobQueue) await jobs.counts();
    return { ok: true, kind: jobs instanceof BullJobQueue ? 'redis' : 'in-process' };
  });
  readiness.add('rules', async () => {
    const loaded = rules.services().length;
    return { ok: loaded > 0, services: loaded };
  });
  metrics.provide({
    queueDepth: async (): Promise<Record<string, Record<string, number>>> =>
      jobs.counts ? { jobs: await jobs.counts() } : {},
    deadLetters: async () => {
      const byJob: Record<string, number> = {};
      for (const letter of await deadLetters.list(1000)) byJob[letter.name] = (byJob[letter.name] ?? 0) + 1;
      return byJob;
    },
    ruleSets: () => rules.services().map((s) => ({ service: s.id, version: s.ruleSet.version })),
    ticketsWaiting: async () => {
      const now = new Date();
      const waiting = await support.tickets.list('unassigned', '');
      const oldest = Math.min(now.getTime(), ...waiting.map((t) => Date.parse(t.openedAt)));
      return {
        count: waiting.length,
        oldestSeconds: (now.getTime() - oldest) / 1000,
        breached: waiting.filter(
          (t) => slaOf(t, now, config.STAFF_FIRST_RESPONSE_MINUTES, support.hours).state === 'breached',
        ).length,
      };
    },
  });
  plugins.unshift(metrics.errorHook, metrics.routes);
  const metricsServer = config.METRICS_PORT
    ? await metrics.listen(config.METRICS_PORT, config.METRICS_HOST)
    : undefined;
  // --- end operations setup ---

  const http = await buildHttpServer({
    logger: log,
    readiness,
    inFlight,
    plugins,
    translator,
    defaultLang: config.DEFAULT_LANG,
    trustProxy: config.TRUST_PROXY,
  });
  // Workers start last, once every handler and channel sender is registered.
  const workers = options.workers ?? config.JOBS_WORKERS;
  if (workers) await jobs.start?.();
  // Requests whose queued job was lost (a process died before queueing it, Redis restarted without its data)
  // are queued again from the records: once at start and then every REQUESTS_SWEEP_SECONDS.
  const sweep = () =>
    sweeper
      .sweep()
      .catch((err) => log.warn({ err: (err as Error).message }, 'request sweep failed; will try again'));
  const sweepTimer = workers ? setInterval(sweep, config.REQUESTS_SWEEP_SECONDS * 1000).unref() : undefined;
  if (workers) void sweep();

  return {
    config,
    log,
    store,
    records: records.store,
    database: records.database,
    translator,
    engine,
    handle,
    transcripts,
    notifier,
    jobs,
    files,
    intake,
    http,
    rules,
    ...(telegram ? { telegram } : {}),
    ...(zalo ? { zalo } : {}),
    identity: {
      service: identityService,
      cipher,
      personalData,
      erasure,
      ...(devOutbox ? { devOutbox } : {}),
      ...(oidc ? { oidc } : {}),
    },
    support,
    requests,
    deadLetters,
    health,
    extracts: { identity: signingIdentity, registry: documentRegistry, issuer },
    sweeper,
    readiness,
    metrics,
    async close() {
      clearInterval(sweepTimer);
      readiness.beginShutdown();
      await telegram?.stop();
      await drainAndClose(http, inFlight, config.SHUTDOWN_GRACE_SECONDS * 1000);
      stopRulesSchedule();
      await metricsServer?.close();
      await rules.close();
      await jobs.close();
      await transcripts.close();
      if (!options.records) await records.close();
      if (!options.store) await store.close();
    },
  };
}

/**
 * What `hoso keys | verify | extract` run on: the configured keys and link key, and — for verify, when
 * DATABASE_URL names the server's database — the issued-document registry. The embedded database is not
 * opened: one process at a time may hold it, and that is the server. Close it when the command is done.
 */
export function createExtractsCliDeps(
  config: Config,
  options: { registry?: boolean } = {},
): ExtractsCliDeps & { close(): Promise<void> } {
  let database: Promise<Database> | undefined;
  const registry = async () => {
    database ??= openDatabase({ url: config.DATABASE_URL, poolSize: 1 });
    return new IssuedDocumentRegistry(
      new PostgresRecordStore((await database).db, { bus: new MemoryStore() }),
    );
  };
  return {
    keys: keySettingsFromConfig(config),
    publicUrl: config.publicUrl,
    ...(config.VERIFY_LINK_SECRET ? { linkKey: Buffer.from(config.VERIFY_LINK_SECRET, 'utf8') } : {}),
    ...(options.registry && config.DATABASE_URL
      ? {
          registryLookup: async (documentId: string) => {
            try {
              return await (await registry()).lookup(documentId);
            } catch (cause) {
              throw new ExtractError(
                'HOSO_ERR_REGISTRY_UNAVAILABLE',
                `the issued-document registry (DATABASE_URL) did not answer: ${(cause as Error).message}`,
                { cause },
              );
            }
          },
        }
      : {}),
    async close() {
      if (database) await (await database).close();
    },
  };
}
