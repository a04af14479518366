import type { Channel, InboundFile } from '../dialogue/message.ts';
import { DEFAULT_MAX_IMAGE_PIXELS, inspectUpload, type UploadRefusal } from './inspect.ts';
import { detectDocumentType } from './local-blob-store.ts';
import type { BlobStore } from './types.ts';

/**
 * Files a citizen sends for a request (a photo or a PDF of a document), from any channel, into the encrypted
 * blob store. Channels that receive the bytes themselves (the web chat's upload route) store them first and
 * pass `blob:<id>`; others (Telegram) pass their own reference and register a fetcher that downloads it.
 */
export type IntakeResult =
  | { ok: true; fileId: string; filename: string; mimeType: string }
  | { ok: false; key: string; params?: Record<string, unknown> };

export type ChannelFileFetcher = (ref: string) => Promise<{ bytes: Uint8Array; filename?: string }>;

export interface FileIntakeOptions {
  /** Largest file accepted, in bytes. */
  maxBytes: number;
  /** Most pixels an image's header may declare (default 40 megapixels). */
  maxImagePixels?: number;
}

/** Why a channel refused a file before the turn, as carried on the inbound message. */
export type FileRejection = NonNullable<InboundFile['rejected']>;

const REFUSAL_KEYS: Record<UploadRefusal, string> = {
  unreadable: 'requests:errors.HOSO_ERR_UPLOAD_UNREADABLE',
  encrypted: 'requests:errors.HOSO_ERR_UPLOAD_ENCRYPTED',
  polyglot: 'requests:errors.HOSO_ERR_UPLOAD_POLYGLOT',
  too_many_pixels: 'requests:errors.HOSO_ERR_UPLOAD_TOO_MANY_PIXELS',
};

/** The reason to put on the inbound message for a refused file, so the turn says the right sentence. */
export function rejectionOf(result: { key: string }): FileRejection {
  if (result.key.endsWith('TOO_LARGE')) return 'too_large';
  const refusal = (Object.keys(REFUSAL_KEYS) as UploadRefusal[]).find((r) => REFUSAL_KEYS[r] === result.key);
  return refusal ?? 'type';
}

const BLOB_REF = /^blob:([A-Za-z0-9_-]{1,64})$/;

export class FileIntake {
  private readonly fetchers = new Map<Channel, ChannelFileFetcher>();
  private readonly prestored = new Set<Channel>();

  constructor(
    private readonly files: BlobStore,
    private readonly options: FileIntakeOptions,
  ) {}

  get maxBytes(): number {
    return this.options.maxBytes;
  }

  /** A channel whose files are downloaded on demand (Telegram: getFile). */
  registerFetcher(channel: Channel, fetcher: ChannelFileFetcher): void {
    this.fetchers.set(channel, fetcher);
  }

  /** A channel that stores uploads itself (through `store`) and passes `blob:<id>` references. */
  registerPrestored(channel: Channel): void {
    this.prestored.add(channel);
  }

  /** Checks a file's size and real type, then stores it encrypted. */
  async store(bytes: Uint8Array, filename: string | undefined): Promise<IntakeResult> {
    if (bytes.length > this.options.maxBytes) return this.tooLarge();
    const mimeType = detectDocumentType(bytes);
    if (!mimeType) return { ok: false, key: 'requests:errors.HOSO_ERR_FILE_TYPE' };
    const inspected = await inspectUpload(bytes, mimeType, this.maxImagePixels);
    if (!inspected.ok) return this.refused(inspected.reason);
    const name = safeName(filename, mimeType);
    const fileId = await this.files.put(bytes, { filename: name, mimeType });
    return { ok: true, fileId, filename: name, mimeType };
  }

  /** The file an inbound message carries, stored (or found, for a channel that stored it already). */
  async accept(channel: Channel, file: InboundFile): Promise<IntakeResult> {
    if (file.rejected === 'type') return { ok: false, key: 'requests:errors.HOSO_ERR_FILE_TYPE' };
    if (file.rejected && file.rejected !== 'too_large') return this.refused(file.rejected);
    if (file.rejected === 'too_large' || (file.size !== undefined && file.size > this.options.maxBytes))
      return this.tooLarge();
    const blob = BLOB_REF.exec(file.ref);
    if (blob) {
      const stored = this.prestored.has(channel) ? await this.files.get(blob[1]!) : undefined;
      if (!stored) return { ok: false, key: 'requests:errors.HOSO_ERR_FILE_CORRUPT' };
      return { ok: true, fileId: blob[1]!, filename: stored.meta.filename, mimeType: stored.meta.mimeType };
    }
    const fetcher = this.fetchers.get(channel);
    if (!fetcher) return { ok: false, key: 'requests:errors.HOSO_ERR_FILE_CORRUPT' };
    const fetched = await fetcher(file.ref);
    return this.store(fetched.bytes, file.filename ?? fetched.filename);
  }

  /** A file a channel stored for a turn that did not want it (no document was being asked for). */
  async discard(channel: Channel, file: InboundFile): Promise<void> {
    const blob = BLOB_REF.exec(file.ref);
    if (blob && this.prestored.has(channel)) await this.files.delete(blob[1]!);
  }

  private get maxImagePixels(): number {
    return this.options.maxImagePixels ?? DEFAULT_MAX_IMAGE_PIXELS;
  }

  private refused(reason: UploadRefusal): IntakeResult {
    if (reason === 'too_many_pixels')
      return {
        ok: false,
        key: REFUSAL_KEYS[reason],
        params: { maxMegapixels: Math.floor(this.maxImagePixels / 1_000_000) },
      };
    return { ok: false, key: REFUSAL_KEYS[reason] };
  }

  private tooLarge(): IntakeResult {
    return {
      ok: false,
      key: 'requests:errors.HOSO_ERR_FILE_TOO_LARGE',
      params: { maxMb: Math.floor(this.options.maxBytes / (1024 * 1024)) },
    };
  }
}

const EXTENSIONS: Record<string, string> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
};

/** A file name safe to show and store: the citizen's, without paths or control characters, or a plain one. */
function safeName(filename: string | undefined, mimeType: string): string {
  const base = (filename ?? '')
    .split(/[\\/]/)
    .pop()!
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .normalize('NFC')
    .trim()
    .slice(0, 120);
  return base !== '' ? base : `tai-lieu.${EXTENSIONS[mimeType] ?? 'bin'}`;
}
