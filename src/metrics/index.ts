import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** What the metrics read when Prometheus scrapes: each returns the figure at that moment. */
export interface MetricsSources {
  /** Jobs per queue and state (waiting, delayed, active…). */
  queueDepth?: () => Promise<Record<string, Record<string, number>>>;
  /** Jobs that failed every attempt, per job name (the queue they belong to). */
  deadLetters?: () => Promise<Record<string, number>>;
  /** The rule set in force per service. */
  ruleSets?: () => { service: string; version: string }[];
  /** Tickets waiting for a person: how many, the oldest's wait, and how many are past their response target. */
  ticketsWaiting?: () => Promise<{ count: number; oldestSeconds: number; breached: number }>;
}

export interface MetricsOptions {
  /** Bearer token /metrics requires; without one the route is not on the public server (see `listen`). */
  token?: string | undefined;
  sources?: MetricsSources;
  /** `process` metrics (CPU, memory, event loop lag) too; off in tests that build many registries. */
  defaultMetrics?: boolean;
  /**
   * Webhook routes by name (path prefix) whose refusals are read from their coded error answers (payments:
   * `HOSO_ERR_PAYMENT_SIGNATURE` counts as reason `signature`). Channels whose refusal has no code of its own
   * (Telegram's secret, Zalo's signature) report through `countWebhookRefusal` instead.
   */
  webhooks?: Record<string, string>;
  /** Labels on every series, such as `{ role: 'worker' }`. */
  labels?: Record<string, string>;
}

export interface MetricsModule {
  registry: Registry;
  /**
   * What scrapes read, given once the parts exist: the module is made first, so that every part can report
   * to it from its first moment, and the queue, rules and tickets it reads are made later.
   */
  provide(sources: MetricsSources): void;
  /** A finished turn on a channel, its duration and whether it failed. */
  observeTurn(channel: string, seconds: number, failed: boolean): void;
  /** An error answered to a client, by its code. */
  countError(code: string): void;
  /** A retry scheduled for a failed job. */
  countRetry(job: string): void;
  /** An extract signed and how long signing took. */
  observeSigning(service: string, seconds: number): void;
  /** A webhook (payments, Telegram, Zalo) refused, and why: a short name such as `signature` or `secret_token`. */
  countWebhookRefusal(webhook: string, reason: string): void;
  /** `/metrics` on the main server, behind the bearer token (registered only when a token is set). */
  routes: FastifyPluginAsync;
  /** Counts every coded error response; registered at the root so it sees every route. */
  errorHook: FastifyPluginAsync;
  /** `/metrics` alone on an internal address (METRICS_PORT): for `hoso worker` and for deployments without a token. */
  listen(port: number, host: string): Promise<FastifyInstance>;
}

