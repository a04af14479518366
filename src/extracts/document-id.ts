import { createHmac, hkdfSync, type KeyObject, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ExtractKind } from './schema.ts';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const PREFIX: Record<ExtractKind, string> = { lltp: 'LLTP', health_record: 'SKDT' };

/** A new registry id, e.g. LLTP-20261125-7K3M9Q2XDA: kind, issue date, 50 random bits (Crockford base32). */
export function newDocumentId(kind: ExtractKind, issueDate: string): string {
  const bytes = randomBytes(7);
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  let out = '';
  for (let i = 0; i < 10; i++) {
    out += CROCKFORD[Number(bits & 31n)];
    bits >>= 5n;
  }
  return `${PREFIX[kind]}-${issueDate.replaceAll('-', '')}-${out}`;
}

/**
 * The short token of the QR verification link: HMAC-SHA256 over the document id, truncated to 72 bits
 * (12 base64url characters). It is not what proves authenticity (the PAdES signature and the offline payload do
 * that); it keeps the public /verify endpoint from answering for ids that were guessed or enumerated, so only
 * someone holding the document (or its QR) sees the registry status and masked details.
 */
export function verifyLinkToken(linkKey: Buffer, documentId: string): string {
  return createHmac('sha256', linkKey)
    .update(`hoso/verify-link/v1\0${documentId}`)
    .digest('base64url')
    .slice(0, 12);
}

export function checkVerifyLinkToken(linkKey: Buffer, documentId: string, token: string): boolean {
  const expected = Buffer.from(verifyLinkToken(linkKey, documentId));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Default link key when no VERIFY_LINK_SECRET is configured: derived (HKDF-SHA256) from the signing key, so
 * every process holding the key computes the same tokens, and rotating the key rotates the links.
 */
export function deriveLinkKey(privateKey: KeyObject): Buffer {
  const der = privateKey.export({ type: 'pkcs8', format: 'der' });
  return Buffer.from(hkdfSync('sha256', der, Buffer.alloc(0), 'hoso verify-link v1', 32));
}

export function verificationUrl(publicUrl: string, documentId: string, token: string): string {
  const base = publicUrl.replace(/\/+$/, '');
  return `${base}/verify?d=${encodeURIComponent(documentId)}&t=${encodeURIComponent(token)}`;
}
