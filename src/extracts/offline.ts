import { createHash, createPublicKey, type JsonWebKey, type KeyObject, sign, verify } from 'node:crypto';
import { z } from 'zod';
import type { SigningIdentity } from './signing/identity.ts';

/**
 * The offline payload printed in the QR code: a JWS in compact serialisation (RFC 7515), signed with the issuer
 * key (RS256 for RSA keys, ES256 for P-256), so any JOSE library can check it with the key published as a JWK
 * set. Claims are short to keep the QR small:
 *   d  document id
 *   h  document hash: base64url SHA-256 of the canonical content (see canonical.ts: contentSha256)
 *   n  subject name initials, diacritics kept ("NTMT")
 *   i  issue date, YYYY-MM-DD
 * The header carries `kid`, the first 16 characters of the key's RFC 7638 thumbprint.
 */

export interface OfflineClaims {
  documentId: string;
  /** 32-byte SHA-256 of the canonical content. */
  contentSha256: Buffer;
  initials: string;
  issueDate: string;
}

const PayloadSchema = z.object({
  d: z.string().min(1),
  h: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  n: z.string(),
  i: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
});
const HeaderSchema = z.object({ alg: z.enum(['RS256', 'ES256']), kid: z.string().optional() });

export function createOfflinePayload(
  identity: Pick<SigningIdentity, 'privateKey' | 'publicKey'>,
  claims: OfflineClaims,
): string {
  const alg = algorithmFor(identity.publicKey);
  const header = b64json({ alg, kid: keyId(identity.publicKey) });
  const payload = b64json({
    d: claims.documentId,
    h: claims.contentSha256.toString('base64url'),
    n: claims.initials,
    i: claims.issueDate,
  });
  const input = `${header}.${payload}`;
  const signature = sign('sha256', Buffer.from(input), {
    key: identity.privateKey,
    dsaEncoding: 'ieee-p1363',
  });
  return `${input}.${signature.toString('base64url')}`;
}

export type OfflineVerification =
  | {
      valid: true;
      documentId: string;
      /** Hex. */
      contentSha256: string;
      initials: string;
      issueDate: string;
      kid: string | undefined;
    }
  | { valid: false; reason: string };

/**
 * Checks a payload against published keys (a KeyObject, a PEM, a JWK or a JWK set). Pure and offline.
 * A payload may also be given as the full QR text: the part after '#' is used.
 */
export function verifyOfflinePayload(
  payloadOrQrText: string,
  keys: KeyObject | string | JsonWebKey | { keys: JsonWebKey[] },
): OfflineVerification {
  const jws = payloadOrQrText.includes('#')
    ? payloadOrQrText.slice(payloadOrQrText.indexOf('#') + 1)
    : payloadOrQrText;
  const parts = jws.split('.');
  if (parts.length !== 3) return { valid: false, reason: 'not a JWS compact serialisation' };
  const [h, p, s] = parts as [string, string, string];
  let header: z.infer<typeof HeaderSchema>;
  let claims: z.infer<typeof PayloadSchema>;
  try {
    header = HeaderSchema.parse(JSON.parse(Buffer.from(h, 'base64url').toString('utf8')));
    claims = PayloadSchema.parse(JSON.parse(Buffer.from(p, 'base64url').toString('utf8')));
  } catch {
    return { valid: false, reason: 'malformed header or claims' };
  }
  const candidates = toKeyObjects(keys).filter(
    (k) => algorithmFor(k) === header.alg && (!header.kid || keyId(k) === header.kid),
  );
  if (candidates.length === 0) return { valid: false, reason: 'no published key matches the payload' };
  const signature = Buffer.from(s, 'base64url');
  const ok = candidates.some((key) =>
    verify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' }, signature),
  );
  if (!ok) return { valid: false, reason: 'signature does not verify' };
  return {
    valid: true,
    documentId: claims.d,
    contentSha256: Buffer.from(claims.h, 'base64url').toString('hex'),
    initials: claims.n,
    issueDate: claims.i,
    kid: header.kid,
  };
}

/** The issuer's public key for a well-known URL: a JWK set (e.g. /.well-known/jwks.json) and the SPKI PEM. */
export function publicKeyDocuments(identity: Pick<SigningIdentity, 'publicKey'>): {
  kid: string;
  jwks: { keys: JsonWebKey[] };
  pem: string;
} {
  const kid = keyId(identity.publicKey);
  const jwk = {
    ...identity.publicKey.export({ format: 'jwk' }),
    kid,
    use: 'sig',
    alg: algorithmFor(identity.publicKey),
  };
  return {
    kid,
    jwks: { keys: [jwk] },
    pem: identity.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** First 16 characters of the RFC 7638 JWK thumbprint. */
export function keyId(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' });
  const members =
    jwk.kty === 'RSA'
      ? { e: jwk.e, kty: jwk.kty, n: jwk.n }
      : { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url').slice(0, 16);
}

function algorithmFor(key: KeyObject): 'RS256' | 'ES256' {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  throw new Error(`offline payload: unsupported key type ${key.asymmetricKeyType}`);
}

function toKeyObjects(keys: KeyObject | string | JsonWebKey | { keys: JsonWebKey[] }): KeyObject[] {
  if (typeof keys === 'string') return [createPublicKey(keys)];
  if ('asymmetricKeyType' in keys && typeof (keys as KeyObject).export === 'function')
    return [keys as KeyObject];
  if ('keys' in keys && Array.isArray(keys.keys)) {
    return keys.keys.flatMap((k) => {
      try {
        return [createPublicKey({ key: k, format: 'jwk' })];
      } catch {
        return [];
      }
    });
  }
  return [createPublicKey({ key: keys as JsonWebKey, format: 'jwk' })];
}

function b64json(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
