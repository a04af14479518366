import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HttpError } from '../../http/errors.ts';
import { setPageSecurityHeaders } from '../../http/security-headers.ts';
import { AuditActionSchema, type AuditLog } from '../audit.ts';
import type { OfficeHours } from '../office-hours.ts';
import type { HandoffRegistry } from '../packet.ts';
import { slaOf } from '../sla.ts';
import { ResolutionSchema, type Ticket, TicketIdSchema } from '../ticket.ts';
import type { QueueView, TicketStore } from '../ticket-store.ts';
import { authenticate, type StaffAccount, type StaffAccounts, type StaffRole } from './accounts.ts';
import { CannedIdSchema, type CannedReplies, CannedReplySchema } from './canned.ts';
import { type DeadLetterDesk, requestOf, viewOf } from './dead-letters.ts';
import { type StaffDesk, type StaffMember, SupportError } from './desk.ts';
import type { LoginLimiter } from './login-limiter.ts';
import { csrfMatches, type StaffSessions } from './sessions.ts';

const STAFF_WEB_DIR = fileURLToPath(new URL('../../web/staff/', import.meta.url));
export const STAFF_COOKIE = 'hoso_staff';
const COOKIE_PATH = '/staff';

export interface StaffRoutesOptions {
  accounts: StaffAccounts;
  sessions: StaffSessions;
  limiter: LoginLimiter;
  tickets: TicketStore;
  desk: StaffDesk;
  audit: AuditLog;
  canned: CannedReplies;
  registry: HandoffRegistry;
  hours: OfficeHours;
  firstResponseMinutes: number;
  /** Cookies are marked Secure when Hoso is served over HTTPS. */
  secureCookies: boolean;
  clock: () => Date;
  heartbeatSeconds?: number;
  /** Jobs that failed every attempt (absent: the console says there are none to show). */
  deadLetters?: DeadLetterDesk;
  /**
   * Routes other modules add to the staff API (the extracts module's revocation): read when the plugin is
   * registered, so a module may add to the list until the HTTP server is built.
   */
  extensions?: readonly StaffApiExtension[];
}

/** Fastify with zod schemas, inside the console's plugin (its cookies, security headers and error codes). */
export type StaffRouter = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression<RawServerDefault>,
  RawReplyDefaultExpression<RawServerDefault>,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** What another module's staff routes use: the console's session, CSRF and role check, and who is asking. */
export interface StaffApi {
  router: StaffRouter;
  /** An onRequest hook: 401 without a session, 403 without the CSRF token or one of `roles`. */
  guard(roles?: StaffRole[]): (request: FastifyRequest) => Promise<void>;
  /** The staff member a guarded request comes from. */
  who(request: FastifyRequest): StaffMember;
}

/** Adds routes under /staff/api/ behind the console's guard. */
export type StaffApiExtension = (api: StaffApi) => void | Promise<void>;

const Empty = z.object({}).strict().optional();
const Text = z.object({ text: z.string().trim().min(1, 'nội dung trống').max(2000) });
const TicketParams = z.object({ id: TicketIdSchema });

function unauthenticated(): HttpError {
  return new HttpError(
    401,
    'HOSO_ERR_STAFF_UNAUTHENTICATED',
    'Anh/chị chưa đăng nhập hoặc phiên làm việc đã hết hạn. Vui lòng đăng nhập lại.',
  );
}

