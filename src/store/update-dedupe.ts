import type { KeyValueStore } from './types.ts';

/**
 * Remembers which channel updates were already handled, so that a webhook delivered twice acts once.
 * Telegram retries a webhook for up to about a day, hence the default window.
 */
export interface UpdateDedupe {
  /** True the first time an update is seen; false for every redelivery within the window. */
  firstDelivery(channel: string, updateId: string): Promise<boolean>;
}

export function createUpdateDedupe(kv: KeyValueStore, options: { ttlMs?: number } = {}): UpdateDedupe {
  const ttlMs = options.ttlMs ?? 26 * 60 * 60 * 1000;
  return {
    firstDelivery: (channel, updateId) => kv.set(`dedupe:${channel}:${updateId}`, '1', { ttlMs, nx: true }),
  };
}
