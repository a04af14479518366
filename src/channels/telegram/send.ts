import { type Api, InputFile } from 'grammy';
import type { InlineKeyboardButton, KeyboardButton } from 'grammy/types';
import type { Outbound, TextMessage } from '../../dialogue/message.ts';
import type { BlobStore } from '../../files/types.ts';

/** Buttons with short labels share a row; long Vietnamese labels get a row each so they stay readable. */
function inlineRows(buttons: NonNullable<TextMessage['buttons']>): InlineKeyboardButton[][] {
  const rows: InlineKeyboardButton[][] = [];
  let row: InlineKeyboardButton[] = [];
  for (const b of buttons) {
    const button: InlineKeyboardButton =
      b.kind === 'url' && b.url ? { text: b.label, url: b.url } : { text: b.label, callback_data: b.action };
    if (b.label.length > 18) {
      if (row.length) rows.push(row);
      rows.push([button]);
      row = [];
      continue;
    }
    row.push(button);
    if (row.length === 2) {
      rows.push(row);
      row = [];
    }
  }
  if (row.length) rows.push(row);
  return rows;
}

export class MissingFileError extends Error {
  readonly code = 'HOSO_ERR_FILE_MISSING';
}

/** Sends the engine's messages to one Telegram chat, in order. */
export async function sendToTelegram(
  api: Api,
  chatId: string,
  messages: Outbound[],
  files: BlobStore,
): Promise<void> {
  for (const message of messages) {
    if (message.type === 'document') {
      const file = await files.get(message.fileId);
      if (!file) throw new MissingFileError(`file ${message.fileId} is gone`);
      const input = new InputFile(file.bytes, message.filename);
      const extra = message.caption ? { caption: message.caption } : {};
      // A picture (the VietQR payment code) is shown inline; anything else arrives as a file.
      if (message.mimeType.startsWith('image/')) await api.sendPhoto(chatId, input, extra);
      else await api.sendDocument(chatId, input, extra);
      continue;
    }
    const buttons = message.buttons ?? [];
    const contact = buttons.filter((b) => b.kind === 'contact');
    if (contact.length > 0) {
      // Telegram can only ask for the phone number through a reply keyboard, never an inline one.
      const keyboard: KeyboardButton[][] = contact.map((b) => [{ text: b.label, request_contact: true }]);
      await api.sendMessage(chatId, message.text, {
        reply_markup: { keyboard, resize_keyboard: true, one_time_keyboard: true },
      });
      const rest = buttons.filter((b) => b.kind !== 'contact');
      if (rest.length > 0) {
        await api.sendMessage(chatId, '⬇️', { reply_markup: { inline_keyboard: inlineRows(rest) } });
      }
      continue;
    }
    await api.sendMessage(
      chatId,
      message.text,
      buttons.length > 0 ? { reply_markup: { inline_keyboard: inlineRows(buttons) } } : {},
    );
  }
}
