import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { qrMatrix } from '../../../src/extracts/pdf/qr.ts';

describe('QR symbol', () => {
  it.each([
    'https://hoso.example.gov.vn/verify?d=LLTP-20261125-7K3M9Q2XDA&t=UhxBcU6NUZa7',
    `https://hoso.example.gov.vn/verify?d=SKDT-20261125-SAMPLE00001&t=czP10cFd8-o4#${'eyJhbGciOiJSUzI1NiJ9.'.repeat(24)}`,
    'Hà Nội',
  ])('chooses the same mask, with the same modules, as the qrcode library’s own evaluation (%#)', (text) => {
    const ours = qrMatrix(text);
    const theirs = QRCode.create([{ data: Buffer.from(text, 'utf8'), mode: 'byte' }], {
      errorCorrectionLevel: 'M',
    });
    expect(ours.size).toBe(theirs.modules.size);
    expect(
      Buffer.from(ours.dark).equals(Buffer.from(Uint8Array.from(theirs.modules.data, (v) => (v ? 1 : 0)))),
    ).toBe(true);
  });
});
