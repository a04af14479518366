import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureCheck = 'ok' | 'missing' | 'bad_signature' | 'stale';

export interface SignatureInput {
  rawBody: Buffer;
  /** `X-Payment-Timestamp`: Unix seconds when the gateway signed. */
  timestamp: string | undefined;
  /** `X-Payment-Signature`: `sha256=<hex>`. */
  signature: string | undefined;
  secret: string;
  now: Date;
  /** How far the timestamp may be from now, either way. */
  toleranceSeconds: number;
}

/** The gateway signs `<timestamp>.<raw body>` with HMAC-SHA256, so the timestamp cannot be swapped. */
export function signPayload(secret: string, timestamp: string, rawBody: Buffer | string): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
  return `sha256=${mac}`;
}

/**
 * Checks a callback's signature and freshness. Returns a verdict and never throws; compares in constant
 * time, and checks the signature before the timestamp so a forger learns nothing from the answer.
 */
export function verifyPaymentSignature(input: SignatureInput): SignatureCheck {
  if (!input.timestamp || !input.signature || !/^\d{1,12}$/.test(input.timestamp)) return 'missing';
  const expected = Buffer.from(signPayload(input.secret, input.timestamp, input.rawBody), 'utf8');
  const given = Buffer.from(input.signature.trim().toLowerCase(), 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'bad_signature';
  const age = Math.abs(input.now.getTime() / 1000 - Number(input.timestamp));
  return age <= input.toleranceSeconds ? 'ok' : 'stale';
}
