import { createHash, verify as cryptoVerify, X509Certificate } from 'node:crypto';
import { verifyOfflinePayload } from './offline.ts';
import { OID } from './signing/cms.ts';
import {
  certificateIssuerAndSerial,
  children,
  ctx,
  type DerNode,
  decodeOid,
  expectTag,
  readNode,
  TAG,
} from './signing/der.ts';
import { commonName, isDevelopmentCertificate } from './signing/identity.ts';

/**
 * Verifies a signed extract: the byte range covers the whole file except the /Contents hole, the digest of
 * those bytes matches the signed message-digest, the CMS signature verifies with the signer certificate (and is
 * PAdES B-B shaped: content-type, message-digest, signing-certificate-v2), the certificate chains to a trust
 * anchor and was valid at the claimed signing time, and — through an injected lookup — the issued-document
 * registry knows the document and has not revoked it.
 */

export type CheckStatus = 'pass' | 'fail' | 'skipped';

export interface RegistryEntry {
  status: 'valid' | 'revoked';
  reason?: string;
  revokedAt?: string;
  /** Hex SHA-256 of the signed file recorded at issue time; when present the file must match it. */
  fileSha256?: string;
}

export type RegistryLookup = (documentId: string) => Promise<RegistryEntry | undefined>;

export interface VerifyOptions {
  trustAnchors: readonly X509Certificate[];
  registryLookup?: RegistryLookup;
}

export interface VerifyReason {
  code: string;
  message: string;
}

export interface VerifyResult {
  valid: boolean;
  checks: {
    byteRange: CheckStatus;
    digest: CheckStatus;
    signature: CheckStatus;
    chain: CheckStatus;
    registry: CheckStatus;
  };
  signer: {
    commonName: string | null;
    subject: string;
    issuer: string;
    serialNumber: string;
    /** Signed with a development certificate (`hoso keys init`): a test copy. */
    development: boolean;
  } | null;
  /** Claimed signing time (/M of the signature dictionary), ISO 8601. */
  signedAt: string | null;
  documentId: string | null;
  contentSha256: string | null;
  fileSha256: string;
  registry: { status: RegistryEntry['status'] | 'unknown'; reason?: string; revokedAt?: string } | null;
  reasons: VerifyReason[];
}

const DIGESTS: Record<string, string> = {
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
};

interface ParsedSignature {
  digestAlgorithm: string;
  signedAttrs: DerNode;
  attributes: Map<string, DerNode[]>;
  signatureAlgorithm: string;
  signature: Buffer;
  sid: { issuer: Buffer; serial: Buffer };
  certificates: X509Certificate[];
}

