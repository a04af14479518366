import { createPrivateKey, createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import forge from 'node-forge';
import { ExtractError } from '../errors.ts';
import { CmsTemplate } from './cms.ts';
import { oid } from './der.ts';

/**
 * Certificate policy that marks a development certificate (made by `hoso keys init`). It lives under the
 * UUID arc 2.25 (ITU-T X.667), which needs no registration. Any document signed by a certificate carrying it is
 * watermarked as a test copy, whatever path the key was loaded from.
 */
export const DEV_CERTIFICATE_POLICY = '2.25.238361532004865284016813562437307912337';
const DEV_POLICY_DER = oid(DEV_CERTIFICATE_POLICY);

/** A signing key held in memory for the life of the process: one PKCS#12 parse, then `KeyObject` signing. */
export interface SigningIdentity {
  privateKey: KeyObject;
  publicKey: KeyObject;
  certificate: X509Certificate;
  /** Further certificates from the key store (intermediates, root), embedded in every signature. */
  chain: X509Certificate[];
  /** True when the signer certificate carries the development policy: every page then says it is a test copy. */
  isDevelopment: boolean;
  /** Common name of the signer certificate, as printed on the extract. */
  signerName: string;
  cms: CmsTemplate;
}

export function isDevelopmentCertificate(cert: X509Certificate): boolean {
  return cert.raw.includes(DEV_POLICY_DER);
}

export function identityFromPem(keyPem: string, certificatesPem: string): SigningIdentity {
  const privateKey = createPrivateKey(keyPem);
  const certs = splitPem(certificatesPem).map((pem) => new X509Certificate(pem));
  return assembleIdentity(privateKey, certs);
}

/** Loads the agency's PKCS#12 (path and passphrase). The file is parsed once; signing then uses node:crypto. */
export async function loadPkcs12Identity(path: string, passphrase: string): Promise<SigningIdentity> {
  let der: Buffer;
  try {
    der = await readFile(path);
  } catch (cause) {
    throw new ExtractError('HOSO_ERR_SIGNING_KEY_UNREADABLE', `cannot read the PKCS#12 file ${path}`, {
      cause,
    });
  }
  return identityFromPkcs12(der, passphrase);
}

export function identityFromPkcs12(der: Buffer, passphrase: string): SigningIdentity {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = openPkcs12(der, passphrase);
  } catch (cause) {
    throw new ExtractError(
      'HOSO_ERR_SIGNING_KEY_UNREADABLE',
      'the PKCS#12 file cannot be opened (wrong passphrase or not a PKCS#12 file)',
      { cause },
    );
  }
  const shrouded = forge.pki.oids.pkcs8ShroudedKeyBag!;
  const plain = forge.pki.oids.keyBag!;
  const keyBags = [
    ...(p12.getBags({ bagType: shrouded })[shrouded] ?? []),
    ...(p12.getBags({ bagType: plain })[plain] ?? []),
  ];
  const keyBag = keyBags.find((b) => b.key || b.asn1);
  if (!keyBag)
    throw new ExtractError('HOSO_ERR_SIGNING_KEY_UNREADABLE', 'the PKCS#12 file holds no private key');
  // forge only models RSA keys; for other key types the bag still carries the PKCS#8 structure.
  const pkcs8Der = keyBag.key
    ? forge.asn1.toDer(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(keyBag.key))).getBytes()
    : forge.asn1.toDer(keyBag.asn1).getBytes();
  const privateKey = createPrivateKey({ key: Buffer.from(pkcs8Der, 'binary'), format: 'der', type: 'pkcs8' });
  const certBagType = forge.pki.oids.certBag!;
  const certBags = p12.getBags({ bagType: certBagType })[certBagType] ?? [];
  const certs = certBags.flatMap((b: forge.pkcs12.Bag) => {
    const asn1 = b.cert ? forge.pki.certificateToAsn1(b.cert) : b.asn1;
    return asn1 ? [new X509Certificate(Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary'))] : [];
  });
  return assembleIdentity(privateKey, certs);
}

/**
 * forge derives the MAC key from the passphrase as UTF-16 (right), but feeds PBES2 (the AES encryption OpenSSL 3
 * uses by default) the JS string as raw bytes, so a non-ASCII passphrase fails there. OpenSSL uses UTF-8 for
 * PBES2. When the MAC verified but decryption failed, parse again with the UTF-8 bytes and the MAC (already
 * checked) removed.
 */
function openPkcs12(der: Buffer, passphrase: string): forge.pkcs12.Pkcs12Pfx {
  try {
    return forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(der.toString('binary')), passphrase);
  } catch (err) {
    const macChecked = err instanceof Error && /decrypt PKCS#12 SafeContents/.test(err.message);
    if (!macChecked || Buffer.byteLength(passphrase) === passphrase.length) throw err;
    const pfx = forge.asn1.fromDer(der.toString('binary'));
    (pfx.value as forge.asn1.Asn1[]).splice(2);
    return forge.pkcs12.pkcs12FromAsn1(pfx, forge.util.encodeUtf8(passphrase));
  }
}

function assembleIdentity(privateKey: KeyObject, certs: X509Certificate[]): SigningIdentity {
  const publicKey = createPublicKey(privateKey);
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const certificate = certs.find((c) => c.publicKey.export({ type: 'spki', format: 'der' }).equals(spki));
  if (!certificate) {
    throw new ExtractError(
      'HOSO_ERR_SIGNING_KEY_UNREADABLE',
      'no certificate in the key store matches the private key',
    );
  }
  const chain = orderChain(
    certificate,
    certs.filter((c) => c !== certificate),
  );
  return {
    privateKey,
    publicKey,
    certificate,
    chain,
    isDevelopment: isDevelopmentCertificate(certificate),
    signerName: commonName(certificate) ?? 'Hoso',
    cms: new CmsTemplate({ privateKey, certificate: certificate.raw, chain: chain.map((c) => c.raw) }),
  };
}

/** Issuer-first walk from the leaf, so the embedded chain reads leaf → intermediate → root. */
function orderChain(leaf: X509Certificate, others: X509Certificate[]): X509Certificate[] {
  const out: X509Certificate[] = [];
  let current = leaf;
  const pool = [...others];
  for (;;) {
    const i = pool.findIndex((c) => current.checkIssued(c) && current.verify(c.publicKey));
    if (i < 0 || current.checkIssued(current)) break;
    current = pool.splice(i, 1)[0]!;
    out.push(current);
  }
  return [...out, ...pool];
}

/** The CN of a certificate subject, decoded (Node prints UTF-8 names as-is). */
export function commonName(cert: X509Certificate): string | undefined {
  const line = cert.subject.split('\n').find((l) => l.startsWith('CN='));
  return line?.slice(3);
}

export function splitPem(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

export async function readCertificates(paths: readonly string[]): Promise<X509Certificate[]> {
  const out: X509Certificate[] = [];
  for (const path of paths) {
    const text = await readFile(path, 'utf8');
    for (const pem of splitPem(text)) out.push(new X509Certificate(pem));
  }
  return out;
}
