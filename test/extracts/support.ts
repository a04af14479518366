import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';

/**
 * Helpers for the extracts tests: temp dirs, an "agency" PKCS#12 (a CA and signer without the development
 * policy, as a real agency key would be), and the external checkers the tests run: poppler's pdfsig,
 * pdftotext and pdftoppm, NSS certutil and zbarimg (Debian packages poppler-utils, libnss3-tools, zbar-tools).
 */

export function tempDir(prefix = 'hoso-extracts-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface AgencyKeys {
  p12Path: string;
  passphrase: string;
  caPemPath: string;
}

/** A CA and a signer issued by it, as an agency would hold them, written as PKCS#12 (3DES like `openssl -legacy`, or AES). */
export function createAgencyKeys(
  dir: string,
  options: { algorithm?: '3des' | 'aes256'; notAfter?: Date; notBefore?: Date } = {},
): AgencyKeys {
  const keyPair = () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const key = forge.pki.privateKeyFromPem(
      privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    ) as forge.pki.rsa.PrivateKey;
    return { privateKey: key, publicKey: forge.pki.setRsaPublicKey(key.n, key.e) };
  };
  const notBefore = options.notBefore ?? new Date(Date.now() - 86_400_000);
  const notAfter = options.notAfter ?? new Date(Date.now() + 365 * 86_400_000);
  const caKeys = keyPair();
  const caName = [
    { shortName: 'C', value: 'VN' },
    { shortName: 'O', value: 'Fictional Root CA for tests' },
    { shortName: 'CN', value: 'Fictional Agency Root CA' },
  ];
  const ca = forge.pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = `01${randomBytes(8).toString('hex')}`;
  ca.validity.notBefore = notBefore;
  ca.validity.notAfter = notAfter;
  ca.setSubject(caName);
  ca.setIssuer(caName);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());

  const signerKeys = keyPair();
  const signer = forge.pki.createCertificate();
  signer.publicKey = signerKeys.publicKey;
  signer.serialNumber = `02${randomBytes(8).toString('hex')}`;
  signer.validity.notBefore = notBefore;
  signer.validity.notAfter = notAfter;
  // Tagged UTF8String, forge encodes the value as UTF-8 (untagged it would write truncated binary strings).
  const utf8 = (value: string) => ({ value, valueTagClass: forge.asn1.Type.UTF8 });
  signer.setSubject([
    { shortName: 'C', value: 'VN' },
    { shortName: 'O', ...utf8('Công an thành phố Hà Nội (hư cấu)') },
    { shortName: 'CN', ...utf8('Phòng Hồ sơ nghiệp vụ (hư cấu)') },
  ] as forge.pki.CertificateField[]);
  signer.setIssuer(caName);
  signer.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
  ]);
  signer.sign(caKeys.privateKey, forge.md.sha256.create());

  // forge writes non-ASCII passphrases non-standardly under PBES2; the loader's UTF-8 case uses an OpenSSL fixture.
  const passphrase = 'agency-test-passphrase';
  const p12 = forge.pkcs12.toPkcs12Asn1(signerKeys.privateKey, [signer, ca], passphrase, {
    algorithm: options.algorithm ?? '3des',
  });
  const p12Path = join(dir, 'agency.p12');
  const caPemPath = join(dir, 'agency-ca.pem');
  writeFileSync(p12Path, Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary'));
  writeFileSync(caPemPath, forge.pki.certificateToPem(ca));
  return { p12Path, passphrase, caPemPath };
}

/** An NSS database (for pdfsig -nssdir) trusting the given CA certificates. */
export function nssDbTrusting(dir: string, caPemPaths: string[]): string {
  const db = join(dir, 'nssdb');
  execFileSync('mkdir', ['-p', db]);
  execFileSync('certutil', ['-N', '-d', `sql:${db}`, '--empty-password']);
  caPemPaths.forEach((pem, i) => {
    execFileSync('certutil', ['-A', '-d', `sql:${db}`, '-n', `ca-${i}`, '-t', 'CT,C,C', '-i', pem]);
  });
  return `sql:${db}`;
}

export function pdfsig(file: string, nssdir?: string): string {
  const args = nssdir ? ['-nssdir', nssdir, file] : [file];
  try {
    return execFileSync('pdfsig', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    // pdfsig exits non-zero for some failures but still prints its report.
    const e = err as { stdout?: string; stderr?: string };
    return `${e.stdout ?? ''}${e.stderr ?? ''}`;
  }
}

export function pdftotext(file: string, page?: number): string {
  const range = page ? ['-f', String(page), '-l', String(page)] : [];
  return execFileSync('pdftotext', [...range, file, '-'], { encoding: 'utf8' });
}

export interface WordBox {
  page: number;
  text: string;
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}

/** Every word with its box (points from the top-left of its page), from `pdftotext -bbox`. */
export function pdfWords(file: string): WordBox[] {
  const html = execFileSync('pdftotext', ['-bbox', file, '-'], { encoding: 'utf8' });
  const words: WordBox[] = [];
  let page = 0;
  for (const line of html.split('\n')) {
    if (line.includes('<page ')) page++;
    const m = /<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)<\/word>/.exec(line);
    if (m) {
      const text = m[5]!
        .replace(/&amp;/g, '&')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"');
      words.push({ page, text, xMin: +m[1]!, yMin: +m[2]!, xMax: +m[3]!, yMax: +m[4]! });
    }
  }
  return words;
}

/** Renders one page at `dpi` and decodes QR codes on it with zbarimg. */
export function decodeQr(file: string, page: number, dir: string, dpi = 300): string[] {
  const prefix = join(dir, `qr-${page}-${dpi}`);
  execFileSync('pdftoppm', [
    '-png',
    '-r',
    String(dpi),
    '-f',
    String(page),
    '-l',
    String(page),
    '-singlefile',
    file,
    prefix,
  ]);
  try {
    const out = execFileSync('zbarimg', ['--quiet', '--raw', `${prefix}.png`], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return out.split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

export function qpdfCheck(file: string): string {
  return execFileSync('qpdf', ['--check', file], { encoding: 'utf8' });
}

export function pageCount(file: string): number {
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  return Number(/Pages:\s+(\d+)/.exec(info)?.[1]);
}

/** Pixels of the test mark's pale red on a page rendered at 30 dpi: non-zero where the diagonal mark shows. */
export function testMarkPixels(file: string, page: number): number {
  const ppm = execFileSync(
    'pdftoppm',
    ['-r', '30', '-f', String(page), '-l', String(page), '-singlefile', file],
    {
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  // P6 header: magic, width, height, maxval, each followed by whitespace.
  let at = 0;
  for (let fields = 0; fields < 4; at++) if (ppm[at] === 0x0a || ppm[at] === 0x20) fields++;
  let count = 0;
  for (let i = at; i + 2 < ppm.length; i += 3) {
    const [r, g, b] = [ppm[i]!, ppm[i + 1]!, ppm[i + 2]!];
    if (r > 235 && g > 185 && g < 225 && Math.abs(g - b) < 12) count++;
  }
  return count;
}
