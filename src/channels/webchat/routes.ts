import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ConversationHandler } from '../../conversation/handle-inbound.ts';
import type { BlobStore } from '../../files/types.ts';
import { acceptedLang, CitizenHttpError } from '../../http/errors.ts';
import { setPageSecurityHeaders } from '../../http/security-headers.ts';
import { LANGS, type Lang, type Translator } from '../../i18n.ts';
import { authorizeWebchat, bearer } from './authorize.ts';
import type { DownloadLinks } from './downloads.ts';
import type { OutboxEntry, WebchatOutbox } from './outbox.ts';
import { toWire } from './render.ts';
import type { WebchatSessions } from './sessions.ts';

const WEB_DIR = fileURLToPath(new URL('../../web/', import.meta.url));

export interface WebchatRoutesOptions {
  handle: ConversationHandler;
  sessions: WebchatSessions;
  outbox: WebchatOutbox;
  links: DownloadLinks;
  files: BlobStore;
  /** Session creations allowed per client address per minute. */
  sessionRateLimit?: number;
  /** Seconds between keep-alive comments on the event stream. */
  heartbeatSeconds?: number;
  /** The page's own words (locales/<lang>/webchat.json). */
  translator: Translator;
  /** The language of a web chat conversation, so its errors are said in it (undefined: not known). */
  sessionLang?: (sessionId: string) => Promise<Lang | undefined>;
}

/** The longest message a citizen may send (contracts §4). */
const MAX_TEXT = 4096;

const SessionId = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'not a web chat session id');

const MessageBody = z.union([
  z.object({
    sessionId: SessionId,
    // An empty or too long text gets its own coded answer below, in the citizen's language, rather than a
    // generic validation error with English details; this bound only keeps absurd bodies out.
    text: z
      .string()
      .trim()
      .max(MAX_TEXT * 16),
    messageId: z.string().max(64).optional(),
  }),
  z.object({
    sessionId: SessionId,
    action: z.string().min(1).max(64),
    messageId: z.string().max(64).optional(),
  }),
]);

/**
 * The session token: the `Authorization: Bearer` header (scripts, the page's own POSTs), or for the event stream
 * the `token` query parameter, because a browser's EventSource cannot send headers.
 */
/** Optional: no body, an empty one (of any content type) or `{}` all open a session. */
const SessionBody = z.preprocess(
  (v) => (v === '' || v === null ? undefined : v),
  z.object({ lang: z.enum(['vi', 'en']).optional() }).optional(),
);

