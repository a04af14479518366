import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { P12Signer } from '@signpdf/signer-p12';
import { PDFDict, PDFDocument, type PDFHexString, PDFName, PDFString } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExtractRenderer, type RenderedExtract } from '../../src/extracts/renderer.ts';
import { sampleHealthRecord, sampleLltp } from '../../src/extracts/samples.ts';
import { OID } from '../../src/extracts/signing/cms.ts';
import { children, decodeOid, readNode } from '../../src/extracts/signing/der.ts';
import { createDevKeys, loadDevIdentity } from '../../src/extracts/signing/dev-keys.ts';
import {
  loadPkcs12Identity,
  readCertificates,
  type SigningIdentity,
} from '../../src/extracts/signing/identity.ts';
import { verifyPdf } from '../../src/extracts/verify.ts';
import {
  createAgencyKeys,
  nssDbTrusting,
  pdfsig,
  pdftotext,
  qpdfCheck,
  tempDir,
  testMarkPixels,
} from './support.ts';

const tmp = tempDir();
let identity: SigningIdentity;
let caPem: string;
let nssdir: string;
const extracts: Record<string, RenderedExtract> = {};
const files: Record<string, string> = {};

beforeAll(async () => {
  const keys = await createDevKeys(join(tmp.dir, 'keys'));
  identity = (await loadDevIdentity(join(tmp.dir, 'keys')))!;
  caPem = keys.caCertificate;
  nssdir = nssDbTrusting(tmp.dir, [caPem]);
  const renderer = new ExtractRenderer({ identity, publicUrl: 'https://hoso.example.gov.vn' });
  const samples = {
    'lltp-form-1': sampleLltp(1),
    'lltp-form-2': sampleLltp(2),
    'health-all': sampleHealthRecord(),
    'health-vaccinations': sampleHealthRecord({
      scope: 'vaccinations',
      groups: ['administrative', 'history'],
    }),
  };
  for (const [name, data] of Object.entries(samples)) {
    extracts[name] = await renderer.render(data);
    files[name] = join(tmp.dir, `${name}.pdf`);
    writeFileSync(files[name], extracts[name].pdf);
  }
}, 60_000);

afterAll(() => tmp.cleanup());

