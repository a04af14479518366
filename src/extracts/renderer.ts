import { createHash } from 'node:crypto';
import { ZodError } from 'zod';
import { contentSha256 } from './canonical.ts';
import { deriveLinkKey, verificationUrl, verifyLinkToken } from './document-id.ts';
import { ExtractError } from './errors.ts';
import { createOfflinePayload, qrSigningKey } from './offline.ts';
import type { DisplayDocument } from './pdf/display-list.ts';
import { FontSet } from './pdf/fonts.ts';
import { Typesetter } from './pdf/layout.ts';
import { qrMatrix } from './pdf/qr.ts';
import { writePdf } from './pdf/writer.ts';
import { type ExtractInput, type ExtractInputData, ExtractInputSchema, type ExtractKind } from './schema.ts';
import type { SigningIdentity } from './signing/identity.ts';
import { signPreparedPdf } from './signing/sign-pdf.ts';
import type { TemplateContext } from './templates/context.ts';
import { renderHealthRecord } from './templates/health-record.ts';
import { renderLltp } from './templates/lltp.ts';
import { nameInitials } from './text.ts';

export interface ExtractRendererOptions {
  identity: SigningIdentity;
  /** Public base URL of the verification page, e.g. https://hoso.example.gov.vn. */
  publicUrl: string;
  /** HMAC key for the QR link token (VERIFY_LINK_SECRET); default derived from the signing key. */
  linkKey?: Buffer;
  clock?: () => Date;
  /** QR mask pattern 0–7; undefined lets the QR library evaluate all eight (slower). Default 0. */
  qrMaskPattern?: number | undefined;
}

export interface RenderedExtract {
  kind: ExtractKind;
  /** The input as printed (parsed: NFC, defaults). Personal data: never log it. */
  input: ExtractInput;
  documentId: string;
  /** The signed PDF. Never log it. */
  pdf: Buffer;
  /** Suggested download name, e.g. phieu-lltp-HS2611250001.pdf. */
  fileName: string;
  /** Hex SHA-256 of the final signed file: what the registry records for uploaded-file checks. */
  fileSha256: string;
  /** Hex SHA-256 of the canonical content: what the QR payload carries (see canonical.ts). */
  contentSha256: string;
  verifyUrl: string;
  offlinePayload: string;
  /** The offline payload printed in the QR code, signed with the QR key (see qrSigningKey). */
  qrPayload: string;
  signedAt: Date;
  pages: number;
  development: boolean;
}

let sharedFonts: FontSet | undefined;

/** The three DejaVu faces, read and parsed once per process. */
export function loadFonts(): FontSet {
  sharedFonts ??= FontSet.load();
  return sharedFonts;
}

/**
 * Renders and signs extracts. One instance per signing key: fonts are parsed once, the signer's certificate
 * material and CMS skeleton are prepared once, and each document then costs layout, a per-document font subset
 * (a few kilobytes), one RSA signature for the QR payload and one for the PAdES signature.
 */
export class ExtractRenderer {
  private readonly setter: Typesetter;
  private readonly linkKey: Buffer;
  private readonly qrKey: Pick<SigningIdentity, 'privateKey' | 'publicKey'>;
  private readonly clock: () => Date;

  constructor(private readonly options: ExtractRendererOptions) {
    this.setter = new Typesetter(loadFonts());
    this.linkKey = options.linkKey ?? deriveLinkKey(options.identity.privateKey);
    this.qrKey = qrSigningKey(options.identity);
    this.clock = options.clock ?? (() => new Date());
  }

  get identity(): SigningIdentity {
    return this.options.identity;
  }

