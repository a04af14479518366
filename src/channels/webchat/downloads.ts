import { randomBytes } from 'node:crypto';
import type { KeyValueStore } from '../../store/types.ts';

/**
 * Download links for files shown in the web chat: each token expires and works once, so a link copied
 * from a shared screen or a proxy log is worthless.
 */
export interface DownloadLinks {
  create(fileId: string, filename: string): Promise<string>;
  /** The file behind a token, consuming it; undefined when unknown, used or expired. */
  consume(token: string): Promise<{ fileId: string; filename: string } | undefined>;
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
    async consume(token) {
      const raw = await kv.get(`download:${token}`);
      if (!raw || !(await kv.delIfEquals(`download:${token}`, raw))) return undefined;
      return JSON.parse(raw) as { fileId: string; filename: string };
    },
  };
}
