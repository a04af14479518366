import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import forge from 'node-forge';
import { ExtractError } from '../errors.ts';
import { oid, seq } from './der.ts';
import { DEV_CERTIFICATE_POLICY, identityFromPem, type SigningIdentity } from './identity.ts';

/**
 * `hoso keys init`: a development CA and a signer certificate it issued, both marked with the development
 * certificate policy so every extract they sign carries the test-copy watermark. Files, in `dir`:
 *   dev-ca.crt.pem       the CA certificate (a trust anchor for `hoso verify`, pdfsig's NSS db and the like)
 *   dev-ca.key.pem       the CA key (mode 0600), kept so the signer can be re-issued
 *   dev-signer.key.pem   the signer key (mode 0600)
 *   dev-signer.crt.pem   the signer certificate followed by the CA certificate
 *   dev-signer.p12       the same signer as PKCS#12 (passphrase DEV_P12_PASSPHRASE), to exercise the agency path
 */

export const DEV_P12_PASSPHRASE = 'hoso-dev';

export interface DevKeyPaths {
  dir: string;
  caCertificate: string;
  caKey: string;
  signerKey: string;
  signerCertificate: string;
  signerPkcs12: string;
}

export function devKeyPaths(dir: string): DevKeyPaths {
  return {
    dir,
    caCertificate: join(dir, 'dev-ca.crt.pem'),
    caKey: join(dir, 'dev-ca.key.pem'),
    signerKey: join(dir, 'dev-signer.key.pem'),
    signerCertificate: join(dir, 'dev-signer.crt.pem'),
    signerPkcs12: join(dir, 'dev-signer.p12'),
  };
}

export interface CreateDevKeysOptions {
  force?: boolean;
  /** Validity of both certificates, in days (default 3 years). */
  days?: number;
  now?: Date;
}

export async function createDevKeys(dir: string, options: CreateDevKeysOptions = {}): Promise<DevKeyPaths> {
  const paths = devKeyPaths(dir);
  if (!options.force) {
    for (const file of [paths.caCertificate, paths.caKey, paths.signerKey, paths.signerCertificate]) {
      if (await exists(file)) {
        throw new ExtractError(
          'HOSO_ERR_KEYS_EXIST',
          `${file} exists; pass --force to replace the development keys`,
        );
      }
    }
  }
  const now = options.now ?? new Date();
  const notAfter = new Date(now.getTime() + (options.days ?? 3 * 365) * 86_400_000);
  const notBefore = new Date(now.getTime() - 3_600_000);

  const caKeys = rsaKeyPair(3072);
  const caSubject = [
    { shortName: 'C', value: 'VN' },
    { shortName: 'O', value: 'Hoso development' },
    { shortName: 'CN', value: 'Hoso DEV CA - not for official use' },
  ];
  const ca = forge.pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = serial();
  ca.validity.notBefore = notBefore;
  ca.validity.notAfter = notAfter;
  ca.setSubject(caSubject);
  ca.setIssuer(caSubject);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
    devPolicyExtension(),
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());

  const signerKeys = rsaKeyPair(2048);
  const signer = forge.pki.createCertificate();
  signer.publicKey = signerKeys.publicKey;
  signer.serialNumber = serial();
  signer.validity.notBefore = notBefore;
  signer.validity.notAfter = notAfter;
  signer.setSubject([
    { shortName: 'C', value: 'VN' },
    { shortName: 'O', value: 'Hoso development' },
    { shortName: 'CN', value: 'Hoso DEV signer - not for official use' },
  ]);
  signer.setIssuer(caSubject);
  signer.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
    devPolicyExtension(),
  ]);
  signer.sign(caKeys.privateKey, forge.md.sha256.create());

  const caPem = forge.pki.certificateToPem(ca);
  const signerPem = forge.pki.certificateToPem(signer);
  const p12 = forge.pkcs12.toPkcs12Asn1(signerKeys.privateKey, [signer, ca], DEV_P12_PASSPHRASE, {
    algorithm: 'aes256',
    friendlyName: 'Hoso DEV signer',
  });

  await mkdir(dir, { recursive: true });
  await writeFile(paths.caCertificate, caPem);
  await writePrivate(paths.caKey, forge.pki.privateKeyToPem(caKeys.privateKey));
  await writePrivate(paths.signerKey, forge.pki.privateKeyToPem(signerKeys.privateKey));
  await writeFile(paths.signerCertificate, signerPem + caPem);
  await writePrivate(paths.signerPkcs12, Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary'));
  return paths;
}

/** The development identity from `dir`, or undefined when `keys init` has not been run there. */
export async function loadDevIdentity(dir: string): Promise<SigningIdentity | undefined> {
  const paths = devKeyPaths(dir);
  if (!(await exists(paths.signerKey)) || !(await exists(paths.signerCertificate))) return undefined;
  return identityFromPem(
    await readFile(paths.signerKey, 'utf8'),
    await readFile(paths.signerCertificate, 'utf8'),
  );
}

/** Key generation in node:crypto (native, ~50 ms) instead of forge's pure-JS prime search. */
function rsaKeyPair(bits: number): forge.pki.rsa.KeyPair {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const forgeKey = forge.pki.privateKeyFromPem(
    privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
  );
  const rsaKey = forgeKey as forge.pki.rsa.PrivateKey;
  return { privateKey: rsaKey, publicKey: forge.pki.setRsaPublicKey(rsaKey.n, rsaKey.e) };
}

/** certificatePolicies holding the development policy (encoded here: forge cannot encode arcs above 2^32). */
function devPolicyExtension() {
  const value = seq(seq(oid(DEV_CERTIFICATE_POLICY)));
  return { id: '2.5.29.32', critical: false, value: value.toString('binary') };
}

function serial(): string {
  // Positive, 16 bytes, high bit clear.
  const b = randomBytes(16);
  b[0] = b[0]! & 0x7f;
  return b.toString('hex');
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path, constants.F_OK);
    return true;
  } catch {
    return false;
  }
}

async function writePrivate(path: string, data: string | Buffer): Promise<void> {
  await writeFile(path, data, { mode: 0o600 });
  await chmod(path, 0o600);
}
