import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { BlobStore } from '../files/types.ts';
import type { ExtractContent } from '../ports/agency/types.ts';
import type { KeyValueStore } from '../store/types.ts';
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
 * Turns an agency's result into the signed PDF the citizen receives (the extracts module renders and signs).
 * Must be idempotent per request code: a job retried after a crash asks again and must get the same document.
 */
export interface ExtractIssuer {
  issue(request: RequestRecord, content: ExtractContent): Promise<IssuedExtract>;
}

/** Letters a standard PDF font can draw: Vietnamese folded to ASCII ("Đỗ Quốc Hùng" → "Do Quoc Hung"). */
function ascii(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^\x20-\x7e]/g, '?');
}

/**
 * A stand-in until the extracts module is wired: a one-page PDF that says what would be printed and that it
 * is not a document, stored once per request code.
 */
export class PlaceholderExtractIssuer implements ExtractIssuer {
  constructor(
    private readonly files: BlobStore,
    private readonly kv: KeyValueStore,
  ) {}

  async issue(request: RequestRecord, content: ExtractContent): Promise<IssuedExtract> {
    const key = `extract:placeholder:${request.code}`;
    const known = await this.kv.get(key);
    if (known) {
      const issued = JSON.parse(known) as IssuedExtract;
      if (await this.files.get(issued.fileId)) return issued;
    }
    const lines = [
      'HOSO - PLACEHOLDER EXTRACT',
      'NOT AN OFFICIAL DOCUMENT: the extract renderer is not wired yet.',
      '',
      `Request: ${request.code}`,
      `Service: ${request.service}`,
      `Issued: ${content.issueDate} by ${ascii(content.authority.name)}`,
      `Subject: ${ascii(content.subject.fullName)}, born ${content.subject.dateOfBirth}`,
      ...(content.kind === 'lltp'
        ? [
            `Form: ${content.form}`,
            content.content.convictions.length === 0
              ? 'Convictions: none (khong co an tich)'
              : `Convictions: ${content.content.convictions.length}`,
          ]
        : [`Scope: ${content.choice.scope}`, `Visits: ${content.record.visits.length}`]),
    ];
    const pdf = await PDFDocument.create();
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    const page = pdf.addPage([595.28, 841.89]);
    lines.forEach((line, i) => {
      page.drawText(line, { x: 56, y: 780 - i * 20, size: i === 0 ? 16 : 11, font });
    });
    pdf.setTitle(`Hoso placeholder ${request.code}`);
    const bytes = await pdf.save();
    const filename = `${request.code}.pdf`;
    const fileId = await this.files.put(bytes, { filename, mimeType: 'application/pdf' });
    const issued: IssuedExtract = { fileId, documentId: `DEV-${request.code}`, filename };
    await this.kv.set(key, JSON.stringify(issued));
    return issued;
  }
}
