import type { Feature } from '../../src/dialogue/context.ts';
import { createDialogueEngine, type DialogueEngine } from '../../src/dialogue/engine.ts';
import { consentFeature } from '../../src/dialogue/features/consent.ts';
import { coreFeature, notYetOpenFeature } from '../../src/dialogue/features/core.ts';
import type { Inbound } from '../../src/dialogue/message.ts';
import { understand } from '../../src/dialogue/nlu/understand.ts';
import type { Session } from '../../src/dialogue/session.ts';
import { createTranslator } from '../../src/i18n.ts';
import { createConsentLog } from '../../src/privacy/consent-log.ts';
import { MemoryStore } from '../../src/store/memory.ts';
import { testTranscripts } from './transcripts.ts';

const silent = { info() {}, warn() {}, error() {} };

/** The engine with the skeleton's features over a memory store, and a helper that plays a conversation. */
export function testEngine(extra: Feature[] = [], now = () => new Date('2026-11-25T03:00:00Z')) {
  const store = new MemoryStore();
  const consentLog = createConsentLog(store);
  const transcripts = testTranscripts(store);
  const engine: DialogueEngine = createDialogueEngine(
    [coreFeature, notYetOpenFeature, consentFeature, ...extra],
    {
      translator: createTranslator(),
      understand,
      services: { consent: { log: consentLog, retentionDays: 365 } },
      log: silent,
      defaultLang: 'vi',
      now,
      transcripts: transcripts.log,
    },
  );
  let session: Session | undefined;
  const userId = 'u1';
  const address = { channel: 'webchat' as const, userId };
  async function send(input: Omit<Inbound, 'channel' | 'userId'>) {
    const result = await engine.turn(session, { channel: 'webchat', userId, ...input } as Inbound);
    session = result.session;
    await transcripts.keep(address, result.transcript);
    return result;
  }
  return {
    engine,
    consentLog,
    address,
    session: () => session,
    /** The transcript kept for staff, as saved after each turn. */
    transcript: () => transcripts.read(address),
    say: (text: string) => send({ text }),
    press: (action: string) => send({ action }),
    /** Everything the bot said in a result, as one string. */
    textOf: (r: { messages: { type: string; text?: string }[] }) =>
      r.messages.map((m) => m.text ?? '').join('\n'),
  };
}