export async function verifyPdf(bytes: Buffer | Uint8Array, options: VerifyOptions): Promise<VerifyResult> {
  const pdf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const reasons: VerifyReason[] = [];
  const fail = (code: string, message: string) => reasons.push({ code, message });
  const result: VerifyResult = {
    valid: false,
    checks: { byteRange: 'fail', digest: 'fail', signature: 'fail', chain: 'fail', registry: 'skipped' },
    signer: null,
    signedAt: null,
    documentId: null,
    contentSha256: null,
    fileSha256: createHash('sha256').update(pdf).digest('hex'),
    registry: null,
    reasons,
  };
  const text = pdf.toString('latin1');
  result.documentId = infoValue(text, 'HosoDocumentId', /^[A-Z0-9-]+$/);
  result.contentSha256 = infoValue(text, 'HosoContentSha256', /^[0-9a-f]{64}$/);

  // 1. Byte range: the last signature must cover everything but its own /Contents hole.
  const ranges = [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)];
  const last = ranges[ranges.length - 1];
  if (!last) {
    fail('no_signature', 'the file has no signature with a byte range');
    return finish(result);
  }
  const [a, b, c, d] = last.slice(1, 5).map(Number) as [number, number, number, number];
  const hole = c > b ? text.slice(b, c) : '';
  const contentsKeyBefore = /\/Contents\s*$/.test(text.slice(Math.max(0, b - 20), b));
  const contentsKeyAfter = text
    .slice(last.index + last[0].length, b)
    .trimStart()
    .startsWith('/Contents');
  if (
    a === 0 &&
    b > 0 &&
    c > b &&
    c + d === pdf.length &&
    /^<[0-9A-Fa-f]*>$/.test(hole) &&
    (contentsKeyBefore || contentsKeyAfter)
  ) {
    result.checks.byteRange = 'pass';
  } else {
    fail('byte_range_incomplete', 'the signature does not cover the whole file except its contents');
  }
  result.signedAt = signingTime(text, last.index, c);

  // 2. CMS parse.
  let parsed: ParsedSignature;
  try {
    parsed = parseCms(Buffer.from(hole.slice(1, -1), 'hex'));
  } catch (err) {
    fail('cms_unreadable', `the signature is not a readable CMS SignedData: ${(err as Error).message}`);
    return finish(result);
  }

  // 3. Digest of the signed byte ranges against the signed message-digest.
  const algorithm = DIGESTS[parsed.digestAlgorithm];
  const messageDigest = parsed.attributes.get(OID.messageDigest)?.[0];
  if (!algorithm)
    fail('digest_algorithm_unsupported', `digest algorithm ${parsed.digestAlgorithm} is not accepted`);
  else if (!messageDigest || messageDigest.tag !== TAG.OCTET_STRING)
    fail('message_digest_missing', 'no message-digest attribute');
  else {
    const actual = createHash(algorithm)
      .update(pdf.subarray(a, a + b))
      .update(pdf.subarray(c, c + d))
      .digest();
    if (actual.equals(messageDigest.body)) result.checks.digest = 'pass';
    else fail('digest_mismatch', 'the document was changed after it was signed');
  }

  // 4. Signature over the signed attributes, by the certificate named in the SignerInfo.
  const signerCert = parsed.certificates.find((cert) => {
    const { issuer, serial } = certificateIssuerAndSerial(cert.raw);
    return issuer.equals(parsed.sid.issuer) && serial.equals(parsed.sid.serial);
  });
  if (!signerCert) fail('signer_certificate_missing', 'the signer certificate is not in the signature');
  else {
    result.signer = {
      commonName: commonName(signerCert) ?? null,
      subject: signerCert.subject.replaceAll('\n', ', '),
      issuer: signerCert.issuer.replaceAll('\n', ', '),
      serialNumber: signerCert.serialNumber,
      development: isDevelopmentCertificate(signerCert),
    };
    if (checkSignature(parsed, signerCert, algorithm, fail)) {
      const offline = infoValue(
        text,
        'HosoOfflinePayload',
        /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/,
      );
      if (offline && !offlineMatches(offline, signerCert, result)) {
        fail(
          'offline_payload_mismatch',
          'the QR payload is not signed by the signer or names another document',
        );
      } else result.checks.signature = 'pass';
    }
  }

  // 5. Chain to a trust anchor, valid at the claimed signing time.
  if (signerCert) {
    const at = result.signedAt ? new Date(result.signedAt) : new Date();
    const chain = buildChain(signerCert, parsed.certificates, options.trustAnchors, at);
    if (chain.ok) result.checks.chain = 'pass';
    else fail(chain.code, chain.message);
  }

  // 6. Registry status.
  if (options.registryLookup) {
    if (!result.documentId) {
      result.checks.registry = 'fail';
      fail('document_id_missing', 'the file carries no document id');
    } else {
      const entry = await options.registryLookup(result.documentId);
      if (!entry) {
        result.checks.registry = 'fail';
        result.registry = { status: 'unknown' };
        fail('not_in_registry', 'the issued-document registry does not know this document');
      } else {
        result.registry = {
          status: entry.status,
          ...(entry.reason ? { reason: entry.reason } : {}),
          ...(entry.revokedAt ? { revokedAt: entry.revokedAt } : {}),
        };
        if (entry.status === 'revoked') {
          result.checks.registry = 'fail';
          fail('revoked', `the document was revoked${entry.reason ? `: ${entry.reason}` : ''}`);
        } else if (entry.fileSha256 && entry.fileSha256 !== result.fileSha256) {
          result.checks.registry = 'fail';
          fail('registry_hash_mismatch', 'the registry recorded a different file under this document id');
        } else result.checks.registry = 'pass';
      }
    }
  }
  return finish(result);
}

