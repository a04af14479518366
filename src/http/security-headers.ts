import type { FastifyReply } from 'fastify';

/**
 * Headers for Hoso's own pages (web chat, staff console, /verify): they show citizens' words and tokens, so a
 * strict content policy means even a missed escape could not run a script, and nothing leaks by referrer or
 * framing.
 */
export function setPageSecurityHeaders(reply: FastifyReply): void {
  reply.header(
    'content-security-policy',
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
      "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  );
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'no-referrer');
  reply.header('x-frame-options', 'DENY');
}
