import { sessionKey } from '../../src/conversation/handle-inbound.ts';
import { createTranscriptLog } from '../../src/conversation/transcript-log.ts';
import type { Address } from '../../src/dialogue/message.ts';
import type { TranscriptEntry } from '../../src/dialogue/session.ts';
import type { KeyValueStore } from '../../src/store/types.ts';

/**
 * The conversation's transcript list for tests that drive the engine without the conversation handler:
 * `keep` appends a turn's lines as the handler does once a turn is saved, and writes them at once.
 */
export function testTranscripts(store: KeyValueStore) {
  const log = createTranscriptLog(store, { ttlMs: 60 * 60 * 1000, conversationOf: sessionKey });
  return {
    log,
    async keep(address: Address, lines: TranscriptEntry[]): Promise<void> {
      log.append(sessionKey(address.channel, address.userId), lines);
      await log.flush();
    },
    read: (address: Address) => log.read(address),
  };
}
