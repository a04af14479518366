import { WebchatOutbox } from '../../src/channels/webchat/outbox.ts';
import { Notifier } from '../../src/conversation/notifier.ts';
import type { Feature, TurnLogger } from '../../src/dialogue/context.ts';
import { createDialogueEngine } from '../../src/dialogue/engine.ts';
import { consentFeature } from '../../src/dialogue/features/consent.ts';
import { coreFeature, notYetOpenFeature } from '../../src/dialogue/features/core.ts';
import type { Inbound, Outbound } from '../../src/dialogue/message.ts';
import { understand } from '../../src/dialogue/nlu/understand.ts';
import type { Session } from '../../src/dialogue/session.ts';
import { createTranslator } from '../../src/i18n.ts';
import { createConsentLog } from '../../src/privacy/consent-log.ts';
import { MemoryStore } from '../../src/store/memory.ts';
import { createSupportModule, type SupportConfig } from '../../src/support/module.ts';
import { createStoreStaffAccounts } from '../../src/support/staff/accounts.ts';
import { testTranscripts } from '../support/transcripts.ts';

export const silentLog = { info() {}, warn() {}, error() {} };

export const SUPPORT_DEFAULTS: SupportConfig = {
  STAFF_FIRST_RESPONSE_MINUTES: 15,
  STAFF_MINUTES_PER_TICKET: 5,
  STAFF_OFFICE_HOURS: 'mon-fri 08:00-17:00',
  STAFF_HOLIDAYS_FILE: 'src/support/data/holidays-vn.json',
  STAFF_SESSION_TTL_SECONDS: 3600,
  STAFF_LOGIN_LIMIT_PER_IP: 20,
  STAFF_LOGIN_LIMIT_PER_USER: 5,
  DATA_DIR: '/nonexistent-hoso-test-dir',
  DATA_RETENTION_DAYS: 365,
  publicUrl: 'http://127.0.0.1',
};

/** Wednesday 25 November 2026, 10:00 in Vietnam: inside office hours. */
export const WEDNESDAY_10AM = new Date('2026-11-25T03:00:00Z');

/**
 * The engine with the skeleton's features and the support module's, over a memory store, with a clock the
 * test moves and a sender that records what reaches citizens outside a turn.
 */
export function supportHarness(
  options: {
    config?: Partial<SupportConfig>;
    extra?: Feature[];
    now?: Date;
    /** Messages to citizens outside a turn take this long to leave (a slow channel). */
    sendDelayMs?: number;
    log?: TurnLogger;
  } = {},
) {
  const store = new MemoryStore();
  const translator = createTranslator();
  let now = options.now ?? WEDNESDAY_10AM;
  const clock = () => now;
  // Messages outside a turn go through the real notifier to the real web chat outbox.
  const notifier = new Notifier();
  const outbox = new WebchatOutbox(store, 60 * 60 * 1000);
  notifier.register('webchat', outbox);
  const delay = options.sendDelayMs ?? 0;
  const support = createSupportModule({
    store,
    sender: {
      send: async (address, messages) => {
        if (delay > 0) await new Promise((r) => setTimeout(r, delay));
        await notifier.send(address, messages);
      },
    },
    translator,
    log: options.log ?? silentLog,
    config: { ...SUPPORT_DEFAULTS, ...options.config },
    clock,
    accounts: createStoreStaffAccounts(store),
  });
  const transcripts = testTranscripts(store);
  const engine = createDialogueEngine(
    [
      support.gateFeature,
      coreFeature,
      notYetOpenFeature,
      consentFeature,
      support.feature,
      ...(options.extra ?? []),
    ],
    {
      translator,
      understand,
      services: { consent: { log: createConsentLog(store), retentionDays: 365 }, support: support.services },
      log: silentLog,
      defaultLang: 'vi',
      now: clock,
      transcripts: transcripts.log,
    },
  );

  const sessions = new Map<string, Session>();
  function citizen(userId = 'citizen-1') {
    async function send(input: Omit<Inbound, 'channel' | 'userId'>) {
      const result = await engine.turn(sessions.get(userId), {
        channel: 'webchat',
        userId,
        ...input,
      } as Inbound);
      sessions.set(userId, result.session);
      await transcripts.keep({ channel: 'webchat', userId }, result.transcript);
      return result.messages;
    }
    return {
      address: { channel: 'webchat' as const, userId },
      /** The transcript kept for staff, as saved after each turn. */
      transcript: () => transcripts.read({ channel: 'webchat', userId }),
      say: (text: string) => send({ text }),
      press: (action: string) => send({ action }),
      session: () => sessions.get(userId)!,
    };
  }

  return {
    store,
    support,
    citizen,
    /** What reached a web chat citizen outside their turns (staff replies, notices). */
    async pushed(userId = 'citizen-1'): Promise<Outbound[]> {
      return (await outbox.since(userId, 0)).map((e) => e.message);
    },
    setNow(d: Date) {
      now = d;
    },
    staff: {
      lan: { username: 'lan', role: 'staff' as const, displayName: 'Lan' },
      minh: { username: 'minh', role: 'staff' as const, displayName: 'Minh' },
      boss: { username: 'hoa', role: 'supervisor' as const, displayName: 'Hoa' },
    },
  };
}

export const textOf = (messages: Outbound[]) =>
  messages.map((m) => (m.type === 'text' ? m.text : m.filename)).join('\n');

export const buttonsOf = (messages: Outbound[]) =>
  messages.flatMap((m) => (m.type === 'text' ? (m.buttons ?? []) : []));
