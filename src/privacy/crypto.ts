import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../config.ts';

/**
 * Personal data at rest: ID numbers are stored encrypted (AES-256-GCM) and found through a keyed hash
 * (HMAC-SHA256), so neither Redis keys nor values hold a raw ID (shared/domain/vietnam.md §5).
 *
 * One 32-byte master key comes from configuration (`HOSO_DATA_KEY`, base64). Two keys are derived from it
 * with HKDF, one to encrypt and one to hash, so a leaked lookup hash never helps against the ciphertext.
 */

export const DATA_KEY_VARIABLE = 'HOSO_DATA_KEY';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const ENVELOPE_PREFIX = 'hoso1';

export type DataKeyProblem = 'HOSO_ERR_DATA_KEY_MISSING' | 'HOSO_ERR_DATA_KEY_INVALID';

/**
 * A configuration error met at start-up (so `hoso` prints it and exits 1, like any ConfigError); `reason`
 * says which, `variable` names what to set.
 */
export class DataKeyError extends ConfigError {
  readonly reason: DataKeyProblem;
  readonly variable = DATA_KEY_VARIABLE;
  constructor(reason: DataKeyProblem, message: string) {
    super([`${DATA_KEY_VARIABLE}: ${message}`]);
    this.name = 'DataKeyError';
    this.reason = reason;
  }
}

/** Decryption failed: a wrong key, a truncated value or tampering. Never reveals which. */
export class DecryptError extends Error {
  readonly code = 'HOSO_ERR_DECRYPT_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'DecryptError';
  }
}

export interface DataKey {
  /** Short public identifier written into every envelope, so rotated keys can still decrypt old values. */
  readonly id: string;
  /** A development key generated on first run: never acceptable in production. */
  readonly dev: boolean;
  readonly encryptionKey: Buffer;
  readonly hashKey: Buffer;
}

export function dataKeyFromBase64(base64: string, options: { dev?: boolean } = {}): DataKey {
  const trimmed = base64.trim();
  const master = Buffer.from(trimmed, 'base64');
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed) || master.length !== KEY_BYTES) {
    throw new DataKeyError(
      'HOSO_ERR_DATA_KEY_INVALID',
      `must be ${KEY_BYTES} random bytes in base64 (got ${master.length} bytes). ` +
        `Generate one with: node -e "console.log(require('node:crypto').randomBytes(32).toString('base64'))"`,
    );
  }
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), info, KEY_BYTES));
  return {
    id: derive('hoso/key-id/v1').subarray(0, 6).toString('base64url'),
    dev: options.dev ?? false,
    encryptionKey: derive('hoso/encrypt/aes-256-gcm/v1'),
    hashKey: derive('hoso/lookup/hmac-sha256/v1'),
  };
}

/**
 * Encrypts and hashes with the current key; decrypts with the current or any previous key (rotation).
 * The envelope is `hoso1.<key id>.<iv>.<tag>.<ciphertext>`, each part base64url.
 */
export class DataCipher {
  readonly current: DataKey;
  private readonly keys: Map<string, DataKey>;

  constructor(current: DataKey, previous: readonly DataKey[] = []) {
    this.current = current;
    this.keys = new Map([...previous, current].map((k) => [k.id, k]));
  }

