import { z } from 'zod';

/** The OA webhook events Hoso acts on; anything else is acknowledged and ignored. */
const attachment = z.object({
  type: z.string(),
  payload: z
    .object({
      url: z.string().optional(),
      thumbnail: z.string().optional(),
      name: z.string().optional(),
      size: z.union([z.string(), z.number()]).optional(),
      type: z.string().optional(),
      id: z.string().optional(),
    })
    .passthrough()
    .optional(),
});

export const ZaloEventSchema = z
  .object({
    app_id: z.string().optional(),
    event_name: z.string().min(1).max(64),
    timestamp: z.union([z.string(), z.number()]).transform(String),
    user_id_by_app: z.string().optional(),
    sender: z.object({ id: z.string().min(1).max(64) }).optional(),
    recipient: z.object({ id: z.string() }).optional(),
    follower: z.object({ id: z.string().min(1).max(64) }).optional(),
    message: z
      .object({
        msg_id: z.string().min(1).max(128).optional(),
        text: z.string().max(4096).optional(),
        attachments: z.array(attachment).max(10).optional(),
      })
      .optional(),
    info: z
      .object({
        phone: z.union([z.string(), z.number()]).transform(String).optional(),
        name: z.string().optional(),
      })
      .passthrough()
      .optional(),
  })
  .passthrough();
export type ZaloEvent = z.infer<typeof ZaloEventSchema>;

/** Where an event came from: the follower's OA-scoped user id. */
export function eventUserId(event: ZaloEvent): string | undefined {
  return event.follower?.id ?? event.sender?.id;
}

/**
 * The delivery's identity, for acting once: the message id when there is one, otherwise what makes a follow or a
 * form submission unique (its kind, its sender and Zalo's timestamp).
 */
export function eventId(event: ZaloEvent): string {
  return event.message?.msg_id ?? `${event.event_name}:${eventUserId(event) ?? '-'}:${event.timestamp}`;
}

/** A button's payload carries our action behind this prefix; Zalo sends it back as the follower's text. */
export const ACTION_PREFIX = '#hoso:';

/** The engine's shape of an event (validated again by the conversation handler), or undefined for none. */
export function eventToInbound(event: ZaloEvent): Record<string, unknown> | undefined {
  const userId = eventUserId(event);
  if (!userId) return undefined;
  const base = { channel: 'zalo', userId, updateId: eventId(event).slice(0, 128) };
  switch (event.event_name) {
    case 'follow':
      // A new follower is greeted as a first message would be.
      return { ...base, text: '/start' };
    case 'user_send_text': {
      const text = event.message?.text ?? '';
      if (text.startsWith(ACTION_PREFIX)) return { ...base, action: text.slice(ACTION_PREFIX.length) };
      return { ...base, text };
    }
    case 'user_send_image':
    case 'user_send_file': {
      const a = event.message?.attachments?.find((x) => x.type === 'image' || x.type === 'file');
      const url = a?.payload?.url;
      if (!url) return base;
      const size = Number(a.payload?.size);
      const isImage = a.type === 'image';
      return {
        ...base,
        file: {
          ref: url,
          filename: isImage ? 'photo.jpg' : (a.payload?.name ?? 'tep'),
          mimeType: isImage ? 'image/jpeg' : mimeOf(a.payload?.type ?? a.payload?.name ?? ''),
          ...(Number.isFinite(size) && size >= 0 ? { size } : {}),
        },
        ...(event.message?.text ? { text: event.message.text } : {}),
      };
    }
    case 'user_submit_info': {
      const phone = event.info?.phone;
      // The form is filled from the follower's own Zalo account, the counterpart of Telegram's own contact.
      return phone ? { ...base, contact: { phone, ownedBySender: true } } : base;
    }
    default:
      // A sticker, a GIF, a location…: the conversation answers that it cannot read it, politely.
      return event.event_name.startsWith('user_send_') ? base : undefined;
  }
}

function mimeOf(typeOrName: string): string {
  const t = typeOrName.toLowerCase();
  if (t.includes('pdf')) return 'application/pdf';
  if (t.endsWith('png')) return 'image/png';
  if (t.endsWith('jpg') || t.endsWith('jpeg')) return 'image/jpeg';
  return 'application/octet-stream';
}
