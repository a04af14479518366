import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { FileIntake } from '../../src/files/intake.ts';
import { MemoryBlobStore } from '../../src/files/memory-blob-store.ts';
import { createTranslator } from '../../src/i18n.ts';

/** A one-page PDF, as a scanner app would export it. */
async function genuinePdf(options: { useObjectStreams?: boolean } = {}): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.addPage([595, 842]).drawText('Giay uy quyen');
  return Buffer.from(await doc.save(options));
}

/** The start of a 64-bit Linux program, enough for any tool to call it one. */
const ELF = Buffer.concat([
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x3e, 0]),
  Buffer.alloc(4000, 0x90),
]);

/** A PNG header (signature and IHDR) declaring the given size, followed by an empty IEND. */
function pngDeclaring(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
    Buffer.from('IHDR'),
    ihdr,
    Buffer.alloc(4),
    Buffer.from([0, 0, 0, 0]),
    Buffer.from('IEND'),
    Buffer.alloc(4),
  ]);
}

/** A baseline JPEG's headers: SOI, a JFIF APP0, a quantisation table, then SOF0 declaring the size. */
function jpegDeclaring(width: number, height: number): Buffer {
  const app0 = Buffer.from([0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  const dqt = Buffer.concat([Buffer.from([0xff, 0xdb, 0, 67, 0]), Buffer.alloc(64, 1)]);
  const sof = Buffer.from([
    0xff,
    0xc0,
    0,
    11,
    8,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    1,
    1,
    0x11,
    0,
  ]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, dqt, sof, Buffer.from([0xff, 0xd9])]);
}

/** A WebP with an extended (VP8X) header declaring the given canvas. */
function webpDeclaring(width: number, height: number): Buffer {
  const vp8x = Buffer.alloc(18);
  vp8x.write('VP8X', 0, 'latin1');
  vp8x.writeUInt32LE(10, 4);
  vp8x.writeUIntLE(width - 1, 12, 3);
  vp8x.writeUIntLE(height - 1, 15, 3);
  const riff = Buffer.alloc(12);
  riff.write('RIFF', 0, 'latin1');
  riff.writeUInt32LE(4 + vp8x.length, 4);
  riff.write('WEBP', 8, 'latin1');
  return Buffer.concat([riff, vp8x]);
}

const PNG_1x1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

const intake = () => new FileIntake(new MemoryBlobStore(), { maxBytes: 10 * 1024 * 1024 });

describe('what a citizen’s upload must be, beyond its first bytes', () => {
  it('takes a genuine PDF, a small PNG and a small JPEG', async () => {
    expect(await intake().store(await genuinePdf(), 'uy-quyen.pdf')).toMatchObject({
      ok: true,
      mimeType: 'application/pdf',
    });
    expect(await intake().store(PNG_1x1, 'cccd.png')).toMatchObject({ ok: true, mimeType: 'image/png' });
    expect(await intake().store(jpegDeclaring(3000, 4000), 'cccd.jpg')).toMatchObject({
      ok: true,
      mimeType: 'image/jpeg',
    });
  });

  it('refuses `%PDF-` followed by a Linux program, saying a program is inside', async () => {
    const attack = Buffer.concat([Buffer.from('%PDF-1.7\n'), ELF]);
    expect(await intake().store(attack, 'giay-to.pdf')).toEqual({
      ok: false,
      key: 'requests:errors.HOSO_ERR_UPLOAD_POLYGLOT',
    });
  });

  it('refuses a genuine PDF with a program or an archive glued after its end', async () => {
    const pdf = await genuinePdf();
    const zip = Buffer.concat([Buffer.from('PK\x03\x04\x14\x00\x00\x00', 'latin1'), Buffer.alloc(200, 0x41)]);
    for (const tail of [ELF, zip, Buffer.alloc(5000, 0x41)]) {
      expect(await intake().store(Buffer.concat([pdf, tail]), 'a.pdf')).toMatchObject({
        ok: false,
        key: 'requests:errors.HOSO_ERR_UPLOAD_POLYGLOT',
      });
    }
    // A writer's padding after %%EOF is not a second file.
    expect(
      await intake().store(Buffer.concat([pdf, Buffer.from('\n\n'), Buffer.alloc(600)]), 'a.pdf'),
    ).toMatchObject({
      ok: true,
    });
  });

  it('refuses a Windows program hidden in a photo', async () => {
    const pe = Buffer.alloc(256);
    pe.write('MZ', 0, 'latin1');
    pe.writeUInt32LE(0x80, 0x3c);
    pe.write('PE\0\0', 0x80, 'latin1');
    expect(await intake().store(Buffer.concat([PNG_1x1, pe]), 'anh.png')).toMatchObject({
      ok: false,
      key: 'requests:errors.HOSO_ERR_UPLOAD_POLYGLOT',
    });
  });

  it('refuses a PDF that does not load, and one with a password, each with its own sentence', async () => {
    expect(await intake().store(Buffer.from('%PDF-1.7\nnot really\n%%EOF\n'), 'a.pdf')).toEqual({
      ok: false,
      key: 'requests:errors.HOSO_ERR_UPLOAD_UNREADABLE',
    });
    const pdf = (await genuinePdf({ useObjectStreams: false })).toString('latin1');
    // A trailer that names an /Encrypt dictionary is what a password-protected file has.
    const encrypted = Buffer.from(pdf.replace(/trailer\s*<</, '$&\n/Encrypt 1 0 R\n'), 'latin1');
    const result = await intake().store(encrypted, 'a.pdf');
    expect(result).toEqual({ ok: false, key: 'requests:errors.HOSO_ERR_UPLOAD_ENCRYPTED' });
  });

  it('refuses a 30000×30000 PNG and a 30000×30000 JPEG from their headers, naming the limit', async () => {
    for (const image of [pngDeclaring(30000, 30000), jpegDeclaring(30000, 30000)]) {
      expect(await intake().store(image, 'anh')).toEqual({
        ok: false,
        key: 'requests:errors.HOSO_ERR_UPLOAD_TOO_MANY_PIXELS',
        params: { maxMegapixels: 40 },
      });
    }
  });

  it('reads a WebP’s canvas too, so the attack does not just move to another format', async () => {
    expect(await intake().store(webpDeclaring(1200, 1600), 'anh.webp')).toMatchObject({ ok: true });
    expect(await intake().store(webpDeclaring(16000, 16000), 'anh.webp')).toMatchObject({
      ok: false,
      key: 'requests:errors.HOSO_ERR_UPLOAD_TOO_MANY_PIXELS',
    });
  });

  it('refuses an image whose header is cut short or declares no size', async () => {
    for (const image of [
      pngDeclaring(30000, 30000).subarray(0, 18),
      pngDeclaring(0, 10),
      jpegDeclaring(10, 10).subarray(0, 30),
    ]) {
      expect(await intake().store(image, 'anh')).toMatchObject({
        ok: false,
        key: 'requests:errors.HOSO_ERR_UPLOAD_UNREADABLE',
      });
    }
  });

  it('has every refusal said in Vietnamese and in English', async () => {
    const { t } = createTranslator();
    for (const code of ['UNREADABLE', 'ENCRYPTED', 'POLYGLOT', 'TOO_MANY_PIXELS']) {
      const key = `requests:errors.HOSO_ERR_UPLOAD_${code}`;
      const vi = t('vi')(key, { maxMegapixels: 40 });
      const en = t('en')(key, { maxMegapixels: 40 });
      expect(vi).not.toBe(key);
      expect(en).not.toBe(key);
      expect(vi).not.toBe(en);
    }
  });
});
