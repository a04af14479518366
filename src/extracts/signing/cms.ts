import { createHash, type KeyObject, sign } from 'node:crypto';
import {
  certificateIssuerAndSerial,
  ctx,
  derNull,
  integer,
  octets,
  oid,
  seq,
  setOf,
  TAG,
  tlv,
} from './der.ts';

/**
 * CMS SignedData for a PAdES baseline B-B signature (ETSI EN 319 142-1 §6.3, CAdES detached): the signed
 * attributes are exactly content-type, message-digest and signing-certificate-v2. No signing-time attribute:
 * PAdES puts the claimed signing time in the signature dictionary's /M.
 */

export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  sha1: '1.3.14.3.2.26',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
} as const;

export interface CmsSignerMaterial {
  privateKey: KeyObject;
  /** DER of the signer certificate. */
  certificate: Buffer;
  /** DER of further certificates to embed (intermediates, optionally the root). */
  chain: Buffer[];
}

/** Everything about the signer that does not depend on the document, computed once per key. */
export class CmsTemplate {
  private readonly sid: Buffer;
  private readonly certificates: Buffer;
  private readonly signingCertificateV2: Buffer;
  private readonly signatureAlgorithm: Buffer;
  private readonly digestAlgorithm = seq(oid(OID.sha256));
  private readonly contentTypeAttr = seq(oid(OID.contentType), setOf(oid(OID.data)));
  /** Upper bound of the DER length, so the PDF placeholder can be sized tightly. */
  readonly maxLength: number;

  constructor(private readonly material: CmsSignerMaterial) {
    const { issuer, serial } = certificateIssuerAndSerial(material.certificate);
    this.sid = seq(issuer, serial);
    this.certificates = tlv(ctx(0), material.certificate, ...material.chain);
    // ESSCertIDv2 with the default hash algorithm (SHA-256) omitted, as DER requires (RFC 5035).
    const certHash = createHash('sha256').update(material.certificate).digest();
    const issuerSerial = seq(seq(tlv(ctx(4), issuer)), serial);
    this.signingCertificateV2 = seq(
      oid(OID.signingCertificateV2),
      setOf(seq(seq(seq(octets(certHash), issuerSerial)))),
    );
    const keyType = material.privateKey.asymmetricKeyType;
    if (keyType === 'rsa') this.signatureAlgorithm = seq(oid(OID.sha256WithRSAEncryption), derNull());
    else if (keyType === 'ec') this.signatureAlgorithm = seq(oid(OID.ecdsaWithSha256));
    else throw new Error(`CMS: unsupported signing key type ${keyType}`);
    const details = material.privateKey.asymmetricKeyDetails;
    const signatureMax = keyType === 'rsa' ? (details?.modulusLength ?? 4096) / 8 : 140;
    this.maxLength = this.build(Buffer.alloc(32), Buffer.alloc(signatureMax)).length + 16;
  }

  /** Signs the SHA-256 digest of the byte ranges and returns the DER ContentInfo. */
  signDigest(digest: Buffer): Buffer {
    const signedAttrs = this.signedAttributes(digest);
    // The signature covers the attributes encoded as a universal SET, not the [0] IMPLICIT form (RFC 5652 §5.4).
    const signature = sign('sha256', setOf(...signedAttrs), this.material.privateKey);
    return this.build(digest, signature);
  }

  private signedAttributes(digest: Buffer): Buffer[] {
    return [
      this.contentTypeAttr,
      seq(oid(OID.messageDigest), setOf(octets(digest))),
      this.signingCertificateV2,
    ];
  }

  private build(digest: Buffer, signature: Buffer): Buffer {
    const attrs = setOf(...this.signedAttributes(digest));
    const signedAttrs = Buffer.concat([Buffer.from([ctx(0)]), attrs.subarray(1)]);
    const signerInfo = seq(
      integer(1),
      this.sid,
      this.digestAlgorithm,
      signedAttrs,
      this.signatureAlgorithm,
      tlv(TAG.OCTET_STRING, signature),
    );
    const signedData = seq(
      integer(1),
      setOf(this.digestAlgorithm),
      seq(oid(OID.data)),
      this.certificates,
      setOf(signerInfo),
    );
    return seq(oid(OID.signedData), tlv(ctx(0), signedData));
  }
}