/** Prometheus metrics of the whole service: turns, errors, queues, rules, support tickets, signing, webhooks. */
export function createMetricsModule(options: MetricsOptions = {}): MetricsModule {
  const registry = new Registry();
  if (options.labels) registry.setDefaultLabels(options.labels);
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'hoso_' });
  let sources: MetricsSources = options.sources ?? {};
  const registers = [registry];

  const turnSeconds = new Histogram({
    name: 'hoso_turn_duration_seconds',
    help: 'Time to answer one citizen turn, by channel',
    labelNames: ['channel'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers,
  });
  const turns = new Counter({
    name: 'hoso_turns_total',
    help: 'Citizen turns handled, by channel and outcome (ok, failed)',
    labelNames: ['channel', 'outcome'],
    registers,
  });
  const errors = new Counter({
    name: 'hoso_errors_total',
    help: 'Errors answered to clients, by HOSO_ERR_ code',
    labelNames: ['code'],
    registers,
  });
  const retries = new Counter({
    name: 'hoso_jobs_retried_total',
    help: 'Job attempts that failed and were scheduled again, by job',
    labelNames: ['job'],
    registers,
  });
  const signing = new Histogram({
    name: 'hoso_extract_signing_seconds',
    help: 'Time to render and sign one extract, by service',
    labelNames: ['service'],
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers,
  });
  const signed = new Counter({
    name: 'hoso_extracts_signed_total',
    help: 'Extracts signed, by service',
    labelNames: ['service'],
    registers,
  });
  const refusals = new Counter({
    name: 'hoso_webhook_refusals_total',
    help: 'Webhook calls refused, by webhook and reason (signature, stale, secret_token…)',
    labelNames: ['webhook', 'reason'],
    registers,
  });

  new Gauge({
    name: 'hoso_queue_jobs',
    help: 'Jobs in a queue, by queue and state',
    labelNames: ['queue', 'state'],
    registers,
    async collect() {
      this.reset();
      const depth = (await sources.queueDepth?.()) ?? {};
      for (const [queue, states] of Object.entries(depth)) {
        for (const [state, n] of Object.entries(states)) this.set({ queue, state }, n);
      }
    },
  });
  new Gauge({
    name: 'hoso_dead_letters',
    help: 'Jobs that failed every attempt and wait for staff, by job',
    labelNames: ['job'],
    registers,
    async collect() {
      this.reset();
      for (const [job, n] of Object.entries((await sources.deadLetters?.()) ?? {})) this.set({ job }, n);
    },
  });
  new Gauge({
    name: 'hoso_rule_set_info',
    help: 'The rule set in force per service (value 1; the version is a label)',
    labelNames: ['service', 'version'],
    registers,
    collect() {
      this.reset();
      for (const { service, version } of sources.ruleSets?.() ?? []) this.set({ service, version }, 1);
    },
  });
  // One read of the tickets per scrape, shared by the three gauges below (each collects before it is written).
  type TicketFigures = { count: number; oldestSeconds: number; breached: number } | undefined;
  let ticketsRead: Promise<TicketFigures> | undefined;
  const tickets = (): Promise<TicketFigures> => {
    ticketsRead ??= Promise.resolve(sources.ticketsWaiting?.()).finally(() => {
      ticketsRead = undefined;
    });
    return ticketsRead;
  };
  new Gauge({
    name: 'hoso_tickets_waiting',
    help: 'Support tickets waiting for a person',
    registers,
    async collect() {
      this.set((await tickets())?.count ?? 0);
    },
  });
  new Gauge({
    name: 'hoso_tickets_oldest_wait_seconds',
    help: 'How long the oldest waiting support ticket has waited',
    registers,
    async collect() {
      this.set((await tickets())?.oldestSeconds ?? 0);
    },
  });
  new Gauge({
    name: 'hoso_sla_breaches',
    help: 'Waiting support tickets past their first-response target',
    registers,
    async collect() {
      this.set((await tickets())?.breached ?? 0);
    },
  });

  const token = options.token ? Buffer.from(options.token) : undefined;
  const authorized = (header: string | undefined) => {
    const given = Buffer.from(header?.startsWith('Bearer ') ? header.slice(7) : '');
    return token !== undefined && given.length === token.length && timingSafeEqual(given, token);
  };
  const scrape = async () => ({ type: registry.contentType, body: await registry.metrics() });

  const routes: FastifyPluginAsync = async (app) => {
    if (!token) return;
    app.get('/metrics', async (request, reply) => {
      if (!authorized(request.headers.authorization)) {
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer')
          .send({
            error: { code: 'HOSO_ERR_METRICS_UNAUTHORIZED', message: 'A valid bearer token is required' },
          });
      }
      const { type, body } = await scrape();
      return reply.type(type).send(body);
    });
  };

  const errorHook: FastifyPluginAsync = async (app) => {
    app.addHook('onSend', async (request, reply, payload) => {
      if (reply.statusCode < 400) return payload;
      const code =
        typeof payload === 'string' ? /"code":"(HOSO_ERR_[A-Z0-9_]+)"/.exec(payload)?.[1] : undefined;
      if (code) errors.inc({ code });
      for (const [webhook, path] of Object.entries(options.webhooks ?? {})) {
        if (request.url.startsWith(path))
          refusals.inc({ webhook, reason: refusalReason(code, reply.statusCode) });
      }
      return payload;
    });
  };
  // At the root, not inside an encapsulated plugin, so the hook sees every route (what fastify-plugin does).
  (errorHook as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;

  return {
    registry,
    provide(given) {
      sources = { ...sources, ...given };
    },
    observeTurn(channel, seconds, failed) {
      turnSeconds.observe({ channel }, seconds);
      turns.inc({ channel, outcome: failed ? 'failed' : 'ok' });
    },
    countError: (code) => errors.inc({ code }),
    countRetry: (job) => retries.inc({ job }),
    observeSigning(service, seconds) {
      signing.observe({ service }, seconds);
      signed.inc({ service });
    },
    countWebhookRefusal: (webhook, reason) => refusals.inc({ webhook, reason }),
    routes,
    errorHook,
    async listen(port, host) {
      const server = Fastify({ logger: false });
      server.get('/metrics', async (_request, reply) => {
        const { type, body } = await scrape();
        return reply.type(type).send(body);
      });
      await server.listen({ port, host });
      return server;
    },
  };
}

/** `HOSO_ERR_PAYMENT_SIGNATURE` → `signature`, `HOSO_ERR_BAD_REQUEST` → `bad_request`; no code → `http_401`. */
function refusalReason(code: string | undefined, status: number): string {
  return code ? code.replace(/^HOSO_ERR_(PAYMENT_)?/, '').toLowerCase() : `http_${status}`;
}