/** The web chat API of contracts §4, the page at `/` that uses it, and download links that last their lifetime. */
export function webchatRoutes(options: WebchatRoutesOptions): FastifyPluginAsync {
  const { handle, sessions, outbox, links, files } = options;

  const authorize = (request: FastifyRequest, sessionId: string, token: string | undefined) =>
    authorizeWebchat(request, options, sessionId, token);

  return async (app) => {
    // `POST /api/webchat/sessions` takes an optional body: a script may send none, or an empty JSON one.
    const json = app.getDefaultJsonParser('error', 'error');
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
      if (body === '') return done(null, undefined);
      json(request, body as string, done);
    });
    await app.register(fastifyRateLimit, { global: false });
    await app.register(fastifyStatic, { root: join(WEB_DIR, 'webchat'), prefix: '/', index: 'index.html' });

    // The page shows the bot's and the citizen's words and holds the session token.
    app.addHook('onSend', async (_request, reply) => {
      setPageSecurityHeaders(reply);
    });
    const r = app.withTypeProvider<ZodTypeProvider>();
    // Event streams never go idle; end them on shutdown so the server can close.
    const streams = new Set<() => void>();
    app.addHook('preClose', async () => {
      for (const end of streams) end();
    });

    // The page's own words in both languages: it switches when the conversation does, without a reload.
    const pageTexts = Object.fromEntries(
      LANGS.map((lang) => [lang, options.translator.instance.getResourceBundle(lang, 'webchat') ?? {}]),
    );
    r.get('/api/webchat/texts', async (_request, reply) =>
      reply.header('cache-control', 'public, max-age=300').send(pageTexts),
    );

    r.post(
      '/api/webchat/sessions',
      {
        schema: { body: SessionBody },
        config: { rateLimit: { max: options.sessionRateLimit ?? 30, timeWindow: '1 minute' } },
      },
      async (request) => {
        const { sessionId, token } = await sessions.create();
        const lang = request.body?.lang ?? acceptedLang(request.headers['accept-language']);
        const result = await handle({
          channel: 'webchat',
          userId: sessionId,
          action: 'intent:greeting',
          ...(lang ? { localeHint: lang } : {}),
        });
        return {
          sessionId,
          token,
          messages: await Promise.all(result.messages.map((m) => toWire(m, links))),
          // Beyond contracts §4 (an added field): the conversation's language, which the page follows.
          lang: result.lang,
        };
      },
    );

    r.post('/api/webchat/messages', { schema: { body: MessageBody } }, async (request) => {
      const body = request.body;
      await authorize(request, body.sessionId, bearer(request));
      if ('text' in body && body.text === '')
        throw new CitizenHttpError(400, 'HOSO_ERR_WEBCHAT_EMPTY_MESSAGE');
      if ('text' in body && body.text.length > MAX_TEXT)
        throw new CitizenHttpError(400, 'HOSO_ERR_WEBCHAT_TOO_LONG', { max: MAX_TEXT });
      const result = await handle({
        channel: 'webchat',
        userId: body.sessionId,
        ...('text' in body ? { text: body.text } : { action: body.action }),
        ...(body.messageId ? { updateId: `${body.sessionId}:${body.messageId}` } : {}),
      });
      return {
        messages: await Promise.all(result.messages.map((m) => toWire(m, links))),
        lang: result.lang,
      };
    });

    r.get(
      '/api/webchat/events',
      {
        schema: {
          querystring: z.object({
            sessionId: SessionId,
            token: z.string().max(128).optional(),
            // What a reloaded page already shows (EventSource cannot send Last-Event-ID on its first connection).
            after: z.coerce.number().int().nonnegative().optional(),
          }),
        },
      },
      async (request, reply) => {
        const { sessionId } = request.query;
        await authorize(request, sessionId, bearer(request, request.query.token));
        const lastSeen = Number(request.headers['last-event-id'] ?? 0) || request.query.after || 0;
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        let delivered = lastSeen;
        // Writes go through one chain so that messages leave in order even while links are being made.
        let chain = Promise.resolve();
        const write = (entry: OutboxEntry) => {
          chain = chain
            .then(async () => {
              if (entry.seq <= delivered) return;
              const wire = await toWire(entry.message, links);
              delivered = entry.seq;
              res.write(`id: ${entry.seq}\ndata: ${JSON.stringify(wire)}\n\n`);
            })
            // The page reconnects with Last-Event-ID and gets what failed here from the outbox.
            .catch((err: Error) => request.log.warn({ err: err.message }, 'web chat event not delivered'));
        };
        // Subscribe first, then replay what was missed, so nothing falls between the two; live entries that
        // arrive during the replay wait until it is done, or an older missed one would be skipped.
        let held: OutboxEntry[] | undefined = [];
        const unsubscribe = await outbox.subscribe(sessionId, (entry) =>
          held ? held.push(entry) : write(entry),
        );
        for (const entry of await outbox.since(sessionId, lastSeen)) write(entry);
        for (const entry of held.sort((a, b) => a.seq - b.seq)) write(entry);
        held = undefined;
        await chain;
        res.write(': connected\n\n');
        const heartbeat = setInterval(() => res.write(': ping\n\n'), (options.heartbeatSeconds ?? 25) * 1000);
        const end = () => {
          clearInterval(heartbeat);
          streams.delete(end);
          void unsubscribe();
          res.end();
        };
        streams.add(end);
        request.raw.on('close', end);
      },
    );

    r.get(
      '/api/webchat/files/:token',
      { schema: { params: z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{20,64}$/) }) } },
      async (request, reply) => {
        const link = await links.open(request.params.token);
        const file = link ? await files.get(link.fileId) : undefined;
        if (!link || !file) {
          throw new CitizenHttpError(410, 'HOSO_ERR_DOWNLOAD_GONE');
        }
        return reply
          .header('content-type', file.meta.mimeType)
          .header('content-disposition', `attachment; filename="${link.filename.replace(/[^\w.-]/g, '_')}"`)
          .header('cache-control', 'no-store')
          .send(Buffer.from(file.bytes));
      },
    );
  };
}
