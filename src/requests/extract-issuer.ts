import type { ExtractContent } from '../ports/agency/types.ts';
import type { RequestRecord } from './schema.ts';

export { type ExtractContent, ExtractContentSchema } from '../ports/agency/types.ts';

export interface IssuedExtract {
  /** The PDF in the blob store. */
  fileId: string;
  /** The issued-document registry's id (printed in the verification QR). */
  documentId: string;
  filename: string;
}

/**
 * Turns an agency's result into the signed PDF the citizen receives (the extracts module renders and signs:
 * src/extracts/issuer.ts). Must be idempotent per request code: a job retried after a crash asks again and
 * must get the same document.
 */
export interface ExtractIssuer {
  issue(request: RequestRecord, content: ExtractContent): Promise<IssuedExtract>;
}
