import QRCode from 'qrcode';

/**
 * The payment code as a PNG to send in the chat (medium error correction survives a phone screen photo).
 * A black-and-white code needs neither colour nor PNG's adaptive row filters: grey pixels without filtering
 * take about half the time of pngjs's defaults and stay small (~4 KB), and this runs inside a chat turn.
 */
export async function renderQrPng(payload: string): Promise<Buffer> {
  return QRCode.toBuffer(payload, {
    type: 'png',
    errorCorrectionLevel: 'M',
    margin: 2,
    scale: 6,
    rendererOpts: { filterType: 0, colorType: 0 } as QRCode.QRCodeToBufferOptions['rendererOpts'],
  });
}
