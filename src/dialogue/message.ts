import { z } from 'zod';

export const ChannelSchema = z.enum(['telegram', 'webchat', 'terminal', 'zalo']);
export type Channel = z.infer<typeof ChannelSchema>;

/** Telegram carries a button's action in callback_data, which holds at most 64 bytes. */
const action = z
  .string()
  .min(1)
  .refine((a) => Buffer.byteLength(a) <= 64, 'an action holds at most 64 bytes');

export const ButtonSchema = z
  .object({
    label: z.string().min(1).max(120),
    action,
    /**
     * `contact` asks the channel for the sender's own phone number (Telegram's request_contact);
     * `url` opens `url` in the browser (a login page) instead of sending the action.
     */
    kind: z.enum(['action', 'contact', 'url']).optional(),
    url: z.url({ protocol: /^https?$/ }).optional(),
  })
  .refine(
    (b) => (b.kind === 'url') === (b.url !== undefined),
    'a url button carries a url, and only it does',
  );
export type Button = z.infer<typeof ButtonSchema>;

export const TextMessageSchema = z.object({
  type: z.literal('text'),
  text: z.string().min(1),
  buttons: z.array(ButtonSchema).optional(),
});

/** A file for the citizen; each channel turns `fileId` into what it can send (bytes, or a one-time link). */
export const DocumentMessageSchema = z.object({
  type: z.literal('document'),
  fileId: z.string().min(1),
  filename: z.string().min(1),
  mimeType: z.string().default('application/pdf'),
  caption: z.string().optional(),
});

export const OutboundSchema = z.discriminatedUnion('type', [TextMessageSchema, DocumentMessageSchema]);
export type Outbound = z.infer<typeof OutboundSchema>;
export type TextMessage = z.infer<typeof TextMessageSchema>;
export type DocumentMessage = z.infer<typeof DocumentMessageSchema>;

export const InboundFileSchema = z.object({
  /** The channel's own reference, resolved to bytes by the channel when a flow needs them. */
  ref: z.string().min(1),
  filename: z.string().max(255).optional(),
  mimeType: z.string().max(100).optional(),
  size: z.number().int().nonnegative().optional(),
  /**
   * A channel that receives the bytes itself may refuse the file before the turn (too large, not a photo or a
   * PDF, a PDF that does not load or is password-protected, a file with a program inside, an image of too many
   * pixels); the conversation then tells the citizen why, in their language.
   */
  rejected: z
    .enum(['too_large', 'type', 'unreadable', 'encrypted', 'polyglot', 'too_many_pixels'])
    .optional(),
});

export type InboundFile = z.infer<typeof InboundFileSchema>;

/** One thing a citizen did, in the engine's shape: every channel converts to this. */
export const InboundSchema = z
  .object({
    channel: ChannelSchema,
    /** The chat account on that channel (Telegram chat id, web chat session id…). */
    userId: z.string().min(1).max(128),
    /** The channel's id for this delivery, when it has one; a redelivery carries the same id. */
    updateId: z.string().min(1).max(128).optional(),
    text: z.string().max(4096).optional(),
    action: action.optional(),
    contact: z.object({ phone: z.string().min(3).max(32), ownedBySender: z.boolean() }).optional(),
    file: InboundFileSchema.optional(),
    /** The language the channel reports for the user's device, used only to greet a new citizen. */
    localeHint: z.string().max(16).optional(),
    /** Display name given by the channel (never trusted as identity). */
    displayName: z.string().max(128).optional(),
  })
  .refine(
    (i) => i.text !== undefined || i.action !== undefined || i.contact !== undefined || i.file !== undefined,
    'an inbound message carries text, an action, a contact or a file',
  );
export type Inbound = z.infer<typeof InboundSchema>;

/** Where to reach a citizen later (status changes, staff replies). */
export const AddressSchema = z.object({ channel: ChannelSchema, userId: z.string().min(1) });
export type Address = z.infer<typeof AddressSchema>;

export const JobSchema = z.object({
  name: z.string().min(1),
  data: z.record(z.string(), z.unknown()),
  /** Idempotency key: a job with a key already queued or done is not queued again. */
  key: z.string().optional(),
});
export type Job = z.infer<typeof JobSchema>;

export function text(body: string, buttons?: Button[]): TextMessage {
  return buttons && buttons.length > 0 ? { type: 'text', text: body, buttons } : { type: 'text', text: body };
}
