import type { DisplayDocument, QrMatrix } from '../pdf/display-list.ts';
import type { Typesetter } from '../pdf/layout.ts';

/** What a template needs besides its data: measuring, the signer, the time and the QR symbol. */
export interface TemplateContext {
  setter: Typesetter;
  /** Signed with the development key: every page carries the test mark. */
  development: boolean;
  certificateName: string;
  signingTime: Date;
  qr: QrMatrix;
  /** Extra Info dictionary entries, e.g. the content hash and offline payload. */
  info: Record<string, string>;
}

export type Template<T> = (input: T, ctx: TemplateContext) => DisplayDocument;
