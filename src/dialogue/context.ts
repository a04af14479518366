import type { TFunction } from 'i18next';
import type { Lang, Translator } from '../i18n.ts';
import type { Address, Button, Inbound, Job, Outbound } from './message.ts';
import type { Intent, Understanding } from './nlu/schema.ts';
import type { Session, TranscriptEntry, TranscriptReader } from './session.ts';

/**
 * Domain services a flow may call. Each module adds its own through declaration merging
 * (`declare module '../dialogue/context.ts' { interface Services { … } }`), so the engine never imports them.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by declaration merging
export interface Services {}

/** A minimal logger shape, so the engine does not depend on a logging library. */
export interface TurnLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface TurnContext {
  readonly inbound: Inbound;
  readonly address: Address;
  session: Session;
  readonly now: Date;
  readonly turnId: string;
  readonly services: Services;
  readonly log: TurnLogger;
  readonly lang: Lang;
  /** Translation fixed to the session's current language. */
  readonly t: TFunction;
  /** How the engine understood the text of this message (undefined without text). */
  readonly understanding: Understanding | undefined;
  /** The intent of this message: from a button (`intent:…`) or from the text. */
  intent: Intent;
  readonly messages: Outbound[];
  readonly jobs: Job[];
  /**
   * This turn's lines of the transcript kept for staff (personal numbers already masked), appended to the
   * conversation's transcript when the turn is saved. A flow may mask a line further or add staff lines.
   */
  readonly transcript: TranscriptEntry[];
  /** The whole recent transcript: what was saved before this turn, then this turn's lines. For a handoff. */
  readTranscript(): Promise<TranscriptEntry[]>;
  reply(message: Outbound | string, buttons?: Button[]): void;
  enqueue(job: Job): void;
  /** Starts a flow by id, as if the citizen had asked for it. */
  startFlow(id: string, args?: Record<string, unknown>): Promise<void>;
  /** Routes an intent as if the citizen had just expressed it (used to resume after consent). */
  dispatch(intent: Intent): Promise<void>;
  /** Ends the active flow, if any. */
  endFlow(): void;
}

/** grammY-style middleware: do something, maybe call next() to let later middleware run. */
export type Middleware = (ctx: TurnContext, next: () => Promise<void>) => Promise<void>;

export interface Flow {
  id: string;
  /** Begins the flow; it usually sets `session.flow` and asks its first question. */
  start(ctx: TurnContext, args?: Record<string, unknown>): Promise<void>;
  /**
   * Handles a message while the flow is active. Return 'pass' when the message is not an answer
   * (the citizen asked something else), to let intent routing handle it.
   */
  onInput(ctx: TurnContext): Promise<undefined | 'pass'>;
  /** Handles a button `<flow id>:<payload>`, whether or not the flow is active. */
  onAction?(ctx: TurnContext, payload: string): Promise<void>;
  /** Called when the flow ends for any reason (done, "hủy"), to drop what it kept in the session. */
  onEnd?(ctx: TurnContext): void;
}

export type IntentHandler = (ctx: TurnContext) => Promise<void>;

/** What a module plugs into the engine. */
export interface Feature {
  name: string;
  flows?: Flow[];
  intents?: Partial<Record<Intent, IntentHandler>>;
  /** Runs before routing, in feature order (e.g. the staff handoff gate). */
  middleware?: Middleware[];
  /** Global button actions `<name>` or `<name>:<payload>` not tied to a flow. */
  actions?: Record<string, (ctx: TurnContext, payload: string) => Promise<void>>;
}

export interface TurnResult {
  session: Session;
  messages: Outbound[];
  jobs: Job[];
  /** The transcript lines of this turn, to append to the conversation's transcript with the session. */
  transcript: TranscriptEntry[];
}

export interface DialogueDeps {
  translator: Translator;
  understand: (text: string) => Understanding;
  services: Services;
  log: TurnLogger;
  defaultLang: Lang;
  now?: () => Date;
  /** Where earlier turns' transcript lines are kept; without it a handoff sees this turn's lines alone. */
  transcripts?: TranscriptReader;
}
