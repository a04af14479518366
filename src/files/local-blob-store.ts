import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BlobMeta, BlobMetaSchema, type BlobStore } from './types.ts';

/**
 * Encryption at rest, injected (main wires the AES-256-GCM cipher of src/privacy/crypto.ts). The blob's id is
 * given as associated data, so a file copied under another id does not decrypt.
 */
export interface BlobCipher {
  encrypt(bytes: Uint8Array, associatedData: string): Uint8Array;
  decrypt(bytes: Uint8Array, associatedData: string): Uint8Array;
}

export type BlobErrorCode = 'HOSO_ERR_FILE_TOO_LARGE' | 'HOSO_ERR_FILE_TYPE' | 'HOSO_ERR_FILE_CORRUPT';

/** A file the citizen cannot store: too large, or of a type not accepted. Carries a message key. */
export class BlobError extends Error {
  readonly messageKey: string;
  constructor(
    readonly code: BlobErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'BlobError';
    // The request flow's document upload is the first to meet these, so their sentences live in its namespace.
    this.messageKey = `requests:errors.${code}`;
  }
}

/** Magic bytes of the types a citizen may send (a photo or a PDF), so a renamed file is not taken on trust. */
const SIGNATURES: Readonly<Record<string, (b: Uint8Array) => boolean>> = {
  'application/pdf': (b) => b[0] === 0x25 && b[1] === 0x50 && b[2] === 0x44 && b[3] === 0x46, // %PDF
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/png': (b) => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47,
  'image/webp': (b) =>
    b[0] === 0x52 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x46 && b[8] === 0x57 && b[9] === 0x45,
};

export const DEFAULT_ALLOWED_TYPES = Object.keys(SIGNATURES);

/** The type a file's first bytes show (PDF, JPEG, PNG, WebP), whatever its name or declared type says. */
export function detectDocumentType(bytes: Uint8Array): string | undefined {
  return DEFAULT_ALLOWED_TYPES.find((type) => SIGNATURES[type]!(bytes));
}

/** Where sealed envelopes are kept: a folder (default) or the records database. */
export interface SealedBlobShelf {
  write(id: string, sealed: Uint8Array): Promise<void>;
  read(id: string): Promise<Uint8Array | undefined>;
  remove(id: string): Promise<void>;
}

export interface LocalBlobStoreOptions {
  dir: string;
  cipher: BlobCipher;
  /** Keep the sealed files here instead of in `dir` (the database, so that every host serves every file). */
  shelf?: SealedBlobShelf;
  /** Largest file accepted, in bytes (default 10 MB). */
  maxBytes?: number;
  /** MIME types accepted (default: PDF, JPEG, PNG, WebP), checked against the file's first bytes. */
  allowedTypes?: readonly string[];
}

const ID = /^[A-Za-z0-9_-]{22}$/;

/**
 * Files, each encrypted with its metadata (the filename can be personal), on a shelf: a local folder
 * (`<dir>/<ab>/<id>`, written to a temporary name and renamed, so a crash never leaves half a file under a
 * real id) or the records database.
 */
export class LocalBlobStore implements BlobStore {
  private readonly maxBytes: number;
  private readonly allowed: ReadonlySet<string>;
  private readonly shelf: SealedBlobShelf;

  constructor(private readonly options: LocalBlobStoreOptions) {
    this.maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
    this.allowed = new Set(options.allowedTypes ?? DEFAULT_ALLOWED_TYPES);
    this.shelf = options.shelf ?? folderShelf(options.dir);
  }

  async put(bytes: Uint8Array, meta: { filename: string; mimeType: string }): Promise<string> {
    if (bytes.byteLength > this.maxBytes) {
      throw new BlobError(
        'HOSO_ERR_FILE_TOO_LARGE',
        `the file is ${bytes.byteLength} bytes, at most ${this.maxBytes}`,
        {
          size: bytes.byteLength,
          max: this.maxBytes,
        },
      );
    }
    const mimeType = meta.mimeType.toLowerCase().split(';')[0]!.trim();
    const looksRight = SIGNATURES[mimeType];
    if (!this.allowed.has(mimeType) || (looksRight && !looksRight(bytes))) {
      throw new BlobError(
        'HOSO_ERR_FILE_TYPE',
        `files of type ${mimeType} are not accepted, or the content is not one`,
        {
          mimeType,
          allowed: [...this.allowed],
        },
      );
    }
    const id = randomBytes(16).toString('base64url');
    const full: BlobMeta = BlobMetaSchema.parse({
      filename: meta.filename.normalize('NFC'),
      mimeType,
      size: bytes.byteLength,
      createdAt: new Date().toISOString(),
    });
    // One envelope: a 4-byte length of the metadata JSON, the JSON, the bytes; all encrypted together.
    const metaBytes = Buffer.from(JSON.stringify(full), 'utf8');
    const header = Buffer.alloc(4);
    header.writeUInt32BE(metaBytes.length);
    const sealed = this.options.cipher.encrypt(Buffer.concat([header, metaBytes, bytes]), id);
    await this.shelf.write(id, sealed);
    return id;
  }

  async get(id: string): Promise<{ bytes: Uint8Array; meta: BlobMeta } | undefined> {
    if (!ID.test(id)) return undefined;
    const sealed = await this.shelf.read(id);
    if (!sealed) return undefined;
    let plain: Buffer;
    try {
      plain = Buffer.from(this.options.cipher.decrypt(sealed, id));
    } catch (error) {
      throw new BlobError(
        'HOSO_ERR_FILE_CORRUPT',
        `file ${id} does not decrypt: ${(error as Error).message}`,
      );
    }
    const metaLength = plain.readUInt32BE(0);
    const meta = BlobMetaSchema.parse(JSON.parse(plain.subarray(4, 4 + metaLength).toString('utf8')));
    return { bytes: new Uint8Array(plain.subarray(4 + metaLength)), meta };
  }

  async delete(id: string): Promise<void> {
    if (!ID.test(id)) return;
    await this.shelf.remove(id);
  }
}

/** Sealed files in a folder, `<dir>/<ab>/<id>`. */
function folderShelf(dir: string): SealedBlobShelf {
  const path = (id: string) => join(dir, id.slice(0, 2), id);
  return {
    async write(id, sealed) {
      await mkdir(join(dir, id.slice(0, 2)), { recursive: true, mode: 0o700 });
      const temp = `${path(id)}.${randomBytes(4).toString('hex')}.tmp`;
      await writeFile(temp, sealed, { mode: 0o600 });
      await rename(temp, path(id));
    },
    async read(id) {
      try {
        return await readFile(path(id));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async remove(id) {
      await rm(path(id), { force: true });
    },
  };
}
