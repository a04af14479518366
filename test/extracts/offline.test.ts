import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkVerifyLinkToken, deriveLinkKey, newDocumentId } from '../../src/extracts/document-id.ts';
import {
  createOfflinePayload,
  publicKeyDocuments,
  verifyOfflinePayload,
} from '../../src/extracts/offline.ts';
import { ExtractRenderer, type RenderedExtract } from '../../src/extracts/renderer.ts';
import { sampleHealthRecord, sampleLltp } from '../../src/extracts/samples.ts';
import { createDevKeys, loadDevIdentity } from '../../src/extracts/signing/dev-keys.ts';
import type { SigningIdentity } from '../../src/extracts/signing/identity.ts';
import { decodeQr, pageCount, tempDir } from './support.ts';

const tmp = tempDir();
let identity: SigningIdentity;
let lltp: RenderedExtract;
let health: RenderedExtract;

beforeAll(async () => {
  await createDevKeys(tmp.dir);
  identity = (await loadDevIdentity(tmp.dir))!;
  const renderer = new ExtractRenderer({ identity, publicUrl: 'https://hoso.example.gov.vn/' });
  lltp = await renderer.render(sampleLltp(2));
  health = await renderer.render(sampleHealthRecord());
}, 30_000);
afterAll(() => tmp.cleanup());

describe('QR code on the extract', () => {
  it.each([
    ['lltp', () => lltp],
    ['health_record', () => health],
  ])(
    'decodes (zbarimg, a 150 dpi scan) on the %s extract to the verification link and a payload that verifies offline',
    (name, get) => {
      const out = get();
      const file = join(tmp.dir, `${name}.pdf`);
      writeFileSync(file, out.pdf);
      const codes = decodeQr(file, pageCount(file), tmp.dir, 150);
      expect(codes).toHaveLength(1);
      const [link, payload] = codes[0]!.split('#') as [string, string];
      expect(link).toBe(out.verifyUrl);
      expect(link).toMatch(/^https:\/\/hoso\.example\.gov\.vn\/verify\?d=[A-Z0-9-]+&t=[A-Za-z0-9_-]{12}$/);
      // Offline: only the published key is needed.
      const published = publicKeyDocuments(identity);
      const check = verifyOfflinePayload(payload, published.jwks);
      expect(check).toMatchObject({
        valid: true,
        documentId: out.documentId,
        contentSha256: out.contentSha256,
        initials: 'NTMT',
        issueDate: '2026-11-25',
      });
      expect(verifyOfflinePayload(payload, published.pem).valid).toBe(true);
    },
  );

  it('gives a link token the server can check, and that fails for another document id', () => {
    const token = new URL(lltp.verifyUrl).searchParams.get('t')!;
    const key = deriveLinkKey(identity.privateKey);
    expect(checkVerifyLinkToken(key, lltp.documentId, token)).toBe(true);
    expect(checkVerifyLinkToken(key, health.documentId, token)).toBe(false);
    expect(checkVerifyLinkToken(key, lltp.documentId, token.slice(0, 11))).toBe(false);
  });
});

describe('offline payload', () => {
  const claims = {
    documentId: 'LLTP-20261125-7K3M9Q2XDA',
    contentSha256: Buffer.alloc(32, 7),
    initials: 'ĐVƠ',
    issueDate: '2026-11-25',
  };

  it('round-trips its claims, Vietnamese initials included', () => {
    const jws = createOfflinePayload(identity, claims);
    expect(jws.split('.')).toHaveLength(3);
    expect(verifyOfflinePayload(jws, identity.publicKey)).toMatchObject({
      valid: true,
      initials: 'ĐVƠ',
      contentSha256: Buffer.alloc(32, 7).toString('hex'),
    });
  });

  it('fails when a claim is altered', () => {
    const [h, p, s] = createOfflinePayload(identity, claims).split('.') as [string, string, string];
    const altered = JSON.parse(Buffer.from(p, 'base64url').toString());
    altered.d = 'LLTP-20261125-0000000000';
    const forged = `${h}.${Buffer.from(JSON.stringify(altered)).toString('base64url')}.${s}`;
    expect(verifyOfflinePayload(forged, identity.publicKey)).toEqual({
      valid: false,
      reason: 'signature does not verify',
    });
  });

  it('fails against another issuer key', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(verifyOfflinePayload(createOfflinePayload(identity, claims), publicKey).valid).toBe(false);
  });

  it('also works with an ECDSA P-256 issuer key (ES256)', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jws = createOfflinePayload(ec, claims);
    expect(JSON.parse(Buffer.from(jws.split('.')[0]!, 'base64url').toString()).alg).toBe('ES256');
    expect(verifyOfflinePayload(jws, publicKeyDocuments(ec).jwks).valid).toBe(true);
  });

  it('publishes the key as a JWK set with a kid matching the payload header', () => {
    const docs = publicKeyDocuments(identity);
    const header = JSON.parse(
      Buffer.from(createOfflinePayload(identity, claims).split('.')[0]!, 'base64url').toString(),
    );
    expect(docs.jwks.keys[0]).toMatchObject({ kty: 'RSA', kid: header.kid, use: 'sig', alg: 'RS256' });
    expect(docs.jwks.keys[0]).not.toHaveProperty('d');
    expect(docs.pem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
  });
});

describe('document ids', () => {
  it('are unique, carry the kind and issue date, and fit the schema', () => {
    const ids = new Set(Array.from({ length: 200 }, () => newDocumentId('lltp', '2026-11-25')));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^LLTP-20261125-[0-9A-HJKMNP-TV-Z]{10}$/);
    expect(newDocumentId('health_record', '2026-01-05')).toMatch(/^SKDT-20260105-/);
  });
});