function finish(result: VerifyResult): VerifyResult {
  const c = result.checks;
  result.valid =
    c.byteRange === 'pass' &&
    c.digest === 'pass' &&
    c.signature === 'pass' &&
    c.chain === 'pass' &&
    c.registry !== 'fail';
  return result;
}

function parseCms(der: Buffer): ParsedSignature {
  const contentInfo = children(expectTag(readNode(der), TAG.SEQUENCE, 'ContentInfo'));
  if (decodeOid(expectTag(contentInfo[0], TAG.OID, 'contentType').body) !== OID.signedData) {
    throw new Error('not SignedData');
  }
  const signedData = children(
    expectTag(children(expectTag(contentInfo[1], ctx(0), '[0] content'))[0], TAG.SEQUENCE, 'SignedData'),
  );
  const certificates: X509Certificate[] = [];
  let signerInfos: DerNode | undefined;
  for (const node of signedData.slice(3)) {
    if (node.tag === ctx(0))
      for (const cert of children(node)) certificates.push(new X509Certificate(cert.raw));
    else if (node.tag === TAG.SET) signerInfos = node;
  }
  const signerInfo = children(
    expectTag(children(expectTag(signerInfos, TAG.SET, 'signerInfos'))[0], TAG.SEQUENCE, 'SignerInfo'),
  );
  const sid = children(expectTag(signerInfo[1], TAG.SEQUENCE, 'IssuerAndSerialNumber'));
  const digestAlgorithm = decodeOid(
    expectTag(children(expectTag(signerInfo[2], TAG.SEQUENCE, 'digestAlgorithm'))[0], TAG.OID, 'OID').body,
  );
  const signedAttrs = expectTag(signerInfo[3], ctx(0), 'signedAttrs');
  const attributes = new Map<string, DerNode[]>();
  for (const attr of children(signedAttrs)) {
    const [type, values] = children(attr);
    attributes.set(
      decodeOid(expectTag(type, TAG.OID, 'attribute type').body),
      children(expectTag(values, TAG.SET, 'attribute values')),
    );
  }
  const signatureAlgorithm = decodeOid(
    expectTag(children(expectTag(signerInfo[4], TAG.SEQUENCE, 'signatureAlgorithm'))[0], TAG.OID, 'OID').body,
  );
  const signature = Buffer.from(expectTag(signerInfo[5], TAG.OCTET_STRING, 'signature').body);
  return {
    digestAlgorithm,
    signedAttrs,
    attributes,
    signatureAlgorithm,
    signature,
    sid: {
      issuer: Buffer.from(expectTag(sid[0], TAG.SEQUENCE, 'issuer').raw),
      serial: Buffer.from(expectTag(sid[1], TAG.INTEGER, 'serial').raw),
    },
    certificates,
  };
}

