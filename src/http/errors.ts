import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { Lang, Translator } from '../i18n.ts';
import { isStoreUnavailable } from '../store/unavailable.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The language of the citizen's conversation, when a route knows it (their errors are said in it). */
    hosoLang?: Lang;
  }
}

/**
 * A user-visible HTTP error: a stable code, a status and a message (Fastify's FST_ERR_ registry, ours is
 * HOSO_ERR_). Routes throw these; anything else becomes a 500 without details.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/**
 * An error a citizen reads (the web chat page shows it): its message is the sentence `errors.<code>` of the
 * locales, in the conversation's language, or the one the browser asks for.
 */
export class CitizenHttpError extends HttpError {
  readonly messageKey: string;
  constructor(
    status: number,
    code: string,
    readonly params: Record<string, unknown> = {},
  ) {
    super(status, code, code);
    this.name = 'CitizenHttpError';
    this.messageKey = `errors.${code}`;
  }
}

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown; requestId?: string };
}

/** The first of vi and en in an Accept-Language header, by quality; undefined when it names neither. */
export function acceptedLang(header: string | undefined): Lang | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find((v) => v !== undefined);
      return { primary: tag.split('-')[0], q: q === undefined ? 1 : Number(q), i };
    })
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  const found = ranked.find((r) => r.primary === 'vi' || r.primary === 'en');
  return found?.primary as Lang | undefined;
}

export interface ErrorHandlerOptions {
  translator: Translator;
  defaultLang: Lang;
}

/** Coded errors for every route; the ones citizens meet are said in their language. */
export function installErrorHandler(app: FastifyInstance, options: ErrorHandlerOptions): void {
  const { translator, defaultLang } = options;
  const langOf = (request: FastifyRequest): Lang =>
    request.hosoLang ?? acceptedLang(request.headers['accept-language']) ?? defaultLang;
  const say = (request: FastifyRequest, code: string, params: Record<string, unknown> = {}) =>
    translator.t(langOf(request))(`errors.${code}`, params);

  app.setErrorHandler((err: FastifyError | HttpError, request, reply) => {
    if (err instanceof HttpError) {
      const message = err instanceof CitizenHttpError ? say(request, err.code, err.params) : err.message;
      return reply.code(err.status).send({
        error: { code: err.code, message, ...(err.details ? { details: err.details } : {}) },
      } satisfies ErrorBody);
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      return reply.code(400).send({
        error: {
          code: 'HOSO_ERR_BAD_REQUEST',
          message: say(request, 'HOSO_ERR_BAD_REQUEST'),
          details: err.validation.map((v) => ({ path: v.instancePath || '/', message: v.message })),
        },
      } satisfies ErrorBody);
    }
    if (isStoreUnavailable(err)) {
      request.log.warn({ err: err.message }, 'request refused: the store is unavailable');
      return reply
        .code(503)
        .header('retry-after', '5')
        .send({
          error: {
            code: 'HOSO_ERR_UNAVAILABLE',
            message: say(request, 'HOSO_ERR_UNAVAILABLE'),
            requestId: request.id,
          },
        } satisfies ErrorBody);
    }
    const status = typeof err.statusCode === 'number' && err.statusCode < 500 ? err.statusCode : 500;
    if (status >= 500) request.log.error({ err }, 'request failed');
    return reply.code(status).send({
      error: {
        code: status >= 500 ? 'HOSO_ERR_INTERNAL' : `HOSO_ERR_HTTP_${status}`,
        message: status >= 500 ? say(request, 'HOSO_ERR_INTERNAL') : err.message,
        requestId: request.id,
      },
    } satisfies ErrorBody);
  });
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({
      error: {
        code: 'HOSO_ERR_NOT_FOUND',
        message: say(request, 'HOSO_ERR_NOT_FOUND', { method: request.method, url: request.url }),
      },
    } satisfies ErrorBody);
  });
}
