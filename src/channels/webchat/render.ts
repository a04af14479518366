import type { Outbound } from '../../dialogue/message.ts';
import type { DownloadLinks } from './downloads.ts';

/** A message as the web chat API of contracts §4 shows it. */
export type WireMessage =
  | {
      type: 'text';
      text: string;
      buttons?: { label: string; action: string; kind?: 'action' | 'contact' | 'url'; url?: string }[];
    }
  | { type: 'document'; url: string; filename: string; mimeType?: string; caption?: string };

export async function toWire(message: Outbound, links: DownloadLinks): Promise<WireMessage> {
  if (message.type === 'text') return message;
  const url = await links.create(message.fileId, message.filename);
  return {
    type: 'document',
    url,
    filename: message.filename,
    // An extension of contracts §4: the page shows a picture (the payment code) instead of a link.
    mimeType: message.mimeType,
    ...(message.caption ? { caption: message.caption } : {}),
  };
}
