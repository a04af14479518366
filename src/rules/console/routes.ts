/**
 * The rules console at /rules/ and its API at /rules/api/…, for agency staff: cookie sessions with a CSRF
 * token, a role per service (viewer, drafter, approver), and four eyes on every publication.
 */
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { expectedDate } from '../../calendar/expected-date.ts';
import { acceptedLang, HttpError } from '../../http/errors.ts';
import { setPageSecurityHeaders } from '../../http/security-headers.ts';
import type { Lang, Translator } from '../../i18n.ts';
import type { KeyValueStore } from '../../store/types.ts';
import { createLoginLimiter, type LoginLimits } from '../../support/staff/login-limiter.ts';
import { toHttp } from '../admin-routes.ts';
import { type LoadedService, loadServiceSource } from '../catalog.ts';
import type { Decision } from '../decision.ts';
import { describeDiff } from '../diff-words.ts';
import type { RulesErrorCode } from '../errors.ts';
import { ruleCoverage } from '../gate.ts';
import { type RulesAdmin, summarize } from '../publish.ts';
import type { Actor } from '../versions.ts';
import { can, csrfOk, type RulesAccount, RulesAccounts, type RulesRole, RulesSessions } from './accounts.ts';

const WEB_DIR = fileURLToPath(new URL('../../web/rules/', import.meta.url));
export const RULES_COOKIE = 'hoso_rules';
const COOKIE_PATH = '/rules';

export interface RulesConsoleOptions {
  admin: RulesAdmin;
  /** Durable records: accounts. */
  records: KeyValueStore;
  /** Short-lived store: sessions. */
  store: KeyValueStore;
  sessionTtlMs?: number;
  secureCookies?: boolean;
  /** Error sentences, in the reader's language. */
  translator: Translator;
  /**
   * The request summary a citizen reads before confirming (card and details), given by the composition root
   * so that the preview shows the conversation's own text without the rules depending on the requests.
   */
  citizenSummary: (input: {
    service: LoadedService;
    decision: Decision;
    facts: Record<string, unknown>;
    lang: Lang;
  }) => { card: string; details: string };
  /** Public holidays (YYYY-MM-DD), skipped when working days are counted to an expected date. */
  holidays: ReadonlySet<string>;
  /** Login attempts per client address and wrong passwords per username in a window (the staff console's). */
  loginLimits?: Omit<LoginLimits, 'prefix'>;
}

const DEFAULT_LOGIN_LIMITS = { perIp: 20, perUser: 5, windowMs: 15 * 60_000 };

const Service = z.string().regex(/^[a-z][a-z0-9_]*$/, 'không phải mã thủ tục');
const Version = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'không phải mã phiên bản');
const serviceParams = z.object({ service: Service });
const versionParams = z.object({ service: Service, version: Version });

