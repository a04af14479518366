import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DevOutbox } from './dev-outbox.ts';

export const DEV_OUTBOX_PATH = '/api/dev/outbox';

/**
 * `GET /api/dev/outbox[?phone=…]`: the text messages the embedded SMS gateway kept, newest first, so a
 * newcomer can read their one-time code. main.ts registers it only outside production (elsewhere: 404).
 * Other dev outboxes (payments…) live under the same path in their own modules.
 */
export function devOutboxRoutes(outbox: DevOutbox): FastifyPluginAsync {
  return async (app) => {
    app
      .withTypeProvider<ZodTypeProvider>()
      .get(
        DEV_OUTBOX_PATH,
        { schema: { querystring: z.object({ phone: z.string().max(32).optional() }) } },
        async (request, reply) => {
          void reply.header('cache-control', 'no-store');
          const phone = request.query.phone;
          return { messages: outbox.list(phone ? { phone } : {}) };
        },
      );
  };
}
