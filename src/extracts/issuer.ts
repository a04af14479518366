import { z } from 'zod';
import type { BlobStore } from '../files/types.ts';
import type { ExtractContent } from '../ports/agency/types.ts';
import { maskCitizenId, maskName } from '../privacy/mask.ts';
import type { ExtractIssuer, IssuedExtract } from '../requests/extract-issuer.ts';
import type { RequestRecord } from '../requests/schema.ts';
import type { KeyValueStore } from '../store/types.ts';
import { extractInputFromAgency } from './agency-input.ts';
import { newDocumentId } from './document-id.ts';
import { type IssuedDocumentRegistry, IssuedDocumentSchema, type NewIssuedDocument } from './registry.ts';
import type { ExtractRenderer, RenderedExtract } from './renderer.ts';

/**
 * The extract a request receives: the agency's result rendered, signed, stored in the blob store and recorded
 * in the issued-document registry. Idempotent per request code, across retries, crashes and workers:
 *
 * 1. a document id is reserved for the request before anything is rendered, so every attempt prints the same
 *    id (and QR link);
 * 2. the first attempt to store its file claims the request; a slower one drops its own file and returns the
 *    winner's;
 * 3. the registry entry is written from the claim, so an attempt that died between the two still records it.
 *
 * Nothing here is logged: the PDF and its input are personal data.
 */
export interface SignedExtractIssuerOptions {
  kv: KeyValueStore;
  files: BlobStore;
  renderer: ExtractRenderer;
  registry: IssuedDocumentRegistry;
  /** Told after each extract is rendered and signed, with how long that took (the signing metrics). */
  onSigned?: (service: string, seconds: number) => void;
}

const ClaimSchema = z.object({
  fileId: z.string().min(1),
  filename: z.string().min(1),
  document: IssuedDocumentSchema.omit({ status: true, reason: true, revokedAt: true, revokedBy: true }),
});
type Claim = z.infer<typeof ClaimSchema>;

const reservationKey = (code: string) => `extracts:request:${code}:document-id`;
const claimKey = (code: string) => `extracts:request:${code}:issued`;

export class SignedExtractIssuer implements ExtractIssuer {
  constructor(private readonly options: SignedExtractIssuerOptions) {}

  async issue(request: RequestRecord, content: ExtractContent): Promise<IssuedExtract> {
    const { kv, files, registry } = this.options;
    const known = await this.claimOf(request.code);
    if (known) {
      await registry.record(known.document);
      if (await files.get(known.fileId)) return issued(known);
      return this.deliverAgain(request, content, known);
    }
    const documentId = await this.reserveDocumentId(request.code, content);
    const rendered = await this.render(request, content, documentId);
    const claim = await this.store(request, rendered);
    if (!(await kv.set(claimKey(request.code), JSON.stringify(claim), { nx: true }))) {
      // Another attempt stored its file first: that one is the document.
      await files.delete(claim.fileId);
      const winner = await this.claimOf(request.code);
      if (!winner) throw new Error(`extract claim of ${request.code} vanished`);
      await registry.record(winner.document);
      return issued(winner);
    }
    await registry.record(claim.document);
    return issued(claim);
  }

  /** The document id of a request: reserved by the first attempt, read back by every later one. */
  private async reserveDocumentId(code: string, content: ExtractContent): Promise<string> {
    const { kv } = this.options;
    await kv.set(reservationKey(code), newDocumentId(content.kind, content.issueDate), { nx: true });
    const reserved = await kv.get(reservationKey(code));
    if (!reserved) throw new Error(`document id reservation of ${code} vanished`);
    return reserved;
  }

  private async render(request: RequestRecord, content: ExtractContent, documentId: string) {
    const started = performance.now();
    const rendered = await this.options.renderer.render(
      extractInputFromAgency(content, { documentId, requestCode: request.code }),
    );
    this.options.onSigned?.(rendered.kind, (performance.now() - started) / 1000);
    return rendered;
  }

  private async store(request: RequestRecord, rendered: RenderedExtract): Promise<Claim> {
    const fileId = await this.options.files.put(rendered.pdf, {
      filename: rendered.fileName,
      mimeType: 'application/pdf',
    });
    const input = rendered.input;
    const document: NewIssuedDocument = {
      id: rendered.documentId,
      service: rendered.kind,
      requestCode: request.code,
      fileSha256: rendered.fileSha256,
      contentSha256: rendered.contentSha256,
      subject: {
        name: maskName(input.subject.fullName),
        idNumber: maskCitizenId(input.subject.idDocument.number),
      },
      issueDate: input.issueDate,
      issuedAt: rendered.signedAt.toISOString(),
      development: rendered.development,
    };
    return { fileId, filename: rendered.fileName, document };
  }

  /**
   * The claimed file is gone from the blob store before it reached the citizen: sign the same document
   * (same id) again and let the registry follow the new file. Its status, a revocation included, stays.
   */
  private async deliverAgain(
    request: RequestRecord,
    content: ExtractContent,
    lost: Claim,
  ): Promise<IssuedExtract> {
    const rendered = await this.render(request, content, lost.document.id);
    const claim = await this.store(request, rendered);
    await this.options.kv.set(claimKey(request.code), JSON.stringify(claim));
    await this.options.registry.replaceFile(claim.document.id, {
      fileSha256: claim.document.fileSha256,
      contentSha256: claim.document.contentSha256,
    });
    return issued(claim);
  }

  private async claimOf(code: string): Promise<Claim | undefined> {
    const raw = await this.options.kv.get(claimKey(code));
    if (!raw) return undefined;
    const parsed = ClaimSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  }
}

function issued(claim: Claim): IssuedExtract {
  return { fileId: claim.fileId, documentId: claim.document.id, filename: claim.filename };
}