  encrypt(plaintext: string | Uint8Array, associatedData?: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.encryptionKey, iv);
    if (associatedData !== undefined) cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
    const ciphertext = Buffer.concat([cipher.update(data), cipher.final()]);
    return [ENVELOPE_PREFIX, this.current.id, iv, cipher.getAuthTag(), ciphertext]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  /** `associatedData` must equal what was given to `encrypt` (e.g. the record's key), or decryption fails. */
  decrypt(envelope: string, associatedData?: string): Buffer {
    const parts = envelope.split('.');
    if (parts.length !== 5 || parts[0] !== ENVELOPE_PREFIX) {
      throw new DecryptError('not a Hoso encrypted value (expected hoso1.<key>.<iv>.<tag>.<data>)');
    }
    const [, keyId, ivText, tagText, dataText] = parts as [string, string, string, string, string];
    const key = this.keys.get(keyId);
    if (!key) throw new DecryptError(`encrypted with key ${keyId}, which is not configured`);
    const iv = Buffer.from(ivText, 'base64url');
    const tag = Buffer.from(tagText, 'base64url');
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new DecryptError('malformed envelope');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.encryptionKey, iv, { authTagLength: TAG_BYTES });
      if (associatedData !== undefined) decipher.setAAD(Buffer.from(associatedData, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(Buffer.from(dataText, 'base64url')), decipher.final()]);
    } catch {
      throw new DecryptError('the value does not authenticate: wrong key or altered data');
    }
  }

  decryptString(envelope: string, associatedData?: string): string {
    return this.decrypt(envelope, associatedData).toString('utf8');
  }

  /**
   * A stable, non-reversible lookup token for a personal value (base64url HMAC-SHA256). It changes with the
   * key, so rotating the key means re-indexing.
   */
  keyedHash(value: string): string {
    return createHmac('sha256', this.current.hashKey).update(value, 'utf8').digest('base64url');
  }
}

/** Equal-length comparison in constant time; different lengths return false without a timing hint on content. */
export function constantTimeEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  const x = typeof a === 'string' ? Buffer.from(a, 'utf8') : Buffer.from(a);
  const y = typeof b === 'string' ? Buffer.from(b, 'utf8') : Buffer.from(b);
  if (x.length !== y.length) {
    // Still spend the same work so a length mismatch is not faster than a content mismatch.
    timingSafeEqual(x, x);
    return false;
  }
  return timingSafeEqual(x, y);
}

export const DEV_KEY_FILE = 'data-key.dev.json';

const DevKeyFileSchema = z.object({ key: z.string(), dev: z.literal(true) });

async function readDevKey(path: string): Promise<DataKey> {
  const text = await readFile(path, 'utf8');
  let parsed: ReturnType<typeof DevKeyFileSchema.safeParse> | undefined;
  try {
    parsed = DevKeyFileSchema.safeParse(JSON.parse(text));
  } catch {
    parsed = undefined;
  }
  if (!parsed?.success) {
    throw new DataKeyError(
      'HOSO_ERR_DATA_KEY_INVALID',
      `not set, and ${path} is not a readable development key file (set the variable, or delete the file)`,
    );
  }
  return dataKeyFromBase64(parsed.data.key, { dev: true });
}

export interface LoadDataKeyOptions {
  production: boolean;
  /** The configured `HOSO_DATA_KEY`, if any. */
  configured?: string;
}

/**
 * The data key for this process. A configured key always wins. Without one, production refuses to start;
 * development creates a key in `dir` on first run (file mode 0600), marked as a development key, and reuses
 * it on later runs so data written before a restart stays readable.
 */
export async function loadOrCreateDataKey(dir: string, options: LoadDataKeyOptions): Promise<DataKey> {
  if (options.configured && options.configured.trim() !== '') return dataKeyFromBase64(options.configured);
  if (options.production) {
    throw new DataKeyError(
      'HOSO_ERR_DATA_KEY_MISSING',
      'not set. In production personal data is encrypted with a key from configuration; ' +
        'set it to 32 random bytes in base64. A development key is never used in production.',
    );
  }
  const path = join(dir, DEV_KEY_FILE);
  try {
    return await readDevKey(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dir, { recursive: true });
  const body = {
    key: randomBytes(KEY_BYTES).toString('base64'),
    dev: true,
    warning: `DEVELOPMENT KEY generated on first run. Not for production: set ${DATA_KEY_VARIABLE} instead.`,
    createdAt: new Date().toISOString(),
  };
  // Written aside, then hard-linked into place: the link is atomic and fails if another process won the race,
  // so nobody ever reads a half-written file or overwrites a key that already encrypted data.
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
  try {
    await link(temp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return readDevKey(path);
  } finally {
    await unlink(temp);
  }
  return dataKeyFromBase64(body.key, { dev: true });
}
