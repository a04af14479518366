import QRCode from 'qrcode';
import type { QrMatrix } from './display-list.ts';

/**
 * QR symbol for `text` at error-correction level M (15 %), which survives printing and a crease. A fixed mask
 * pattern skips the library's evaluation of all eight masks (about 5 ms of the 15 ms budget for the larger
 * symbols); every mask decodes, the penalty score only tunes scanning robustness, and the tests decode every
 * extract's code with zbarimg.
 */
export function qrMatrix(text: string, options: { maskPattern?: number } = {}): QrMatrix {
  const qr = QRCode.create(text, {
    errorCorrectionLevel: 'M',
    ...(options.maskPattern === undefined ? {} : { maskPattern: options.maskPattern as 0 }),
  });
  const size = qr.modules.size;
  const dark = new Uint8Array(size * size);
  const data = qr.modules.data as unknown as ArrayLike<number | boolean>;
  for (let i = 0; i < dark.length; i++) dark[i] = data[i] ? 1 : 0;
  return { size, dark };
}
