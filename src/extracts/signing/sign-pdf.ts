import { createHash } from 'node:crypto';
import { BYTE_RANGE_PLACEHOLDER } from '../pdf/writer.ts';
import type { CmsTemplate } from './cms.ts';

/**
 * Fills the signature prepared by `writePdf`, in place: the byte range becomes "everything but the /Contents
 * hole", the two ranges are hashed, and the CMS goes into the hole as zero-padded hex.
 */
export function signPreparedPdf(pdf: Buffer, cms: CmsTemplate): Buffer {
  const at = pdf.lastIndexOf(BYTE_RANGE_PLACEHOLDER);
  if (at < 0) throw new Error('signPreparedPdf: no signature placeholder in the document');
  const contentsAt = pdf.indexOf('/Contents <', at) + '/Contents '.length;
  const contentsEnd = pdf.indexOf('>', contentsAt) + 1;
  const range = [0, contentsAt, contentsEnd, pdf.length - contentsEnd];
  const written = `/ByteRange [${range.join(' ')}]`;
  if (written.length > BYTE_RANGE_PLACEHOLDER.length) throw new Error('signPreparedPdf: document too large');
  pdf.write(written.padEnd(BYTE_RANGE_PLACEHOLDER.length, ' '), at, 'latin1');

  const digest = createHash('sha256')
    .update(pdf.subarray(0, contentsAt))
    .update(pdf.subarray(contentsEnd))
    .digest();
  const der = cms.signDigest(digest);
  const room = contentsEnd - contentsAt - 2;
  const hex = der.toString('hex');
  if (hex.length > room)
    throw new Error(`signPreparedPdf: CMS of ${der.length} bytes exceeds the placeholder`);
  pdf.write(hex, contentsAt + 1, 'latin1');
  return pdf;
}
