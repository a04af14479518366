import { z } from 'zod';
import { LangSchema } from '../i18n.ts';

/**
 * Version 2: the transcript left the session for a capped list of its own (the session holds only what the
 * next turn needs, so it is small to read and write on every turn).
 */
export const SESSION_VERSION = 2;

export const ConsentRecordSchema = z.object({
  decision: z.enum(['accepted', 'declined']),
  /** Version of the notice text shown, so that a changed notice is asked again. */
  version: z.string(),
  at: z.string(),
});
export type ConsentRecord = z.infer<typeof ConsentRecordSchema>;

export const TranscriptEntrySchema = z.object({
  from: z.enum(['citizen', 'bot', 'staff']),
  text: z.string(),
  at: z.string(),
});
export type TranscriptEntry = z.infer<typeof TranscriptEntrySchema>;

export const FlowStateSchema = z.object({
  id: z.string(),
  step: z.string(),
  data: z.record(z.string(), z.unknown()).default({}),
  startedAt: z.string(),
});
export type FlowState = z.infer<typeof FlowStateSchema>;

export const SessionSchema = z.object({
  lang: LangSchema,
  /** True once the citizen chose a language; until then the channel's hint may switch it. */
  langChosen: z.boolean().default(false),
  consent: ConsentRecordSchema.optional(),
  flow: FlowStateSchema.optional(),
  /** Messages in a row the bot did not understand. */
  misses: z.number().int().nonnegative().default(0),
  /**
   * Lines of a session saved before the transcript had a list of its own: the next turn moves them there.
   * The transcript itself (masked, for a staff member who takes over) is never part of the session.
   */
  transcriptBacklog: z.array(TranscriptEntrySchema).optional(),
  /**
   * The buttons of the bot's last answer, so a tap is written in the transcript as the label the citizen
   * saw ("Xác nhận nộp hồ sơ"), not as its action id.
   */
  shownButtons: z
    .record(z.string(), z.string())
    .refine((b) => Object.keys(b).length <= 40)
    .default({}),
  /** Parts of the session owned by modules (identity link, handoff…), each checked by its own schema. */
  slices: z.record(z.string(), z.unknown()).default({}),
  createdAt: z.string(),
  turns: z.number().int().nonnegative().default(0),
});
export type Session = z.infer<typeof SessionSchema>;

export const TRANSCRIPT_LIMIT = 24;

/**
 * A session saved by this version of the code was parsed before it was saved: on load, a look at the fields
 * every turn relies on is enough (each slice is still checked by its own schema when read).
 */
export function looksLikeCurrentSession(data: unknown): boolean {
  const s = data as Partial<Record<keyof Session, unknown>> | null;
  return (
    typeof s === 'object' &&
    s !== null &&
    (s.lang === 'vi' || s.lang === 'en') &&
    typeof s.langChosen === 'boolean' &&
    Number.isInteger(s.misses) &&
    Number.isInteger(s.turns) &&
    typeof s.createdAt === 'string' &&
    isPlainObject(s.slices) &&
    isPlainObject(s.shownButtons) &&
    (s.flow === undefined ||
      (isPlainObject(s.flow) && typeof (s.flow as { id?: unknown }).id === 'string')) &&
    (s.consent === undefined || isPlainObject(s.consent)) &&
    s.transcriptBacklog === undefined
  );
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Version 1 kept the transcript inside the session and the last buttons as {action, label} objects; version 2
 * carries the transcript over to the conversation's list and keeps the buttons as one action → label map.
 */
export const SESSION_MIGRATIONS: Record<number, (data: unknown) => unknown> = {
  1: (data) => {
    const { transcript, shownButtons, ...rest } = (data ?? {}) as {
      transcript?: unknown;
      shownButtons?: { action?: unknown; label?: unknown }[];
    };
    const buttons = Array.isArray(shownButtons)
      ? Object.fromEntries(shownButtons.map((b) => [String(b.action), String(b.label)]))
      : {};
    return Array.isArray(transcript) && transcript.length > 0
      ? { ...rest, shownButtons: buttons, transcriptBacklog: transcript.slice(-TRANSCRIPT_LIMIT) }
      : { ...rest, shownButtons: buttons };
  },
};

/**
 * The transcript kept for staff, outside the session: written with every turn's save, read only when a
 * person takes over and for the citizen's own data.
 */
export interface TranscriptReader {
  read(address: { channel: string; userId: string }): Promise<TranscriptEntry[]>;
}

export function newSession(lang: 'vi' | 'en', now: Date): Session {
  return {
    lang,
    langChosen: false,
    misses: 0,
    shownButtons: {},
    slices: {},
    createdAt: now.toISOString(),
    turns: 0,
  };
}

/** A tap as the citizen saw it: the button's label in brackets, or the action id if the label is gone. */
export function tappedButton(action: string, session: Session): string {
  const label = Object.hasOwn(session.shownButtons, action) ? session.shownButtons[action] : undefined;
  return `[${label ?? action}]`;
}

/** A typed part of the session owned by one module (as grammY plugins own their session key). */
export interface SessionSlice<T> {
  get(session: Session): T;
  set(session: Session, value: T | undefined): void;
}

export function defineSlice<S extends z.ZodType>(name: string, schema: S, initial: () => z.infer<S>) {
  const slice: SessionSlice<z.infer<S>> = {
    get(session) {
      const parsed = schema.safeParse(session.slices[name]);
      return parsed.success ? parsed.data : initial();
    },
    set(session, value) {
      if (value === undefined) delete session.slices[name];
      else session.slices[name] = value;
    },
  };
  return slice;
}
