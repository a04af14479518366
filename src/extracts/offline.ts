import {
  createECDH,
  createHash,
  createPrivateKey,
  createPublicKey,
  hkdfSync,
  type JsonWebKey,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
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

type KeyPair = Pick<SigningIdentity, 'privateKey' | 'publicKey'>;

/** The order of the P-256 group: a private scalar must be in [1, n-1]. */
const P256_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

/**
 * The key that signs the QR code's payload. An RSA signature alone is 342 base64url characters, which makes
 * the QR symbol so dense that a 150 dpi scan of a printout no longer decodes; an ES256 signature is 86. An
 * issuer with a P-256 key signs with it; an RSA issuer signs with a P-256 key derived from its own private
 * key (HKDF-SHA256), so every process and restart derives the same one, and it is published in the JWK set
 * beside the issuer key.
 */
export function qrSigningKey(identity: KeyPair): KeyPair {
  if (algorithmFor(identity.publicKey) === 'ES256') return identity;
  const secret = identity.privateKey.export({ type: 'pkcs8', format: 'der' });
  for (let counter = 0; ; counter++) {
    const seed = Buffer.from(hkdfSync('sha256', secret, 'hoso-qr-key', `p256-${counter}`, 32));
    const scalar = BigInt(`0x${seed.toString('hex')}`);
    if (scalar === 0n || scalar >= P256_ORDER) continue;
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(seed);
    const point = ecdh.getPublicKey();
    const jwk = {
      kty: 'EC',
      crv: 'P-256',
      d: seed.toString('base64url'),
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33, 65).toString('base64url'),
    };
    const privateKey = createPrivateKey({ key: jwk, format: 'jwk' });
    return { privateKey, publicKey: createPublicKey(privateKey) };
  }
}

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

/**
 * `kid: false` leaves the key id out of the header (24 characters fewer in a QR code): a verifier then tries
 * every published key of the header's algorithm.
 */
export function createOfflinePayload(
  identity: Pick<SigningIdentity, 'privateKey' | 'publicKey'>,
  claims: OfflineClaims,
  options: { kid?: boolean } = {},
): string {
  const alg = algorithmFor(identity.publicKey);
  const header = b64json(options.kid === false ? { alg } : { alg, kid: keyId(identity.publicKey) });
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

/**
 * The issuer's public keys for a well-known URL: a JWK set (e.g. /.well-known/jwks.json) and SPKI PEM, the
 * issuer key first, then the QR key when it differs (see qrSigningKey). `kid` names the issuer key.
 */
export function publicKeyDocuments(identity: KeyPair): {
  kid: string;
  jwks: { keys: JsonWebKey[] };
  pem: string;
} {
  const qr = qrSigningKey(identity).publicKey;
  const published = qr.equals(identity.publicKey) ? [identity.publicKey] : [identity.publicKey, qr];
  return {
    kid: keyId(identity.publicKey),
    jwks: {
      keys: published.map((key) => ({
        ...key.export({ format: 'jwk' }),
        kid: keyId(key),
        use: 'sig',
        alg: algorithmFor(key),
      })),
    },
    pem: published.map((key) => key.export({ type: 'spki', format: 'pem' }).toString()).join(''),
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
  if (typeof keys === 'string') {
    // A PEM file may hold several keys (the issuer key and the QR key).
    const blocks = keys.match(/-----BEGIN [^-]+-----[\s\S]*?-----END [^-]+-----/g) ?? [keys];
    return blocks.map((block) => createPublicKey(block));
  }
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
