import { PDFDocument } from 'pdf-lib';

/**
 * A closer look at a file whose first bytes already say PDF, JPEG, PNG or WebP: first bytes alone let through a
 * `%PDF-` header glued to a program, or an image that declares billions of pixels (which a viewer at the agency
 * would try to allocate). A PDF must load and have pages; an image's header must be complete and declare at most
 * `maxImagePixels`; no file may carry an executable or an archive inside it.
 */
export type UploadRefusal = 'unreadable' | 'encrypted' | 'polyglot' | 'too_many_pixels';

export type InspectResult = { ok: true } | { ok: false; reason: UploadRefusal };

export const DEFAULT_MAX_IMAGE_PIXELS = 40_000_000;

/** Bytes after a PDF's last `%%EOF` other than whitespace tolerated (some writers pad); more is a file glued on. */
const PDF_TRAILING_ALLOWANCE = 1024;

export async function inspectUpload(
  bytes: Uint8Array,
  mimeType: string,
  maxImagePixels = DEFAULT_MAX_IMAGE_PIXELS,
): Promise<InspectResult> {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (carriesExecutable(buf)) return { ok: false, reason: 'polyglot' };
  if (mimeType === 'application/pdf') return inspectPdf(buf);
  const size = imageSize(buf, mimeType);
  if (!size || size.width === 0 || size.height === 0) return { ok: false, reason: 'unreadable' };
  if (size.width * size.height > maxImagePixels) return { ok: false, reason: 'too_many_pixels' };
  return { ok: true };
}

async function inspectPdf(buf: Buffer): Promise<InspectResult> {
  const eof = buf.lastIndexOf('%%EOF');
  if (eof < 0) return { ok: false, reason: 'unreadable' };
  let trailing = 0;
  for (let i = eof + 5; i < buf.length; i++) {
    const b = buf[i]!;
    if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09 && b !== 0x0c && b !== 0x00) trailing++;
  }
  if (trailing > PDF_TRAILING_ALLOWANCE) return { ok: false, reason: 'polyglot' };
  try {
    // Loaded even when encrypted, so a password-protected file gets its own sentence (the agency could not
    // open it either) rather than "unreadable".
    const doc = await PDFDocument.load(buf, { updateMetadata: false, ignoreEncryption: true });
    if (doc.isEncrypted) return { ok: false, reason: 'encrypted' };
    if (doc.getPageCount() < 1) return { ok: false, reason: 'unreadable' };
    return { ok: true };
  } catch {
    return { ok: false, reason: 'unreadable' };
  }
}

/**
 * An ELF program, a Windows (PE) program or a ZIP archive anywhere after the first byte. Each signature is
 * checked with the fields that follow it, so that compressed image data does not match by chance.
 */
export function carriesExecutable(buf: Buffer): boolean {
  for (let i = buf.indexOf(0x7f, 1); i >= 0; i = buf.indexOf(0x7f, i + 1)) {
    // \x7fELF, class 1|2, byte order 1|2, version 1
    if (
      buf[i + 1] === 0x45 &&
      buf[i + 2] === 0x4c &&
      buf[i + 3] === 0x46 &&
      (buf[i + 4] === 1 || buf[i + 4] === 2) &&
      (buf[i + 5] === 1 || buf[i + 5] === 2) &&
      buf[i + 6] === 1
    )
      return true;
  }
  for (let i = buf.indexOf('MZ', 1); i >= 0; i = buf.indexOf('MZ', i + 1)) {
    // The DOS header's e_lfanew (at 0x3c) points to "PE\0\0".
    if (i + 0x40 > buf.length) break;
    const pe = i + buf.readUInt32LE(i + 0x3c);
    if (pe + 4 <= buf.length && buf.readUInt32BE(pe) === 0x50450000) return true;
  }
  for (
    let i = buf.indexOf('PK\x03\x04', 1, 'latin1');
    i >= 0;
    i = buf.indexOf('PK\x03\x04', i + 1, 'latin1')
  ) {
    // A local file header: "version needed" is a small number (at most 6.3) with a zero high byte.
    if ((buf[i + 4] ?? 0xff) <= 63 && buf[i + 5] === 0) return true;
  }
  return false;
}

/** Width and height from the image's header, without decoding it; undefined when the header is cut or invalid. */
export function imageSize(buf: Buffer, mimeType: string): { width: number; height: number } | undefined {
  if (mimeType === 'image/png') return pngSize(buf);
  if (mimeType === 'image/jpeg') return jpegSize(buf);
  if (mimeType === 'image/webp') return webpSize(buf);
  return undefined;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngSize(buf: Buffer): { width: number; height: number } | undefined {
  // Signature, then the first chunk must be IHDR, 13 bytes long.
  if (buf.length < 24 || !buf.subarray(0, 8).equals(PNG_SIGNATURE)) return undefined;
  if (buf.readUInt32BE(8) !== 13 || buf.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

function jpegSize(buf: Buffer): { width: number; height: number } | undefined {
  let i = 2;
  while (i + 4 <= buf.length) {
    if (buf[i] !== 0xff) return undefined;
    const marker = buf[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    // Markers without a length: TEM and RST0–7.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2;
      continue;
    }
    // Start of scan or end of image before any frame header: no size was declared.
    if (marker === 0xda || marker === 0xd9) return undefined;
    const length = buf.readUInt16BE(i + 2);
    if (length < 2) return undefined;
    // SOF0–SOF15, except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (length < 7 || i + 9 > buf.length) return undefined;
      return { height: buf.readUInt16BE(i + 5), width: buf.readUInt16BE(i + 7) };
    }
    i += 2 + length;
  }
  return undefined;
}

function webpSize(buf: Buffer): { width: number; height: number } | undefined {
  if (buf.length < 30 || buf.toString('latin1', 0, 4) !== 'RIFF' || buf.toString('latin1', 8, 12) !== 'WEBP')
    return undefined;
  const chunk = buf.toString('latin1', 12, 16);
  if (chunk === 'VP8X') return { width: 1 + buf.readUIntLE(24, 3), height: 1 + buf.readUIntLE(27, 3) };
  if (chunk === 'VP8L') {
    if (buf[20] !== 0x2f) return undefined;
    const bits = buf.readUInt32LE(21);
    return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >>> 14) & 0x3fff) };
  }
  if (chunk === 'VP8 ') {
    if (buf[23] !== 0x9d || buf[24] !== 0x01 || buf[25] !== 0x2a) return undefined;
    return { width: buf.readUInt16LE(26) & 0x3fff, height: buf.readUInt16LE(28) & 0x3fff };
  }
  return undefined;
}
