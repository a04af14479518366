import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

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

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown; requestId?: string };
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | HttpError, request, reply) => {
    if (err instanceof HttpError) {
      return reply.code(err.status).send({
        error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) },
      } satisfies ErrorBody);
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      return reply.code(400).send({
        error: {
          code: 'HOSO_ERR_BAD_REQUEST',
          message: 'Yêu cầu không hợp lệ / The request is not valid',
          details: err.validation.map((v) => ({ path: v.instancePath || '/', message: v.message })),
        },
      } satisfies ErrorBody);
    }
    const status = typeof err.statusCode === 'number' && err.statusCode < 500 ? err.statusCode : 500;
    if (status >= 500) request.log.error({ err }, 'request failed');
    return reply.code(status).send({
      error: {
        code: status >= 500 ? 'HOSO_ERR_INTERNAL' : `HOSO_ERR_HTTP_${status}`,
        message: status >= 500 ? 'Lỗi hệ thống / Internal error' : err.message,
        requestId: request.id,
      },
    } satisfies ErrorBody);
  });
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({
      error: {
        code: 'HOSO_ERR_NOT_FOUND',
        message: `Không tìm thấy / Not found: ${request.method} ${request.url}`,
      },
    } satisfies ErrorBody);
  });
}
