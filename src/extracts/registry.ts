import { z } from 'zod';
import type { KeyValueStore } from '../store/types.ts';
import { ExtractError } from './errors.ts';
import { IsoDateSchema } from './schema.ts';
import type { RegistryEntry, RegistryLookup } from './verify.ts';

/**
 * The issued-document registry: every extract Hoso signs is recorded here under its document id, so that
 * /verify, `hoso verify` and staff can tell whether a document is one Hoso issued, whether the file is the one
 * issued, and whether it was revoked since. It holds no clear personal data: the subject is masked.
 */

export const DocumentIdSchema = z.string().regex(/^[A-Z0-9][A-Z0-9-]{5,40}$/, 'not a document id');
const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const Timestamp = z.iso.datetime({ offset: true });

export const RevocationReasonSchema = z
  .string()
  .transform((s) => s.normalize('NFC').replace(/\s+/g, ' ').trim())
  .pipe(z.string().min(3, 'lý do quá ngắn').max(300));

export const IssuedDocumentSchema = z.object({
  id: DocumentIdSchema,
  service: z.enum(['lltp', 'health_record']),
  /** The request the document answers (not personal: a sequence number). */
  requestCode: z.string().max(40),
  /** Hex SHA-256 of the signed file as delivered. */
  fileSha256: Sha256Hex,
  /** Hex SHA-256 of the canonical content (what the QR payload carries). */
  contentSha256: Sha256Hex,
  /** Masked as privacy/mask.ts does: "T. T. Hoà", "001*******45". */
  subject: z.object({ name: z.string().max(100), idNumber: z.string().max(20).optional() }),
  /** The issue date printed on the document, YYYY-MM-DD. */
  issueDate: IsoDateSchema,
  issuedAt: Timestamp,
  /** Signed with the development key: a test copy. */
  development: z.boolean(),
  status: z.enum(['valid', 'revoked']),
  reason: z.string().max(300).optional(),
  revokedAt: Timestamp.optional(),
  /** The staff username that revoked it. */
  revokedBy: z.string().max(64).optional(),
});
export type IssuedDocument = z.infer<typeof IssuedDocumentSchema>;
export type NewIssuedDocument = Omit<IssuedDocument, 'status' | 'reason' | 'revokedAt' | 'revokedBy'>;

const docKey = (id: string) => `extracts:doc:${id}`;
const revokedKey = (id: string) => `extracts:revoked:${id}`;

export class IssuedDocumentRegistry {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /**
   * Records a newly issued document. Never overwrites: a document recorded before (a retried job) keeps its
   * entry, and above all its revocation. Returns what the registry holds.
   */
  async record(doc: NewIssuedDocument): Promise<IssuedDocument> {
    const entry = IssuedDocumentSchema.parse({ ...doc, status: 'valid' });
    if (await this.kv.set(docKey(entry.id), JSON.stringify(entry), { nx: true })) return entry;
    return (await this.get(entry.id)) ?? entry;
  }

  async get(id: string): Promise<IssuedDocument | undefined> {
    if (!DocumentIdSchema.safeParse(id).success) return undefined;
    const raw = await this.kv.get(docKey(id));
    if (!raw) return undefined;
    const parsed = IssuedDocumentSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  }

  /**
   * A file delivered again under the same document id (the first file was lost before delivery): the
   * registry follows the new file and keeps the status.
   */
  async replaceFile(id: string, file: { fileSha256: string; contentSha256: string }): Promise<void> {
    const current = await this.get(id);
    if (!current) throw new ExtractError('HOSO_ERR_DOCUMENT_NOT_FOUND', `no issued document ${id}`);
    const next = IssuedDocumentSchema.parse({
      ...current,
      fileSha256: file.fileSha256,
      contentSha256: file.contentSha256,
    });
    await this.kv.set(docKey(id), JSON.stringify(next));
  }

  /**
   * Marks a document revoked. Acts once: the first revocation wins (its reason, time and author stay), a
   * second one is refused with HOSO_ERR_DOCUMENT_ALREADY_REVOKED.
   */
  async revoke(id: string, revocation: { reason: string; by: string }): Promise<IssuedDocument> {
    const current = await this.get(id);
    if (!current) throw new ExtractError('HOSO_ERR_DOCUMENT_NOT_FOUND', `no issued document ${id}`);
    const reason = RevocationReasonSchema.parse(revocation.reason);
    const revokedAt = this.clock().toISOString();
    // The gate key makes two concurrent revocations act once, on any store.
    if (current.status === 'revoked' || !(await this.kv.set(revokedKey(id), revokedAt, { nx: true }))) {
      throw new ExtractError('HOSO_ERR_DOCUMENT_ALREADY_REVOKED', `document ${id} is already revoked`);
    }
    const next = IssuedDocumentSchema.parse({
      ...current,
      status: 'revoked',
      reason,
      revokedAt,
      revokedBy: revocation.by,
    });
    await this.kv.set(docKey(id), JSON.stringify(next));
    return next;
  }

  /** What verifyPdf asks: the status and the file hash recorded at issue time. */
  readonly lookup: RegistryLookup = async (documentId) => {
    const doc = await this.get(documentId);
    return doc ? toRegistryEntry(doc) : undefined;
  };
}

export function toRegistryEntry(doc: IssuedDocument): RegistryEntry {
  return {
    status: doc.status,
    fileSha256: doc.fileSha256,
    ...(doc.reason ? { reason: doc.reason } : {}),
    ...(doc.revokedAt ? { revokedAt: doc.revokedAt } : {}),
  };
}
