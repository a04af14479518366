import type { Update } from 'grammy/types';

/**
 * A Telegram update in the engine's shape (not yet validated: the conversation handler checks it).
 * Only private chats carry a citizen's conversation; anything else returns undefined.
 */
export function updateToInbound(update: Update): Record<string, unknown> | undefined {
  const updateId = String(update.update_id);
  if (update.callback_query) {
    const q = update.callback_query;
    const chat = q.message?.chat;
    if (chat?.type !== 'private' || q.data === undefined) return undefined;
    return {
      channel: 'telegram',
      userId: String(chat.id),
      updateId,
      action: q.data,
      localeHint: q.from.language_code,
    };
  }
  const m = update.message;
  if (m?.chat.type !== 'private') return undefined;
  const base = {
    channel: 'telegram',
    userId: String(m.chat.id),
    updateId,
    localeHint: m.from?.language_code,
  };
  if (m.contact) {
    return {
      ...base,
      // Telegram sets user_id when the contact is the sender's own account, which is what makes it trustworthy.
      contact: { phone: m.contact.phone_number, ownedBySender: m.contact.user_id === m.from?.id },
    };
  }
  if (m.document) {
    return {
      ...base,
      file: {
        ref: m.document.file_id,
        filename: m.document.file_name,
        mimeType: m.document.mime_type,
        size: m.document.file_size,
      },
      ...(m.caption ? { text: m.caption } : {}),
    };
  }
  if (m.photo && m.photo.length > 0) {
    const largest = m.photo[m.photo.length - 1]!;
    return {
      ...base,
      file: { ref: largest.file_id, filename: 'photo.jpg', mimeType: 'image/jpeg', size: largest.file_size },
      ...(m.caption ? { text: m.caption } : {}),
    };
  }
  // Text, or an unsupported kind (sticker, voice…) that the handler answers with a clear message.
  return m.text !== undefined ? { ...base, text: m.text } : base;
}

export function isPrivateChatUpdate(update: Update): boolean {
  const chat = update.callback_query?.message?.chat ?? update.message?.chat;
  return chat?.type === 'private';
}