/** The CMS SignedData of a signed extract, parsed from the /Contents hole. */
function cmsOf(pdf: Buffer) {
  const text = pdf.toString('latin1');
  const m = /\/ByteRange \[(\d+) (\d+) (\d+) (\d+)/.exec(text)!;
  const hex = text.slice(Number(m[2]) + 1, Number(m[3]) - 1);
  return readNode(Buffer.from(hex, 'hex'));
}

function signedAttributeTypes(pdf: Buffer): string[] {
  const signedData = children(children(children(cmsOf(pdf))[1]!)[0]!);
  const signerInfos = signedData[signedData.length - 1]!;
  const signerInfo = children(children(signerInfos)[0]!);
  return children(signerInfo[3]!).map((attr) => decodeOid(children(attr)[0]!.body));
}

describe('PAdES signature on extracts', () => {
  it.each(['lltp-form-1', 'lltp-form-2', 'health-all', 'health-vaccinations'])(
    'pdfsig finds the %s extract valid and trusted with the development CA in its NSS database',
    (name) => {
      const report = pdfsig(files[name]!, nssdir);
      expect(report).toContain('Signature Type: ETSI.CAdES.detached');
      expect(report).toContain('Total document signed');
      expect(report).toContain('Signature Validation: Signature is Valid.');
      expect(report).toContain('Certificate Validation: Certificate is Trusted.');
      expect(qpdfCheck(files[name]!)).toContain('No syntax or stream encoding errors');
    },
  );

  it('pdfsig does not trust the signer when the NSS database lacks the CA', () => {
    const other = tempDir();
    try {
      const emptyDb = nssDbTrusting(other.dir, []);
      const report = pdfsig(files['lltp-form-1']!, emptyDb);
      expect(report).toContain('Signature is Valid.');
      expect(report).not.toContain('Certificate is Trusted.');
    } finally {
      other.cleanup();
    }
  });

  it.each(['lltp-form-2', 'health-all'])(
    'detects a one-byte change in the %s extract with both pdfsig and verifyPdf',
    async (name) => {
      const pdf = Buffer.from(extracts[name]!.pdf);
      // A byte inside the first page's content, well inside the signed range.
      const at = pdf.indexOf('stream', pdf.indexOf('/Contents', 2000)) + 20;
      pdf[at] = pdf[at]! ^ 0x01;
      const tampered = join(tmp.dir, `${name}-tampered.pdf`);
      writeFileSync(tampered, pdf);
      expect(pdfsig(tampered, nssdir)).toContain('Digest Mismatch');
      const result = await verifyPdf(pdf, { trustAnchors: await readCertificates([caPem]) });
      expect(result.valid).toBe(false);
      expect(result.checks.digest).toBe('fail');
      expect(result.reasons.map((r) => r.code)).toContain('digest_mismatch');
    },
  );

  it('signs with exactly content-type, message-digest and signing-certificate-v2, without signing-time', () => {
    const types = signedAttributeTypes(extracts['lltp-form-1']!.pdf);
    expect(types.sort()).toEqual([OID.contentType, OID.messageDigest, OID.signingCertificateV2].sort());
    expect(types).not.toContain(OID.signingTime);
  });

  it('puts the signing time, signer and Vietnamese reason in the signature dictionary, readably encoded', async () => {
    const doc = await PDFDocument.load(extracts['lltp-form-2']!.pdf);
    const acroForm = doc.catalog.lookup(PDFName.of('AcroForm'), PDFDict);
    const fields = acroForm.lookup(PDFName.of('Fields'));
    const widget = doc.context.lookup(
      (fields as unknown as { get: (i: number) => unknown }).get(0) as never,
      PDFDict,
    );
    const sig = widget.lookup(PDFName.of('V'), PDFDict);
    const decode = (key: string) => (sig.lookup(PDFName.of(key)) as PDFHexString | PDFString).decodeText();
    expect(decode('Reason')).toBe('Cấp Phiếu lý lịch tư pháp số 2');
    expect(decode('Location')).toBe('Hà Nội');
    expect(decode('Name')).toBe('Hoso DEV signer - not for official use');
    expect(sig.lookup(PDFName.of('M'), PDFString).decodeDate().getTime()).toBe(
      Math.floor(extracts['lltp-form-2']!.signedAt.getTime() / 1000) * 1000,
    );
    expect(sig.lookup(PDFName.of('SubFilter'))?.toString()).toBe('/ETSI.CAdES.detached');
  });

  it('reserves a signature hole sized to the CMS rather than the 8 KB default', () => {
    const pdf = extracts['lltp-form-1']!.pdf.toString('latin1');
    const m = /\/ByteRange \[(\d+) (\d+) (\d+) (\d+)/.exec(pdf)!;
    const holeBytes = (Number(m[3]) - Number(m[2]) - 2) / 2;
    const cmsBytes = cmsOf(extracts['lltp-form-1']!.pdf).raw.length;
    expect(holeBytes).toBeGreaterThanOrEqual(cmsBytes);
    expect(holeBytes - cmsBytes).toBeLessThan(64);
  });

  it('keeps signing with one loaded identity, where a P12Signer can sign only once', async () => {
    const renderer = new ExtractRenderer({ identity, publicUrl: 'https://hoso.example.gov.vn' });
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await renderer.render(sampleLltp(1)));
    const anchors = await readCertificates([caPem]);
    for (const r of results) expect((await verifyPdf(r.pdf, { trustAnchors: anchors })).valid).toBe(true);

    // The library signer consumes its PKCS#12 buffer: the recipe's pitfall this design avoids.
    const { readFileSync } = await import('node:fs');
    const signer = new P12Signer(readFileSync(join(tmp.dir, 'keys', 'dev-signer.p12')), {
      passphrase: 'hoso-dev',
    });
    await signer.sign(Buffer.from('first'));
    await expect(signer.sign(Buffer.from('second'))).rejects.toThrow();
  });
});

describe('agency keys', () => {
  it('signs with an agency PKCS#12 (legacy 3DES) that pdfsig trusts, without the test-copy mark', async () => {
    const dir = tempDir();
    try {
      const agency = createAgencyKeys(dir.dir, { algorithm: '3des' });
      const agencyIdentity = await loadPkcs12Identity(agency.p12Path, agency.passphrase);
      expect(agencyIdentity.isDevelopment).toBe(false);
      expect(agencyIdentity.signerName).toBe('Phòng Hồ sơ nghiệp vụ (hư cấu)');
      const out = await new ExtractRenderer({
        identity: agencyIdentity,
        publicUrl: 'https://x.example',
      }).render(sampleLltp(1));
      const file = join(dir.dir, 'agency.pdf');
      writeFileSync(file, out.pdf);
      const report = pdfsig(file, nssDbTrusting(dir.dir, [agency.caPemPath]));
      expect(report).toContain('Signature is Valid.');
      expect(report).toContain('Certificate is Trusted.');
      expect(report).toContain('Signer Certificate Common Name: Phòng Hồ sơ nghiệp vụ (hư cấu)');
      expect(pdftotext(file)).not.toContain('BẢN THỬ NGHIỆM');
      expect(testMarkPixels(file, 1)).toBe(0);
      const result = await verifyPdf(out.pdf, { trustAnchors: await readCertificates([agency.caPemPath]) });
      expect(result.valid).toBe(true);
      expect(result.signer?.development).toBe(false);
    } finally {
      dir.cleanup();
    }
  });

  it('loads an AES-encrypted PKCS#12 as OpenSSL 3 writes by default', async () => {
    const dir = tempDir();
    try {
      const agency = createAgencyKeys(dir.dir, { algorithm: 'aes256' });
      const loaded = await loadPkcs12Identity(agency.p12Path, agency.passphrase);
      expect(loaded.privateKey.asymmetricKeyType).toBe('rsa');
      expect(loaded.chain).toHaveLength(1);
    } finally {
      dir.cleanup();
    }
  });

  it('opens a PKCS#12 written by OpenSSL 3 with a Vietnamese passphrase', async () => {
    const fixture = new URL('../fixtures/extracts/openssl3-aes-utf8-passphrase.p12', import.meta.url);
    const loaded = await loadPkcs12Identity(fixture.pathname, 'mật khẩu thử');
    expect(loaded.signerName).toBe('Chữ ký thử nghiệm (hư cấu)');
    await expect(loadPkcs12Identity(fixture.pathname, 'mat khau thu')).rejects.toMatchObject({
      code: 'HOSO_ERR_SIGNING_KEY_UNREADABLE',
    });
  });

  it('refuses a PKCS#12 with the wrong passphrase with a typed error', async () => {
    const dir = tempDir();
    try {
      const agency = createAgencyKeys(dir.dir);
      await expect(loadPkcs12Identity(agency.p12Path, 'sai mật khẩu')).rejects.toMatchObject({
        code: 'HOSO_ERR_SIGNING_KEY_UNREADABLE',
      });
    } finally {
      dir.cleanup();
    }
  });
});