/** The console at /staff/ and its API at /staff/api/…: cookie sessions, CSRF tokens, roles, audit. */
export function staffRoutes(options: StaffRoutesOptions): FastifyPluginAsync {
  const { accounts, sessions, limiter, tickets, desk, audit, canned, registry, hours, clock } = options;

  interface Authed {
    staff: StaffMember;
    account: StaffAccount;
    token: string;
    csrf: string;
  }

  /**
   * Who is asking: 401 without a live session, 403 with a coded error when a state-changing request lacks
   * the session's CSRF token, 403 when the role is not enough.
   */
  async function auth(request: FastifyRequest, roles?: StaffRole[]): Promise<Authed> {
    const token = request.cookies[STAFF_COOKIE];
    const session = token ? await sessions.get(token) : undefined;
    if (!token || !session) throw unauthenticated();
    const account = await accounts.get(session.username);
    if (!account) {
      await sessions.destroy(token);
      throw unauthenticated();
    }
    if (!['GET', 'HEAD'].includes(request.method)) {
      const header = request.headers['x-csrf-token'];
      if (!csrfMatches(session, typeof header === 'string' ? header : undefined)) {
        throw new HttpError(
          403,
          'HOSO_ERR_STAFF_CSRF',
          'Yêu cầu bị từ chối vì thiếu hoặc sai mã chống giả mạo (CSRF). Vui lòng tải lại trang.',
        );
      }
    }
    if (roles && !roles.includes(account.role)) {
      throw new HttpError(
        403,
        'HOSO_ERR_STAFF_FORBIDDEN',
        'Tài khoản của anh/chị không có quyền thực hiện thao tác này.',
      );
    }
    return {
      staff: { username: account.username, role: account.role, displayName: account.displayName },
      account,
      token,
      csrf: session.csrf,
    };
  }

  // Authentication runs on request, before the body is even parsed: an anonymous caller learns nothing.
  const authed = new WeakMap<FastifyRequest, Authed>();
  function guard(roles?: StaffRole[]) {
    return async (request: FastifyRequest) => {
      authed.set(request, await auth(request, roles));
    };
  }
  function who(request: FastifyRequest): Authed {
    const a = authed.get(request);
    if (!a) throw unauthenticated();
    return a;
  }

  /** Desk refusals become HTTP errors with the same code. */
  async function act<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (err instanceof SupportError) throw new HttpError(err.status, err.code, err.message);
      throw err;
    }
  }

  function summary(ticket: Ticket, now: Date) {
    const who = ticket.packet.who;
    return {
      id: ticket.id,
      status: ticket.status,
      reason: ticket.reason,
      channel: ticket.address.channel,
      lang: ticket.lang,
      openedAt: ticket.openedAt,
      claimedBy: ticket.claimedBy ?? null,
      endedAt: ticket.endedAt ?? null,
      endedBy: ticket.endedBy ?? null,
      resolution: ticket.resolution ?? null,
      rating: ticket.rating ?? null,
      who: {
        displayName: who.displayName ?? null,
        name: who.name ?? null,
        citizenIdMasked: who.citizenIdMasked ?? null,
        linkLevel: who.linkLevel,
      },
      sla: slaOf(ticket, now, options.firstResponseMinutes, hours),
    };
  }

  function me(authed: Pick<Authed, 'staff' | 'csrf'>) {
    return {
      user: authed.staff,
      csrfToken: authed.csrf,
      office: { open: hours.isOpen(clock()), firstResponseMinutes: options.firstResponseMinutes },
      canReveal: registry.canReveal,
    };
  }

  return async (app) => {
    await app.register(fastifyCookie);

    // The console shows citizens' words: a strict policy means even a missed escape could not run a script.
    app.addHook('onSend', async (request, reply) => {
      setPageSecurityHeaders(reply);
      if (request.url.startsWith('/staff/api/')) reply.header('cache-control', 'no-store');
    });

    await app.register(fastifyStatic, {
      root: STAFF_WEB_DIR,
      prefix: '/staff/',
      index: 'index.html',
      redirect: true,
      decorateReply: false,
    });

    const r = app.withTypeProvider<ZodTypeProvider>();
    const streams = new Set<() => void>();
    app.addHook('preClose', async () => {
      for (const end of streams) end();
    });

    /** A server-sent event stream that ends with the client or the server. */
    function eventStream(request: FastifyRequest, reply: FastifyReply) {
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-content-type-options': 'nosniff',
      });
      const cleanups: (() => unknown)[] = [];
      const heartbeat = setInterval(() => res.write(': ping\n\n'), (options.heartbeatSeconds ?? 25) * 1000);
      const end = () => {
        clearInterval(heartbeat);
        streams.delete(end);
        for (const c of cleanups) void c();
        res.end();
      };
      streams.add(end);
      request.raw.on('close', end);
      return {
        send(event: string, data: unknown, id?: number) {
          res.write(
            `${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`,
          );
        },
        comment(text: string) {
          res.write(`: ${text}\n\n`);
        },
        onEnd(cleanup: () => unknown) {
          cleanups.push(cleanup);
        },
      };
    }

    r.post(
      '/staff/api/login',
      {
        schema: {
          body: z.object({
            username: z.string().trim().toLowerCase().min(1).max(64),
            password: z.string().min(1).max(200),
          }),
        },
      },
      async (request, reply) => {
        const { username, password } = request.body;
        const gate = await limiter.attempt(request.ip, username);
        if (!gate.allowed) {
          reply.header('retry-after', String(gate.retryAfterSeconds));
          throw new HttpError(
            429,
            'HOSO_ERR_STAFF_LOGIN_RATE_LIMITED',
            `Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau ${Math.ceil(gate.retryAfterSeconds / 60)} phút.`,
          );
        }
        const account = await authenticate(accounts, username, password);
        if (!account) {
          await limiter.failed(username);
          const known = await accounts.get(username);
          await audit.record({
            actor: known ? known.username : '(không rõ)',
            action: 'login_failed',
            ip: request.ip,
          });
          throw new HttpError(401, 'HOSO_ERR_STAFF_LOGIN_FAILED', 'Tên đăng nhập hoặc mật khẩu không đúng.');
        }
        await limiter.succeeded(request.ip, username, gate.attempt);
        const { token, session } = await sessions.create({
          username: account.username,
          role: account.role,
          now: clock(),
        });
        await audit.record({ actor: account.username, role: account.role, action: 'login', ip: request.ip });
        reply.setCookie(STAFF_COOKIE, token, {
          path: COOKIE_PATH,
          httpOnly: true,
          sameSite: 'strict',
          secure: options.secureCookies,
          // A browser-session cookie: the server ends the session after STAFF_SESSION_TTL_SECONDS idle.
        });
        return me({
          staff: { username: account.username, role: account.role, displayName: account.displayName },
          csrf: session.csrf,
        });
      },
    );

    r.post('/staff/api/logout', { onRequest: guard(), schema: { body: Empty } }, async (request, reply) => {
      const { token, staff } = who(request);
      await sessions.destroy(token);
      await audit.record({ actor: staff.username, role: staff.role, action: 'logout' });
      reply.clearCookie(STAFF_COOKIE, { path: COOKIE_PATH });
      return { ok: true };
    });

    r.get('/staff/api/me', { onRequest: guard() }, async (request) => me(who(request)));

    r.get(
      '/staff/api/tickets',
      {
        onRequest: guard(),
        schema: {
          querystring: z.object({
            view: z.enum(['unassigned', 'mine', 'all', 'closed']).default('unassigned'),
          }),
        },
      },
      async (request) => {
        const { staff } = who(request);
        const now = clock();
        const view: QueueView = request.query.view;
        const [list, unassigned, all] = await Promise.all([
          tickets.list(view, staff.username),
          tickets.list('unassigned', staff.username),
          tickets.list('all', staff.username),
        ]);
        return {
          view,
          tickets: list.map((t) => summary(t, now)),
          counts: {
            unassigned: unassigned.length,
            mine: all.filter((t) => t.claimedBy === staff.username).length,
            all: all.length,
            breached: all.filter(
              (t) => slaOf(t, now, options.firstResponseMinutes, hours).state === 'breached',
            ).length,
          },
        };
      },
    );

    r.get(
      '/staff/api/tickets/:id',
      { onRequest: guard(), schema: { params: TicketParams } },
      async (request) => {
        who(request);
        const ticket = await tickets.get(request.params.id);
        if (!ticket)
          throw new HttpError(
            404,
            'HOSO_ERR_TICKET_NOT_FOUND',
            `Không tìm thấy yêu cầu ${request.params.id}.`,
          );
        return {
          ticket: summary(ticket, clock()),
          packet: ticket.packet,
          messages: await tickets.messages(ticket.id),
        };
      },
    );

    r.post(
      '/staff/api/tickets/:id/claim',
      { onRequest: guard(), schema: { params: TicketParams, body: Empty } },
      async (request) => {
        const { staff } = who(request);
        const ticket = await act(() => desk.claim(staff, request.params.id));
        return { ticket: summary(ticket, clock()) };
      },
    );

    r.post(
      '/staff/api/tickets/:id/reply',
      { onRequest: guard(), schema: { params: TicketParams, body: Text } },
      async (request) => {
        const { staff } = who(request);
        return { message: await act(() => desk.reply(staff, request.params.id, request.body.text)) };
      },
    );

    r.post(
      '/staff/api/tickets/:id/notes',
      { onRequest: guard(), schema: { params: TicketParams, body: Text } },
      async (request) => {
        const { staff } = who(request);
        return { message: await act(() => desk.note(staff, request.params.id, request.body.text)) };
      },
    );

    r.post(
      '/staff/api/tickets/:id/close',
      {
        onRequest: guard(),
        schema: { params: TicketParams, body: z.object({ resolution: ResolutionSchema }) },
      },
      async (request) => {
        const { staff } = who(request);
        const ticket = await act(() => desk.close(staff, request.params.id, request.body.resolution));
        return { ticket: summary(ticket, clock()) };
      },
    );

    r.post(
      '/staff/api/tickets/:id/hand-back',
      { onRequest: guard(), schema: { params: TicketParams, body: Empty } },
      async (request) => {
        const { staff } = who(request);
        const ticket = await act(() => desk.handBack(staff, request.params.id));
        return { ticket: summary(ticket, clock()) };
      },
    );

    r.post(
      '/staff/api/tickets/:id/reveal',
      { onRequest: guard(), schema: { params: TicketParams, body: Empty } },
      async (request) => {
        const { staff } = who(request);
        return { citizenId: await act(() => desk.reveal(staff, request.params.id)) };
      },
    );

    r.get(
      '/staff/api/tickets/:id/stream',
      { onRequest: guard(), schema: { params: TicketParams } },
      async (request, reply) => {
        who(request);
        const id = request.params.id;
        if (!(await tickets.get(id)))
          throw new HttpError(404, 'HOSO_ERR_TICKET_NOT_FOUND', `Không tìm thấy yêu cầu ${id}.`);
        const lastSeen = Number(request.headers['last-event-id'] ?? 0) || 0;
        const stream = eventStream(request, reply);
        let delivered = lastSeen;
        // Subscribe first, then replay what was missed, so that nothing falls between the two.
        const unsubscribe = await tickets.subscribe(id, (event) => {
          if (event.type === 'message') {
            if (event.message.seq <= delivered) return;
            delivered = event.message.seq;
            stream.send('message', event.message, event.message.seq);
          } else {
            stream.send('status', event.ticket);
          }
        });
        stream.onEnd(unsubscribe);
        for (const message of await tickets.messages(id, lastSeen)) {
          if (message.seq <= delivered) continue;
          delivered = message.seq;
          stream.send('message', message, message.seq);
        }
        stream.comment('connected');
      },
    );

    r.get('/staff/api/stream', { onRequest: guard() }, async (request, reply) => {
      who(request);
      const stream = eventStream(request, reply);
      const unsubscribe = await tickets.subscribeQueue(() =>
        stream.send('queue', { at: clock().toISOString() }),
      );
      stream.onEnd(unsubscribe);
      stream.comment('connected');
    });

    r.get('/staff/api/canned', { onRequest: guard() }, async (request) => {
      who(request);
      return { replies: await canned.list() };
    });

    r.put(
      '/staff/api/canned/:id',
      {
        onRequest: guard(['supervisor']),
        schema: {
          params: z.object({ id: CannedIdSchema }),
          body: CannedReplySchema.pick({ title: true, text: true }),
        },
      },
      async (request) => {
        const { staff } = who(request);
        const saved = await canned.save({
          id: request.params.id,
          ...request.body,
          updatedAt: clock().toISOString(),
          updatedBy: staff.username,
        });
        await audit.record({
          actor: staff.username,
          role: staff.role,
          action: 'canned_edit',
          target: saved.id,
        });
        return { reply: saved };
      },
    );

    r.delete(
      '/staff/api/canned/:id',
      { onRequest: guard(['supervisor']), schema: { params: z.object({ id: CannedIdSchema }) } },
      async (request) => {
        const { staff } = who(request);
        if (!(await canned.remove(request.params.id))) {
          throw new HttpError(404, 'HOSO_ERR_CANNED_NOT_FOUND', 'Không tìm thấy câu trả lời mẫu này.');
        }
        await audit.record({
          actor: staff.username,
          role: staff.role,
          action: 'canned_edit',
          target: request.params.id,
          detail: 'deleted',
        });
        return { ok: true };
      },
    );

    r.get(
      '/staff/api/dead-letters',
      {
        onRequest: guard(),
        schema: { querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }) },
      },
      async (request) => {
        const { staff } = who(request);
        const desk = options.deadLetters;
        const letters = desk ? await desk.letters.list(request.query.limit) : [];
        return {
          letters: letters.map((l) => viewOf(desk!, l)),
          canRetry: staff.role === 'supervisor',
        };
      },
    );

    r.post(
      '/staff/api/dead-letters/:id/retry',
      {
        onRequest: guard(['supervisor']),
        schema: { params: z.object({ id: z.string().regex(/^[\w-]{6,40}$/) }), body: Empty },
      },
      async (request) => {
        const { staff } = who(request);
        const desk = options.deadLetters;
        const letter = desk
          ? (await desk.letters.list(10_000)).find((l) => l.id === request.params.id)
          : undefined;
        if (!desk || !letter) {
          throw new HttpError(
            404,
            'HOSO_ERR_DEAD_LETTER_NOT_FOUND',
            'Không tìm thấy việc lỗi này (có thể đã được gửi lại).',
          );
        }
        const code = requestOf(desk, letter);
        if (!code) {
          throw new HttpError(
            409,
            'HOSO_ERR_DEAD_LETTER_NOT_RETRYABLE',
            `Việc "${letter.name}" không gắn với hồ sơ nào nên không gửi lại được từ bàn hỗ trợ.`,
          );
        }
        try {
          await desk.retryRequest(code, staff.username);
        } catch (err) {
          const reason = err instanceof Error ? err.message : String(err);
          throw new HttpError(
            409,
            'HOSO_ERR_DEAD_LETTER_RETRY_REFUSED',
            `Không gửi lại được hồ sơ ${code}: ${reason}`,
          );
        }
        await desk.letters.remove(letter.id);
        await audit.record({
          actor: staff.username,
          role: staff.role,
          action: 'retry',
          target: code,
          detail: letter.name,
        });
        return { ok: true, request: code };
      },
    );

    r.get(
      '/staff/api/audit',
      {
        onRequest: guard(['supervisor']),
        schema: {
          querystring: z.object({
            actor: z.string().max(64).optional(),
            action: AuditActionSchema.optional(),
            target: z.string().max(128).optional(),
            offset: z.coerce.number().int().min(0).default(0),
            limit: z.coerce.number().int().min(1).max(500).default(100),
          }),
        },
      },
      async (request) => {
        who(request);
        const q = request.query;
        return audit.list({
          ...(q.actor ? { actor: q.actor } : {}),
          ...(q.action ? { action: q.action } : {}),
          ...(q.target ? { target: q.target } : {}),
          offset: q.offset,
          limit: q.limit,
        });
      },
    );

    for (const extend of options.extensions ?? []) {
      await extend({ router: r, guard, who: (request) => who(request).staff });
    }
  };
}
