import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createDevKeys,
  DEV_P12_PASSPHRASE,
  loadDevIdentity,
} from '../../../src/extracts/signing/dev-keys.ts';
import { isDevelopmentCertificate, loadPkcs12Identity } from '../../../src/extracts/signing/identity.ts';
import { tempDir } from '../support.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('development keys', () => {
  it('marks the CA and signer as development certificates, the signer issued by the CA for signing only', async () => {
    const paths = await createDevKeys(tmp.dir);
    const ca = new X509Certificate(readFileSync(paths.caCertificate));
    const signer = (await loadDevIdentity(tmp.dir))!;
    expect(isDevelopmentCertificate(ca)).toBe(true);
    expect(signer.isDevelopment).toBe(true);
    expect(ca.ca).toBe(true);
    expect(signer.certificate.ca).toBe(false);
    expect(signer.certificate.checkIssued(ca)).toBe(true);
    expect(signer.certificate.verify(ca.publicKey)).toBe(true);
    expect(signer.chain.map((c) => c.fingerprint256)).toEqual([ca.fingerprint256]);
  }, 20_000);

  it('writes the same signer as a PKCS#12 that the agency loading path opens', async () => {
    const fromP12 = await loadPkcs12Identity(`${tmp.dir}/dev-signer.p12`, DEV_P12_PASSPHRASE);
    const fromPem = (await loadDevIdentity(tmp.dir))!;
    expect(fromP12.certificate.fingerprint256).toBe(fromPem.certificate.fingerprint256);
    expect(fromP12.isDevelopment).toBe(true);
  });

  it('returns nothing for a directory without keys', async () => {
    expect(await loadDevIdentity(`${tmp.dir}/none`)).toBeUndefined();
  });
});
