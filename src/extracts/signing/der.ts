/**
 * Just enough DER to write and read CMS SignedData and X.509 fields. Encoding works on Buffers so a signature
 * costs a few allocations, not a forge object tree.
 */

export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** Context-specific tag number n, constructed. */
export function ctx(n: number): number {
  return 0xa0 | n;
}

export function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = content.length === 1 ? content[0]! : Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), encodeLength(body.length), body]);
}

function encodeLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export const seq = (...items: Buffer[]): Buffer => tlv(TAG.SEQUENCE, ...items);
export const octets = (b: Buffer): Buffer => tlv(TAG.OCTET_STRING, b);
export const derNull = (): Buffer => Buffer.from([TAG.NULL, 0]);

/** DER SET OF: members sorted as octet strings (X.690 §11.6). */
export function setOf(...items: Buffer[]): Buffer {
  return tlv(TAG.SET, ...[...items].sort(Buffer.compare));
}

export function integer(n: number | bigint): Buffer {
  let hex = BigInt(n).toString(16);
  if (hex.length % 2) hex = '0' + hex;
  let b = Buffer.from(hex, 'hex');
  if (b[0]! & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(TAG.INTEGER, b);
}

export function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map((p) => BigInt(p));
  const bytes: number[] = [Number(parts[0]! * 40n + parts[1]!)];
  for (const part of parts.slice(2)) {
    const chunk: number[] = [];
    let v = part;
    do {
      chunk.unshift(Number(v & 0x7fn));
      v >>= 7n;
    } while (v > 0n);
    for (let i = 0; i < chunk.length - 1; i++) chunk[i]! |= 0x80;
    bytes.push(...chunk);
  }
  return tlv(TAG.OID, Buffer.from(bytes));
}

export function decodeOid(body: Buffer): string {
  const parts: bigint[] = [];
  let v = 0n;
  for (const byte of body) {
    v = (v << 7n) | BigInt(byte & 0x7f);
    if (!(byte & 0x80)) {
      parts.push(v);
      v = 0n;
    }
  }
  const first = parts.shift() ?? 0n;
  const a = first < 80n ? first / 40n : 2n;
  return [a, first - a * 40n, ...parts].join('.');
}

export interface DerNode {
  tag: number;
  /** Offset of the tag byte in the parsed buffer. */
  start: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset just past the content. */
  end: number;
  /** The whole TLV. */
  raw: Buffer;
  /** The content bytes. */
  body: Buffer;
}

/** Reads one TLV at `offset`. Trailing bytes (such as the zero padding of a PDF /Contents) are ignored. */
export function readNode(buf: Buffer, offset = 0): DerNode {
  if (offset + 2 > buf.length) throw new Error('DER: truncated');
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new Error('DER: high tag numbers are not supported');
  let len = buf[offset + 1]!;
  let contentStart = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new Error('DER: unsupported length encoding');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[offset + 2 + i]!;
    contentStart += n;
  }
  const end = contentStart + len;
  if (end > buf.length) throw new Error('DER: truncated');
  return {
    tag,
    start: offset,
    contentStart,
    end,
    raw: buf.subarray(offset, end),
    body: buf.subarray(contentStart, end),
  };
}

/** The TLV children of a constructed node. */
export function children(node: DerNode): DerNode[] {
  const out: DerNode[] = [];
  const buf = node.raw;
  let at = node.contentStart - node.start;
  while (at < buf.length) {
    const child = readNode(buf, at);
    out.push(child);
    at = child.end;
  }
  return out;
}

export function expectTag(node: DerNode | undefined, tag: number, what: string): DerNode {
  if (!node || node.tag !== tag) throw new Error(`DER: expected ${what}`);
  return node;
}

/** Issuer Name and serial number of a DER certificate, as raw DER, for CMS IssuerAndSerialNumber. */
export function certificateIssuerAndSerial(certDer: Buffer): { issuer: Buffer; serial: Buffer } {
  const cert = expectTag(readNode(certDer), TAG.SEQUENCE, 'Certificate');
  const tbs = expectTag(children(cert)[0], TAG.SEQUENCE, 'TBSCertificate');
  const fields = children(tbs);
  let i = 0;
  if (fields[0]?.tag === ctx(0)) i = 1; // explicit version
  const serial = expectTag(fields[i], TAG.INTEGER, 'serialNumber');
  const issuer = expectTag(fields[i + 2], TAG.SEQUENCE, 'issuer');
  return { issuer: Buffer.from(issuer.raw), serial: Buffer.from(serial.raw) };
}
