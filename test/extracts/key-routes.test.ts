import type { JsonWebKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyOfflinePayload } from '../../src/extracts/offline.ts';
import { startTestApp } from '../support/app.ts';
import { issueThroughApp, qrTextOf } from '../support/extracts.ts';

describe('the published signing key', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  beforeAll(async () => {
    app = await startTestApp({ memory: true });
  });
  afterAll(async () => {
    await app?.close();
  });

  it("checks an issued extract's QR payload offline with the JWK set fetched from /.well-known/jwks.json", async () => {
    const { pdf, issued } = await issueThroughApp(app);
    const qr = qrTextOf(app, pdf);
    const res = await fetch(`${app.baseUrl}/.well-known/jwks.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/jwk-set+json');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const jwks = (await res.json()) as { keys: JsonWebKey[] };
    // The issuer's RSA key, and the P-256 key that signs the QR code's short payload.
    expect(jwks.keys.map((k) => k.kty)).toEqual(['RSA', 'EC']);
    for (const key of jwks.keys) expect(key).not.toHaveProperty('d');

    const checked = verifyOfflinePayload(`${qr.link}#${qr.payload}`, jwks);
    expect(checked).toMatchObject({ valid: true, documentId: issued.documentId, initials: 'TTH' });
  });

  it('publishes the same key as PEM, and a payload signed by another key does not verify with it', async () => {
    const { pdf } = await issueThroughApp(app);
    const pem = await (await fetch(`${app.baseUrl}/.well-known/hoso-signing-key.pem`)).text();
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const { payload } = qrTextOf(app, pdf);
    expect(verifyOfflinePayload(payload, pem).valid).toBe(true);
    const [h, p, s] = payload.split('.') as [string, string, string];
    const forged = `${h}.${p}.${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`;
    expect(verifyOfflinePayload(forged, pem).valid).toBe(false);
  });
});
