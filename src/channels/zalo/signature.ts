import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Zalo signs each webhook delivery in `X-ZEvent-Signature: mac=<hex>`, where the hex is
 * SHA-256(app id + raw body + timestamp + OA secret key) and the timestamp is the body's own `timestamp` field.
 */
export function zaloSignature(
  appId: string,
  rawBody: string,
  timestamp: string,
  oaSecretKey: string,
): string {
  return createHash('sha256').update(`${appId}${rawBody}${timestamp}${oaSecretKey}`, 'utf8').digest('hex');
}

export function signatureHeader(
  appId: string,
  rawBody: string,
  timestamp: string,
  oaSecretKey: string,
): string {
  return `mac=${zaloSignature(appId, rawBody, timestamp, oaSecretKey)}`;
}

/** Constant-time comparison, so a forger learns nothing from how long the refusal took. */
export function verifyZaloSignature(
  header: string | undefined,
  appId: string,
  rawBody: string,
  timestamp: string,
  oaSecretKey: string,
): boolean {
  if (!header) return false;
  const given = header.trim().replace(/^mac=/i, '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(given)) return false;
  const expected = zaloSignature(appId, rawBody, timestamp, oaSecretKey);
  return timingSafeEqual(Buffer.from(given, 'hex'), Buffer.from(expected, 'hex'));
}
