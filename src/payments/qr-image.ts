import QRCode from 'qrcode';

/** The payment code as a PNG to send in the chat (medium error correction survives a phone screen photo). */
export async function renderQrPng(payload: string): Promise<Buffer> {
  return QRCode.toBuffer(payload, { type: 'png', errorCorrectionLevel: 'M', margin: 2, scale: 6 });
}
