import type { FastifyPluginAsync } from 'fastify';
import type { publicKeyDocuments } from './offline.ts';

export const JWKS_PATH = '/.well-known/jwks.json';
export const PEM_PATH = '/.well-known/hoso-signing-key.pem';

/**
 * The issuer's public key, published so that anyone can check a QR code's offline payload
 * (verifyOfflinePayload, or any JOSE library) without asking Hoso about the document. Public and cacheable;
 * any origin may read it (a verifier's own web page).
 */
export function keyRoutes(keys: ReturnType<typeof publicKeyDocuments>): FastifyPluginAsync {
  const jwks = JSON.stringify(keys.jwks);
  return async (app) => {
    app.addHook('onSend', async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=3600');
      reply.header('access-control-allow-origin', '*');
      reply.header('x-content-type-options', 'nosniff');
    });
    app.get(JWKS_PATH, async (_request, reply) => reply.type('application/jwk-set+json').send(jwks));
    app.get(PEM_PATH, async (_request, reply) => reply.type('application/x-pem-file').send(keys.pem));
  };
}
