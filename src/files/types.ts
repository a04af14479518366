import { z } from 'zod';

export const BlobMetaSchema = z.object({
  filename: z.string().min(1).max(255),
  mimeType: z.string().min(1).max(100),
  size: z.number().int().nonnegative(),
  createdAt: z.string(),
});
export type BlobMeta = z.infer<typeof BlobMetaSchema>;

/** Files the citizen sends or receives (uploads, signed extracts), behind one port. */
export interface BlobStore {
  put(bytes: Uint8Array, meta: { filename: string; mimeType: string }): Promise<string>;
  get(id: string): Promise<{ bytes: Uint8Array; meta: BlobMeta } | undefined>;
  delete(id: string): Promise<void>;
}
