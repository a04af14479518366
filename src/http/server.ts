import { randomUUID } from 'node:crypto';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyPluginAsync,
  LogController,
} from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { createTranslator, type Lang, type Translator } from '../i18n.ts';
import type { Logger } from '../log.ts';
import type { KeyValueStore } from '../store/types.ts';
import { installErrorHandler } from './errors.ts';

export interface HttpServerOptions {
  logger: Logger;
  store: KeyValueStore;
  /** The record store (PostgreSQL): a turn cannot finish without it either. */
  records?: KeyValueStore;
  /** Route plugins of the channels and consoles, registered in order. */
  plugins: FastifyPluginAsync[];
  /**
   * Behind a reverse proxy, trust X-Forwarded-For for client addresses (rate limits): a hop count or a list of
   * proxy addresses/CIDRs (TRUST_PROXY); false trusts nothing.
   */
  trustProxy?: boolean | number | string;
  /** Says citizens' errors in their language (default: a translator of the bundled locales). */
  translator?: Translator;
  /** The language of an error when neither the conversation nor the browser names one. */
  defaultLang?: Lang;
}

/** Fastify with zod schemas on every route, coded errors, and health endpoints. */
export async function buildHttpServer(options: HttpServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    genReqId: () => randomUUID(),
    // A hop count trusts that many proxies nearest to us (what proxy-addr does for a number).
    trustProxy:
      typeof options.trustProxy === 'number'
        ? (
            (hops: number) => (_address: string, hop: number) =>
              hop < hops
          )(options.trustProxy)
        : (options.trustProxy ?? false),
    bodyLimit: 1024 * 1024,
    // Event streams and kept-alive sockets would hold a shutdown open; clients reconnect elsewhere.
    forceCloseConnections: true,
    // Per-request lines would log URLs with session ids and tokens; routes log what matters themselves.
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('hosoLang', undefined);
  installErrorHandler(app, {
    translator: options.translator ?? createTranslator(),
    defaultLang: options.defaultLang ?? 'vi',
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const [storeOk, recordsOk] = await Promise.all([
      options.store.ping(),
      options.records ? options.records.ping() : Promise.resolve(true),
    ]);
    const ok = storeOk && recordsOk;
    return reply.code(ok ? 200 : 503).send({
      status: ok ? 'ready' : 'unavailable',
      store: { kind: options.store.kind, ok: storeOk },
      ...(options.records ? { records: { kind: options.records.kind, ok: recordsOk } } : {}),
    });
  });

  for (const plugin of options.plugins) await app.register(plugin);
  return app;
}
