import type { Button, Outbound } from '../../dialogue/message.ts';
import type { BlobStore } from '../../files/types.ts';
import type { ZaloApi } from './api.ts';
import { ACTION_PREFIX } from './events.ts';

/** A consultation text holds at most 2,000 characters. */
export const ZALO_TEXT_LIMIT = 2000;
/** A button template holds at most 5 buttons; more choices go out as further templates, never dropped. */
export const ZALO_BUTTONS_PER_TEMPLATE = 5;
const BUTTON_TITLE_LIMIT = 100;

export const MESSAGE_PATH = '/v3.0/oa/message/cs';
export const UPLOAD_IMAGE_PATH = '/v2.0/oa/upload/image';
export const UPLOAD_FILE_PATH = '/v2.0/oa/upload/file';

export class MissingFileError extends Error {
  readonly code = 'HOSO_ERR_FILE_MISSING';
}

/**
 * Splits text over the limit at sentence ends (then line breaks, then spaces), so no part stops mid-sentence
 * when it can be helped.
 */
export function splitText(text: string, limit = ZALO_TEXT_LIMIT): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > limit) {
    const window = rest.slice(0, limit);
    let cut = -1;
    for (const re of [/[.!?…](?=\s)/g, /\n/g, /\s/g]) {
      for (const m of window.matchAll(re)) cut = m.index + m[0].length;
      if (cut > limit / 3) break;
      cut = -1;
    }
    if (cut <= 0) cut = limit;
    parts.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest.length > 0) parts.push(rest);
  return parts;
}

function zaloButton(b: Button): Record<string, unknown> {
  const title = b.label.slice(0, BUTTON_TITLE_LIMIT);
  if (b.kind === 'url' && b.url) return { title, type: 'oa.open.url', payload: { url: b.url } };
  // A hidden query: the follower sees the label, Zalo sends us the payload as their text.
  return { title, type: 'oa.query.hide', payload: `${ACTION_PREFIX}${b.action}` };
}

/** The message/cs bodies for one outbound message, in order (uploads happen here, for files and photos). */
async function toZaloMessages(
  api: ZaloApi,
  message: Outbound,
  files: BlobStore,
  moreLabel: string,
): Promise<Record<string, unknown>[]> {
  if (message.type === 'document') {
    const file = await files.get(message.fileId);
    if (!file) throw new MissingFileError(`file ${message.fileId} is gone`);
    if (message.mimeType.startsWith('image/')) {
      // A picture (the VietQR payment code) is shown inline, uploaded first as the media template needs.
      const up = await api.upload(UPLOAD_IMAGE_PATH, file.bytes, message.filename, message.mimeType);
      return [
        {
          ...(message.caption ? { text: message.caption.slice(0, ZALO_TEXT_LIMIT) } : {}),
          attachment: {
            type: 'template',
            payload: {
              template_type: 'media',
              elements: [{ media_type: 'image', attachment_id: String(up.attachment_id) }],
            },
          },
        },
      ];
    }
    const up = await api.upload(UPLOAD_FILE_PATH, file.bytes, message.filename, message.mimeType);
    const out: Record<string, unknown>[] = [
      { attachment: { type: 'file', payload: { token: String(up.token) } } },
    ];
    // A file message carries no text; the caption follows it.
    if (message.caption) out.push(...splitText(message.caption).map((text) => ({ text })));
    return out;
  }
  const texts = splitText(message.text);
  const buttons = message.buttons ?? [];
  const contact = buttons.filter((b) => b.kind === 'contact');
  const rest = buttons.filter((b) => b.kind !== 'contact');
  const out: Record<string, unknown>[] = texts.slice(0, -1).map((text) => ({ text }));
  const last = texts[texts.length - 1] ?? message.text;
  if (rest.length === 0) out.push({ text: last });
  for (let i = 0; i < rest.length; i += ZALO_BUTTONS_PER_TEMPLATE) {
    out.push({
      text: i === 0 ? last : moreLabel,
      attachment: {
        type: 'template',
        payload: { buttons: rest.slice(i, i + ZALO_BUTTONS_PER_TEMPLATE).map(zaloButton) },
      },
    });
  }
  for (const b of contact) {
    // Zalo's counterpart of asking for the phone: the OA's user-info form, answered by user_submit_info.
    out.push({
      attachment: {
        type: 'template',
        payload: {
          template_type: 'request_user_info',
          elements: [{ title: b.label.slice(0, BUTTON_TITLE_LIMIT), subtitle: last.slice(0, 500) }],
        },
      },
    });
  }
  return out;
}

/** Sends the engine's messages to one follower, in order. */
export async function sendToZalo(
  api: ZaloApi,
  userId: string,
  messages: Outbound[],
  files: BlobStore,
  moreLabel: string,
): Promise<void> {
  for (const message of messages) {
    for (const body of await toZaloMessages(api, message, files, moreLabel)) {
      await api.post(MESSAGE_PATH, { recipient: { user_id: userId }, message: body });
    }
  }
}