  /** Parses the input (NFC, defaults) and returns the signed PDF with its registry facts. */
  async render(data: ExtractInputData): Promise<RenderedExtract> {
    const input = parseExtractInput(data);
    const identity = this.options.identity;
    const signedAt = this.clock();
    const hash = contentSha256(input);
    const offlinePayload = createOfflinePayload(identity, {
      documentId: input.documentId,
      contentSha256: hash,
      initials: nameInitials(input.subject.fullName),
      issueDate: input.issueDate,
    });
    const verifyUrl = verificationUrl(
      this.options.publicUrl,
      input.documentId,
      verifyLinkToken(this.linkKey, input.documentId),
    );
    // The QR code carries the same claims signed with the short-signature QR key, so a 150 dpi scan decodes.
    const qrPayload = createOfflinePayload(
      this.qrKey,
      {
        documentId: input.documentId,
        contentSha256: hash,
        initials: nameInitials(input.subject.fullName),
        issueDate: input.issueDate,
      },
      { kid: false },
    );
    const qr = qrMatrix(`${verifyUrl}#${qrPayload}`, {
      maskPattern: 'qrMaskPattern' in this.options ? this.options.qrMaskPattern : 0,
    });
    const ctx: TemplateContext = {
      setter: this.setter,
      development: identity.isDevelopment,
      certificateName: identity.signerName,
      signingTime: signedAt,
      qr,
      info: {
        HosoDocumentId: input.documentId,
        HosoContentSha256: hash.toString('hex'),
        HosoOfflinePayload: offlinePayload,
      },
    };
    const doc = this.layout(input, ctx);
    const prepared = await writePdf(doc, this.setter.fonts, {
      name: identity.signerName,
      reason: signatureReason(input),
      location: input.issuePlace,
      signingTime: signedAt,
      contentsLength: identity.cms.maxLength,
    });
    const pdf = signPreparedPdf(prepared, identity.cms);
    return {
      kind: input.kind,
      input,
      documentId: input.documentId,
      pdf,
      fileName: extractFileName(input),
      fileSha256: createHash('sha256').update(pdf).digest('hex'),
      contentSha256: hash.toString('hex'),
      verifyUrl,
      offlinePayload,
      qrPayload,
      signedAt,
      pages: doc.pages.length,
      development: identity.isDevelopment,
    };
  }

  /** The display list alone (no PDF, no signature): for the naive benchmark path and layout tests. */
  layout(input: ExtractInput, ctx: TemplateContext): DisplayDocument {
    return input.kind === 'lltp' ? renderLltp(input, ctx) : renderHealthRecord(input, ctx);
  }
}

export function parseExtractInput(data: unknown): ExtractInput {
  try {
    const input = ExtractInputSchema.parse(data);
    const missing = missingGlyphs(input);
    if (missing.length) {
      throw new ExtractError(
        'HOSO_ERR_EXTRACT_UNSUPPORTED_CHARACTER',
        `the extract font cannot draw: ${missing.map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase()}`).join(', ')}`,
      );
    }
    return input;
  } catch (err) {
    if (err instanceof ZodError) {
      const where = err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new ExtractError('HOSO_ERR_EXTRACT_INVALID_INPUT', `invalid extract input: ${where}`, {
        cause: err,
      });
    }
    throw err;
  }
}

/** Code points already known to be drawable in all three faces. */
const drawable = new Set<number>();

/** Characters in any string of the input that the regular, bold or italic face lacks (checked before layout). */
function missingGlyphs(input: ExtractInput): string[] {
  const fonts = loadFonts();
  const faces = (['regular', 'bold', 'italic'] as const).map((k) => fonts.face(k).ttf);
  const missing = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      for (const ch of v) {
        const cp = ch.codePointAt(0)!;
        if (drawable.has(cp) || cp === 0x0a) continue;
        if (faces.every((f) => f.hasCodePoint(cp))) drawable.add(cp);
        else missing.add(ch);
      }
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(input);
  return [...missing];
}

function signatureReason(input: ExtractInput): string {
  return input.kind === 'lltp'
    ? `Cấp Phiếu lý lịch tư pháp số ${input.form}`
    : 'Trích xuất Sổ sức khỏe điện tử';
}

export function extractFileName(input: Pick<ExtractInput, 'kind' | 'requestCode'>): string {
  const code = input.requestCode.replace(/[^A-Za-z0-9._-]/g, '');
  return input.kind === 'lltp' ? `phieu-lltp-${code}.pdf` : `so-suc-khoe-${code}.pdf`;
}
