import type { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExtractRenderer, type RenderedExtract } from '../../src/extracts/renderer.ts';
import { sampleLltp } from '../../src/extracts/samples.ts';
import { createDevKeys, loadDevIdentity } from '../../src/extracts/signing/dev-keys.ts';
import { readCertificates } from '../../src/extracts/signing/identity.ts';
import { type RegistryEntry, verifyPdf } from '../../src/extracts/verify.ts';
import { createAgencyKeys, tempDir } from './support.ts';

const tmp = tempDir();
let anchors: X509Certificate[];
let extract: RenderedExtract;

beforeAll(async () => {
  const keys = await createDevKeys(join(tmp.dir, 'keys'));
  anchors = await readCertificates([keys.caCertificate]);
  const identity = (await loadDevIdentity(join(tmp.dir, 'keys')))!;
  extract = await new ExtractRenderer({ identity, publicUrl: 'https://hoso.example.gov.vn' }).render(
    sampleLltp(2),
  );
}, 30_000);
afterAll(() => tmp.cleanup());

const codes = (r: { reasons: { code: string }[] }) => r.reasons.map((x) => x.code);

describe('verifyPdf', () => {
  it('accepts an untouched extract and reports its signer, time and document id', async () => {
    const r = await verifyPdf(extract.pdf, { trustAnchors: anchors });
    expect(r.valid).toBe(true);
    expect(r.checks).toEqual({
      byteRange: 'pass',
      digest: 'pass',
      signature: 'pass',
      chain: 'pass',
      registry: 'skipped',
    });
    expect(r.documentId).toBe('LLTP-20261125-SAMPLE20001');
    expect(r.contentSha256).toBe(extract.contentSha256);
    expect(r.fileSha256).toBe(extract.fileSha256);
    expect(r.signer?.commonName).toBe('Hoso DEV signer - not for official use');
    expect(r.signer?.development).toBe(true);
    expect(r.signedAt).toBe(new Date(Math.floor(extract.signedAt.getTime() / 1000) * 1000).toISOString());
  });

  it('rejects bytes appended after signing: the byte range no longer covers the whole file', async () => {
    const appended = Buffer.concat([extract.pdf, Buffer.from('\n% appended\n')]);
    const r = await verifyPdf(appended, { trustAnchors: anchors });
    expect(r.valid).toBe(false);
    expect(r.checks.byteRange).toBe('fail');
    expect(codes(r)).toContain('byte_range_incomplete');
  });

  it('rejects a change inside the signature hole (a forged CMS)', async () => {
    const pdf = Buffer.from(extract.pdf);
    const text = pdf.toString('latin1');
    const m = /\/ByteRange \[(\d+) (\d+) (\d+) (\d+)/.exec(text)!;
    // Change one hex digit of the RSA signature value near the end of the CMS. The CMS is DER (30 82 LL LL),
    // so its own length header says where it ends; searching for the zero padding would sometimes stop at a
    // run of zeros inside the signature itself. The hole is lowercase hex, so a swap between two digits is
    // always a real change ('a' → 'A' would decode to the same byte).
    const hexStart = Number(m[2]) + 1;
    expect(text.slice(hexStart, hexStart + 4)).toBe('3082');
    const cmsBytes = 4 + Number.parseInt(text.slice(hexStart + 4, hexStart + 8), 16);
    const cmsHexEnd = hexStart + 2 * cmsBytes - 10;
    pdf[cmsHexEnd] = pdf[cmsHexEnd] === 0x30 ? 0x31 : 0x30;
    const r = await verifyPdf(pdf, { trustAnchors: anchors });
    expect(r.valid).toBe(false);
    expect(r.checks.signature).toBe('fail');
  });

  it('says the chain is untrusted when the signer does not chain to a configured anchor', async () => {
    const other = tempDir();
    try {
      const agency = createAgencyKeys(other.dir);
      const r = await verifyPdf(extract.pdf, { trustAnchors: await readCertificates([agency.caPemPath]) });
      expect(r.valid).toBe(false);
      expect(r.checks.chain).toBe('fail');
      expect(r.checks.signature).toBe('pass');
      expect(codes(r)).toContain('untrusted_certificate');
    } finally {
      other.cleanup();
    }
  });

  it('rejects a signature made with a certificate that had expired at the signing time', async () => {
    const other = tempDir();
    try {
      const past = new Date(Date.now() - 400 * 86_400_000);
      const keys = await createDevKeys(other.dir, { now: past, days: 30 });
      const identity = (await loadDevIdentity(other.dir))!;
      const out = await new ExtractRenderer({ identity, publicUrl: 'https://x.example' }).render(
        sampleLltp(1),
      );
      const r = await verifyPdf(out.pdf, { trustAnchors: await readCertificates([keys.caCertificate]) });
      expect(r.valid).toBe(false);
      expect(codes(r)).toContain('certificate_expired');
    } finally {
      other.cleanup();
    }
  });

  it('consults the registry: valid passes, revoked fails with its reason, unknown fails', async () => {
    const entries = new Map<string, RegistryEntry>();
    const lookup = async (id: string) => entries.get(id);
    let r = await verifyPdf(extract.pdf, { trustAnchors: anchors, registryLookup: lookup });
    expect(r.valid).toBe(false);
    expect(codes(r)).toContain('not_in_registry');

    entries.set(extract.documentId, { status: 'valid', fileSha256: extract.fileSha256 });
    r = await verifyPdf(extract.pdf, { trustAnchors: anchors, registryLookup: lookup });
    expect(r.valid).toBe(true);
    expect(r.checks.registry).toBe('pass');

    entries.set(extract.documentId, {
      status: 'revoked',
      reason: 'Cấp nhầm người',
      revokedAt: '2026-11-26T02:00:00Z',
    });
    r = await verifyPdf(extract.pdf, { trustAnchors: anchors, registryLookup: lookup });
    expect(r.valid).toBe(false);
    expect(r.registry).toEqual({
      status: 'revoked',
      reason: 'Cấp nhầm người',
      revokedAt: '2026-11-26T02:00:00Z',
    });
    expect(codes(r)).toContain('revoked');
  });

  it('fails the registry check when the registry recorded another file under the same id', async () => {
    const lookup = async () => ({ status: 'valid' as const, fileSha256: '0'.repeat(64) });
    const r = await verifyPdf(extract.pdf, { trustAnchors: anchors, registryLookup: lookup });
    expect(r.valid).toBe(false);
    expect(codes(r)).toContain('registry_hash_mismatch');
  });

  it('says a file without a signature is not valid', async () => {
    const r = await verifyPdf(Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n'), {
      trustAnchors: anchors,
    });
    expect(r.valid).toBe(false);
    expect(codes(r)).toEqual(['no_signature']);
  });
});