export function rulesConsoleRoutes(options: RulesConsoleOptions): FastifyPluginAsync {
  const { admin } = options;
  const accounts = new RulesAccounts(options.records);
  const sessions = new RulesSessions(options.store, options.sessionTtlMs ?? 8 * 3600_000);
  // The staff console's limiter, with counters of its own: every guess counts before its password is checked.
  const limiter = createLoginLimiter(options.store, {
    ...(options.loginLimits ?? DEFAULT_LOGIN_LIMITS),
    prefix: 'rules:login',
  });

  /** A coded error said in the language the browser asks for (Vietnamese unless it asks for English). */
  function coded(
    request: FastifyRequest,
    status: number,
    code: RulesErrorCode,
    params: Record<string, unknown> = {},
    details?: unknown,
  ): HttpError {
    const lang = acceptedLang(request.headers['accept-language']) ?? 'vi';
    return new HttpError(status, code, options.translator.t(lang)(`errors.${code}`, params), details);
  }

  interface Who {
    account: RulesAccount;
    token: string;
    csrf: string;
  }

  async function who(request: FastifyRequest): Promise<Who> {
    const token = request.cookies[RULES_COOKIE];
    const session = token ? await sessions.get(token) : undefined;
    const account = session ? await accounts.get(session.username) : undefined;
    if (!token || !session || !account) {
      throw coded(request, 401, 'HOSO_ERR_RULES_UNAUTHORIZED');
    }
    if (request.method !== 'GET') {
      const header = request.headers['x-csrf-token'];
      if (!csrfOk(session, typeof header === 'string' ? header : undefined)) {
        throw coded(request, 403, 'HOSO_ERR_RULES_CSRF');
      }
    }
    return { account, token, csrf: session.csrf };
  }

  /** The actor for `service` when the account holds `role` there; 403 otherwise. */
  async function as(request: FastifyRequest, service: string, role: RulesRole): Promise<Actor> {
    const { account } = await who(request);
    if (!can(account, service, role)) {
      throw coded(
        request,
        403,
        'HOSO_ERR_RULES_FORBIDDEN',
        {},
        { username: account.username, service, role },
      );
    }
    return { name: account.username, role: account.grants[service]! };
  }

  /** Runs an admin action; its coded error is said in the reader's language, the technical account kept in details. */
  async function run<T>(request: FastifyRequest, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const http = toHttp(err);
      if (!(http instanceof HttpError)) throw http;
      const details = { ...((http.details as object | undefined) ?? {}), reason: http.message };
      throw coded(request, http.status, http.code as RulesErrorCode, {}, details);
    }
  }

  return async (app) => {
    await app.register(fastifyCookie);
    app.addHook('onSend', async (request, reply) => {
      setPageSecurityHeaders(reply);
      if (request.url.startsWith('/rules/api/')) reply.header('cache-control', 'no-store');
    });
    await app.register(fastifyStatic, {
      root: WEB_DIR,
      prefix: '/rules/',
      index: 'index.html',
      redirect: true,
      decorateReply: false,
    });

    const r = app.withTypeProvider<ZodTypeProvider>();
    const me = (w: { account: RulesAccount; csrf: string }) => ({
      user: { username: w.account.username, displayName: w.account.displayName, grants: w.account.grants },
      csrfToken: w.csrf,
    });

    r.post(
      '/rules/api/login',
      { schema: { body: z.object({ username: z.string().max(64), password: z.string().max(256) }) } },
      async (request, reply) => {
        const { username, password } = request.body;
        const gate = await limiter.attempt(request.ip, username);
        if (!gate.allowed) {
          reply.header('retry-after', String(gate.retryAfterSeconds));
          throw coded(request, 429, 'HOSO_ERR_RULES_LOGIN_RATE_LIMITED', {
            minutes: Math.ceil(gate.retryAfterSeconds / 60),
          });
        }
        const account = await accounts.verify(username, password);
        if (!account) {
          await limiter.failed(username);
          throw coded(request, 401, 'HOSO_ERR_RULES_LOGIN_FAILED');
        }
        await limiter.succeeded(request.ip, username, gate.attempt);
        const { token, session } = await sessions.create(account.username);
        reply.setCookie(RULES_COOKIE, token, {
          path: COOKIE_PATH,
          httpOnly: true,
          sameSite: 'strict',
          secure: options.secureCookies ?? false,
        });
        return me({ account, csrf: session.csrf });
      },
    );

    r.post('/rules/api/logout', async (request, reply) => {
      const w = await who(request);
      await sessions.destroy(w.token);
      reply.clearCookie(RULES_COOKIE, { path: COOKIE_PATH });
      return { ok: true };
    });

    r.get('/rules/api/me', async (request) => me(await who(request)));

    r.get('/rules/api/services', async (request) => {
      const { account } = await who(request);
      const ids = (await admin.versions.services()).filter((s) => account.grants[s] !== undefined);
      return {
        services: await Promise.all(
          ids.map(async (service) => {
            const current = await admin.versions.current(service);
            const doc = current ? await admin.versions.get(service, current) : null;
            const title = doc ? loadServiceSource(doc.source).compiled.title : null;
            return {
              service,
              title,
              role: account.grants[service],
              inForce: doc ? summarize(doc, current) : null,
              scheduled: await admin.versions.schedule(service),
            };
          }),
        ),
      };
    });

    r.get('/rules/api/services/:service', { schema: { params: serviceParams } }, async (request) => {
      const { service } = request.params;
      const actor = await as(request, service, 'viewer');
      const current = await admin.versions.current(service);
      const history = (await admin.versions.history(service)).map((d) => ({
        ...summarize(d, current),
        ...(d.proposedBy ? { proposedBy: d.proposedBy, proposedAt: d.proposedAt } : {}),
      }));
      return {
        service,
        role: actor.role,
        current,
        versions: history,
        scheduled: await admin.versions.schedule(service),
      };
    });

    r.get(
      '/rules/api/services/:service/versions/:version',
      { schema: { params: versionParams } },
      async (request) => {
        const { service, version } = request.params;
        await as(request, service, 'viewer');
        const doc = await run(request, () => admin.version(service, version));
        const current = await admin.versions.current(service);
        const inForce = current ? await admin.versions.get(service, current) : null;
        const loaded = loadServiceSource(doc.source);
        const files = Object.fromEntries(
          doc.source.files.map((f) => [f.path.slice(service.length + 1), f.content]),
        );
        return {
          ...summarize(doc, current),
          ...(doc.proposedBy ? { proposedBy: doc.proposedBy, proposedAt: doc.proposedAt } : {}),
          findings: doc.findings,
          files,
          diff: inForce && inForce.version !== version ? describeDiff(inForce.source, doc.source) : [],
          facts: loaded.compiled.service.facts,
          inputs: loaded.compiled.service.inputs,
          coverage: ruleCoverage(loaded.compiled),
        };
      },
    );

    r.post(
      '/rules/api/services/:service/drafts',
      { schema: { params: serviceParams, body: z.object({ files: z.record(z.string(), z.unknown()) }) } },
      async (request, reply) => {
        const { service } = request.params;
        const actor = await as(request, service, 'drafter');
        const doc = await run(request, () => admin.upload(service, request.body.files, actor));
        return reply
          .code(201)
          .send({ ...summarize(doc, await admin.versions.current(service)), findings: doc.findings });
      },
    );

    r.post(
      '/rules/api/services/:service/versions/:version/preview',
      {
        schema: {
          params: versionParams,
          body: z.object({
            facts: z.record(z.string(), z.unknown()),
            lang: z.enum(['vi', 'en']).default('vi'),
          }),
        },
      },
      async (request) => {
        const { service, version } = request.params;
        await as(request, service, 'viewer');
        const loaded = await run(request, () => admin.load(service, version));
        const decide = (lang: 'vi' | 'en') =>
          run(request, () => loaded.decide(request.body.facts, { lang, trace: true }));
        const [vi, en] = await Promise.all([decide('vi'), decide('en')]);
        const summary = (decision: Decision, lang: Lang) =>
          options.citizenSummary({ service: loaded, decision, facts: request.body.facts, lang });
        const citizen = { vi: summary(vi, 'vi'), en: summary(en, 'en') };
        const p = vi.processing;
        return {
          vi,
          en,
          explanation: { vi: loaded.explain(vi, 'vi'), en: loaded.explain(en, 'en') },
          // As on the card: a date only for a request that can be filed and is not answered at once.
          expected: vi.eligible && p && p.days > 0 ? expectedDate(vi.on, p, options.holidays) : null,
          citizen: { vi: citizen.vi.card, en: citizen.en.card },
          citizenDetails: { vi: citizen.vi.details, en: citizen.en.details },
        };
      },
    );

    r.post(
      '/rules/api/services/:service/versions/:version/impact',
      {
        schema: {
          params: versionParams,
          body: z.object({ sample: z.int().min(1).max(200_000).optional() }).nullish(),
        },
      },
      async (request) => {
        const { service, version } = request.params;
        const actor = await as(request, service, 'drafter');
        return run(request, () => admin.impact(service, version, actor, request.body?.sample ?? 100_000));
      },
    );

    r.post(
      '/rules/api/services/:service/versions/:version/propose',
      { schema: { params: versionParams } },
      async (request) => {
        const { service, version } = request.params;
        const actor = await as(request, service, 'drafter');
        const doc = await run(request, () => admin.propose(service, version, actor));
        return { ...summarize(doc, await admin.versions.current(service)), proposedBy: doc.proposedBy };
      },
    );

    r.post(
      '/rules/api/services/:service/versions/:version/publish',
      {
        schema: {
          params: versionParams,
          body: z
            .object({
              at: z.iso.datetime({ offset: true }).optional(),
              waive: z.array(z.string().max(128)).max(500).optional(),
            })
            .nullish(),
        },
      },
      async (request) => {
        const { service, version } = request.params;
        const actor = await as(request, service, 'approver');
        const at = request.body?.at ? new Date(request.body.at) : undefined;
        const waive = request.body?.waive ?? [];
        const result = await run(request, () =>
          admin.approve(service, version, actor, { waive, ...(at ? { at } : {}) }),
        );
        return result.published
          ? { published: { ...summarize(result.published, version), impact: result.published.impact } }
          : { scheduled: result.scheduled };
      },
    );

    r.post(
      '/rules/api/services/:service/schedule/cancel',
      { schema: { params: serviceParams } },
      async (request) => {
        const { service } = request.params;
        const actor = await as(request, service, 'approver');
        await admin.cancelSchedule(service, actor);
        return { ok: true };
      },
    );

    r.post(
      '/rules/api/services/:service/rollback',
      { schema: { params: serviceParams, body: z.object({ version: Version.optional() }).nullish() } },
      async (request) => {
        const { service } = request.params;
        const actor = await as(request, service, 'approver');
        const doc = await run(request, () => admin.rollback(service, actor, request.body?.version));
        return summarize(doc, doc.version);
      },
    );

    r.get('/rules/api/services/:service/audit', { schema: { params: serviceParams } }, async (request) => {
      const { service } = request.params;
      await as(request, service, 'viewer');
      return { entries: await admin.versions.auditLog({ service, limit: 200 }) };
    });
  };
}