function checkSignature(
  parsed: ParsedSignature,
  cert: X509Certificate,
  digest: string | undefined,
  fail: (code: string, message: string) => void,
): boolean {
  if (!digest) return false;
  const contentType = parsed.attributes.get(OID.contentType)?.[0];
  if (!contentType || decodeOid(contentType.body) !== OID.data) {
    fail('content_type_invalid', 'the content-type attribute is missing or not id-data');
    return false;
  }
  // The signature covers the DER of the attributes as a universal SET, not the [0] IMPLICIT encoding.
  const signedBytes = Buffer.concat([Buffer.from([TAG.SET]), parsed.signedAttrs.raw.subarray(1)]);
  const ec = parsed.signatureAlgorithm === OID.ecdsaWithSha256;
  const rsa =
    parsed.signatureAlgorithm === OID.rsaEncryption ||
    parsed.signatureAlgorithm === OID.sha256WithRSAEncryption;
  if (!ec && !rsa) {
    fail(
      'signature_algorithm_unsupported',
      `signature algorithm ${parsed.signatureAlgorithm} is not accepted`,
    );
    return false;
  }
  const ok = cryptoVerify(
    ec ? 'sha256' : digest,
    signedBytes,
    { key: cert.publicKey, dsaEncoding: 'der' },
    parsed.signature,
  );
  if (!ok) {
    fail('signature_invalid', 'the signature does not verify with the signer certificate');
    return false;
  }
  // PAdES B-B: signing-certificate-v2 binds the signature to this exact certificate.
  const essAttr = parsed.attributes.get(OID.signingCertificateV2)?.[0];
  if (!essAttr) {
    fail(
      'signing_certificate_missing',
      'no signing-certificate-v2 attribute (not a PAdES baseline signature)',
    );
    return false;
  }
  const essCertId = children(children(essAttr)[0]!)[0]!;
  const fields = children(essCertId);
  let hashAlgorithm = 'sha256';
  let hashNode = fields[0]!;
  if (hashNode.tag === TAG.SEQUENCE) {
    hashAlgorithm = DIGESTS[decodeOid(children(hashNode)[0]!.body)] ?? 'unsupported';
    hashNode = fields[1]!;
  }
  if (
    hashAlgorithm === 'unsupported' ||
    !createHash(hashAlgorithm).update(cert.raw).digest().equals(hashNode.body)
  ) {
    fail('signing_certificate_mismatch', 'signing-certificate-v2 names another certificate');
    return false;
  }
  return true;
}

function buildChain(
  leaf: X509Certificate,
  embedded: X509Certificate[],
  anchors: readonly X509Certificate[],
  at: Date,
): { ok: true } | { ok: false; code: string; message: string } {
  const validAt = (cert: X509Certificate) => new Date(cert.validFrom) <= at && at <= new Date(cert.validTo);
  const issuedBy = (child: X509Certificate, parent: X509Certificate) =>
    child.checkIssued(parent) && child.verify(parent.publicKey);
  let current = leaf;
  for (let depth = 0; depth < 6; depth++) {
    if (!validAt(current)) {
      return {
        ok: false,
        code: 'certificate_expired',
        message: `${current.subject.replaceAll('\n', ', ')} was not valid at the signing time`,
      };
    }
    if (anchors.some((anchor) => anchor.raw.equals(current.raw))) return { ok: true };
    const anchor = anchors.find((x) => issuedBy(current, x));
    if (anchor) {
      return validAt(anchor)
        ? { ok: true }
        : {
            ok: false,
            code: 'certificate_expired',
            message: 'the trust anchor was not valid at the signing time',
          };
    }
    const next = embedded.find((x) => x !== current && x.ca && issuedBy(current, x));
    if (!next) break;
    current = next;
  }
  return {
    ok: false,
    code: 'untrusted_certificate',
    message: 'the signer certificate does not chain to a trusted authority',
  };
}

function offlineMatches(payload: string, cert: X509Certificate, result: VerifyResult): boolean {
  const check = verifyOfflinePayload(payload, cert.publicKey);
  return (
    check.valid && check.documentId === result.documentId && check.contentSha256 === result.contentSha256
  );
}

function infoValue(text: string, key: string, shape: RegExp): string | null {
  const m = new RegExp(`/${key}\\s*\\(([^)]*)\\)`).exec(text);
  return m && shape.test(m[1]!) ? m[1]! : null;
}

/** /M of the signature object holding the byte range, as ISO 8601. */
function signingTime(text: string, byteRangeAt: number, contentsEnd: number): string | null {
  const start = text.lastIndexOf(' obj', byteRangeAt);
  const end = text.indexOf('endobj', Math.max(byteRangeAt, contentsEnd));
  if (start < 0 || end < 0) return null;
  const window = text.slice(start, end);
  const m = /\/M\s*\(D:(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(Z|[+-]\d{2}'?\d{2}'?)?/.exec(window);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, tz] = m;
  let offset = 'Z';
  if (tz && tz !== 'Z') offset = `${tz.slice(0, 3)}:${tz.replaceAll("'", '').slice(3, 5)}`;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}${offset}`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
