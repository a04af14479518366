import { describe, expect, it } from 'vitest';
import { FileIntake } from '../../src/files/intake.ts';
import { MemoryBlobStore } from '../../src/files/memory-blob-store.ts';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

describe('taking in a citizen’s file', () => {
  it('judges the type by the content, not by the name', async () => {
    const intake = new FileIntake(new MemoryBlobStore(), { maxBytes: 1024 });
    expect(await intake.store(Buffer.from('<html>'), 'card.jpg')).toEqual({
      ok: false,
      key: 'requests:errors.HOSO_ERR_FILE_TYPE',
    });
    expect(await intake.store(PNG, 'card.pdf')).toMatchObject({
      ok: true,
      mimeType: 'image/png',
      filename: 'card.pdf',
    });
  });

  it('refuses a file over the limit and says the limit in MB', async () => {
    const intake = new FileIntake(new MemoryBlobStore(), { maxBytes: 2 * 1024 * 1024 });
    expect(await intake.store(Buffer.alloc(2 * 1024 * 1024 + 1, 0x25), 'a.pdf')).toEqual({
      ok: false,
      key: 'requests:errors.HOSO_ERR_FILE_TOO_LARGE',
      params: { maxMb: 2 },
    });
  });

  it('trusts a stored-file reference only from a channel that stores uploads itself', async () => {
    const files = new MemoryBlobStore();
    const intake = new FileIntake(files, { maxBytes: 1024 });
    intake.registerPrestored('webchat');
    const stored = await intake.store(PNG, '../../etc/passwd.png');
    if (!stored.ok) throw new Error('not stored');
    expect(stored.filename).toBe('passwd.png');
    expect(await intake.accept('webchat', { ref: `blob:${stored.fileId}` })).toMatchObject({ ok: true });
    // A Telegram user cannot point at someone else's stored file.
    expect(await intake.accept('telegram', { ref: `blob:${stored.fileId}` })).toMatchObject({ ok: false });
  });

  it('downloads a file from a channel that holds it, then checks it like any other', async () => {
    const intake = new FileIntake(new MemoryBlobStore(), { maxBytes: 1024 });
    intake.registerFetcher('telegram', async () => ({ bytes: PNG }));
    expect(await intake.accept('telegram', { ref: 'AgAD-tg-file', filename: 'photo.jpg' })).toMatchObject({
      ok: true,
      mimeType: 'image/png',
    });
    expect(await intake.accept('telegram', { ref: 'x', size: 5000 })).toMatchObject({
      ok: false,
      key: 'requests:errors.HOSO_ERR_FILE_TOO_LARGE',
    });
  });
});
