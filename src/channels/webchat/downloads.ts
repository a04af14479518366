import { randomBytes } from 'node:crypto';
import type { KeyValueStore } from '../../store/types.ts';

/**
 * Download links for files shown in the web chat: each token is unguessable and expires, so a link copied from
 * a shared screen or a proxy log is soon worthless; until then its holder may open it again (a second tap, a
 * second device), which a one-time link refused.
 */
export interface DownloadLinks {
  create(fileId: string, filename: string): Promise<string>;
  /** The file behind a token; undefined when unknown or expired. */
  open(token: string): Promise<{ fileId: string; filename: string } | undefined>;
}

export function createDownloadLinks(
  kv: KeyValueStore,
  options: { baseUrl: string; ttlMs: number },
): DownloadLinks {
  return {
    async create(fileId, filename) {
      const token = randomBytes(24).toString('base64url');
      await kv.set(`download:${token}`, JSON.stringify({ fileId, filename }), { ttlMs: options.ttlMs });
      return `${options.baseUrl}/api/webchat/files/${token}`;
    },
    async open(token) {
      const raw = await kv.get(`download:${token}`);
      if (!raw) return undefined;
      return JSON.parse(raw) as { fileId: string; filename: string };
    },
  };
}
