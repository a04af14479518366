import type { KeyValueStore } from './types.ts';

/**
 * Remembers which channel updates were handled, so that a webhook delivered twice acts once.
 * An update is first claimed (pending), then marked done when its turn is saved. A redelivery of a pending
 * update waits for the conversation lock and then checks again: if the first delivery crashed midway, the
 * redelivery does the work instead of being dropped. Telegram retries for about a day, hence the window.
 */
export interface UpdateDedupe {
  /** True for the first delivery of an update; false when it was seen before (pending or done). */
  claim(channel: string, updateId: string): Promise<boolean>;
  isDone(channel: string, updateId: string): Promise<boolean>;
  complete(channel: string, updateId: string): Promise<void>;
}

export function createUpdateDedupe(kv: KeyValueStore, options: { ttlMs?: number } = {}): UpdateDedupe {
  const ttlMs = options.ttlMs ?? 26 * 60 * 60 * 1000;
  const key = (channel: string, updateId: string) => `dedupe:${channel}:${updateId}`;
  return {
    claim: (channel, updateId) => kv.set(key(channel, updateId), 'pending', { ttlMs, nx: true }),
    isDone: async (channel, updateId) => (await kv.get(key(channel, updateId))) === 'done',
    complete: async (channel, updateId) => {
      await kv.set(key(channel, updateId), 'done', { ttlMs });
    },
  };
}
