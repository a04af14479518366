import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BlobCipher, BlobError, LocalBlobStore } from '../../src/files/local-blob-store.ts';

/** A plain AES-256-GCM cipher for the test (the app wires the identity module's one): iv | tag | data. */
function aesGcm(key = randomBytes(32)): BlobCipher {
  return {
    encrypt(bytes, aad) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      c.setAAD(Buffer.from(aad));
      const data = Buffer.concat([c.update(bytes), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), data]);
    },
    decrypt(bytes, aad) {
      const b = Buffer.from(bytes);
      const d = createDecipheriv('aes-256-gcm', key, b.subarray(0, 12));
      d.setAAD(Buffer.from(aad));
      d.setAuthTag(b.subarray(12, 28));
      return Buffer.concat([d.update(b.subarray(28)), d.final()]);
    },
  };
}

const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from('giấy ủy quyền của Trần Thị Hoà')]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);

/** Every file the store wrote, as raw bytes. */
function filesOn(dir: string): Buffer[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(join(e.parentPath, e.name)));
}

describe('the local-folder blob store', () => {
  let dir: string;
  let store: LocalBlobStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hoso-blobs-'));
    store = new LocalBlobStore({ dir, cipher: aesGcm(), maxBytes: 1024 });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives back what it was given, with its metadata', async () => {
    const id = await store.put(PDF, { filename: 'giấy ủy quyền.pdf', mimeType: 'application/pdf' });
    const got = await store.get(id);
    expect(Buffer.from(got!.bytes)).toEqual(PDF);
    expect(got!.meta).toMatchObject({
      filename: 'giấy ủy quyền.pdf',
      mimeType: 'application/pdf',
      size: PDF.length,
    });
  });

  it('keeps neither the content nor the filename readable on disk', async () => {
    await store.put(PDF, { filename: 'Trần Thị Hoà - ủy quyền.pdf', mimeType: 'application/pdf' });
    const onDisk = Buffer.concat(filesOn(dir));
    expect(onDisk.includes(Buffer.from('%PDF'))).toBe(false);
    expect(onDisk.includes(Buffer.from('Trần'))).toBe(false);
    expect(onDisk.includes(Buffer.from('ủy quyền'))).toBe(false);
  });

  it('refuses a file over the size limit and a type it does not take, with coded errors', async () => {
    const big = Buffer.concat([Buffer.from('%PDF-'), Buffer.alloc(2000)]);
    await expect(store.put(big, { filename: 'big.pdf', mimeType: 'application/pdf' })).rejects.toMatchObject({
      code: 'HOSO_ERR_FILE_TOO_LARGE',
      messageKey: 'requests:errors.HOSO_ERR_FILE_TOO_LARGE',
    });
    await expect(
      store.put(Buffer.from('MZ...'), { filename: 'a.exe', mimeType: 'application/x-msdownload' }),
    ).rejects.toBeInstanceOf(BlobError);
  });

  it('does not take a file whose content is not what its type says', async () => {
    await expect(
      store.put(Buffer.from('<html>'), { filename: 'photo.jpg', mimeType: 'image/jpeg' }),
    ).rejects.toMatchObject({
      code: 'HOSO_ERR_FILE_TYPE',
    });
    expect(await store.put(JPEG, { filename: 'photo.jpg', mimeType: 'image/jpeg' })).toMatch(/^[\w-]{22}$/);
  });

  it('refuses to open a file under another id, or with another key', async () => {
    const id = await store.put(PDF, { filename: 'a.pdf', mimeType: 'application/pdf' });
    const other = await store.put(JPEG, { filename: 'b.jpg', mimeType: 'image/jpeg' });
    writeFileSync(join(dir, other.slice(0, 2), other), readFileSync(join(dir, id.slice(0, 2), id)));
    await expect(store.get(other)).rejects.toMatchObject({ code: 'HOSO_ERR_FILE_CORRUPT' });
    const otherKey = new LocalBlobStore({ dir, cipher: aesGcm() });
    await expect(otherKey.get(id)).rejects.toMatchObject({ code: 'HOSO_ERR_FILE_CORRUPT' });
  });

  it('deletes, and answers undefined for unknown or malformed ids (no path tricks)', async () => {
    const id = await store.put(PDF, { filename: 'a.pdf', mimeType: 'application/pdf' });
    await store.delete(id);
    expect(await store.get(id)).toBeUndefined();
    expect(await store.get('../../etc/passwd')).toBeUndefined();
    expect(await store.get('AAAAAAAAAAAAAAAAAAAAAA')).toBeUndefined();
  });
});
