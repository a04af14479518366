import { randomBytes } from 'node:crypto';
import type { BlobMeta, BlobStore } from './types.ts';

/** Files in process memory: for tests and the terminal chat. */
export class MemoryBlobStore implements BlobStore {
  private readonly files = new Map<string, { bytes: Uint8Array; meta: BlobMeta }>();

  async put(bytes: Uint8Array, meta: { filename: string; mimeType: string }): Promise<string> {
    const id = randomBytes(16).toString('base64url');
    this.files.set(id, {
      bytes,
      meta: { ...meta, size: bytes.byteLength, createdAt: new Date().toISOString() },
    });
    return id;
  }

  async get(id: string) {
    return this.files.get(id);
  }

  async delete(id: string): Promise<void> {
    this.files.delete(id);
  }
}
