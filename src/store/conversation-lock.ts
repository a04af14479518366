import { randomBytes } from 'node:crypto';
import type { KeyValueStore } from './types.ts';

export class LockTimeoutError extends Error {
  readonly code = 'HOSO_ERR_BUSY';
  readonly messageKey = 'errors.busy';
  constructor(readonly key: string) {
    super(`Timed out waiting for the conversation lock ${key}`);
    this.name = 'LockTimeoutError';
  }
}

export interface ConversationLocks {
  /** Runs `fn` while holding the conversation's lock; turns of one conversation never overlap. */
  run<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

export interface LockOptions {
  /** How long a held lock lives if its holder dies. */
  ttlMs?: number;
  /** How long a turn waits for the lock before giving up. */
  waitMs?: number;
}

/**
 * Two layers: turns of one conversation queue up in this process (no polling, first come first served),
 * and a store lock keeps two processes apart. Only the head of the local queue ever touches the store lock.
 */
export function createConversationLocks(kv: KeyValueStore, options: LockOptions = {}): ConversationLocks {
  const ttlMs = options.ttlMs ?? 10_000;
  const waitMs = options.waitMs ?? 15_000;
  const tails = new Map<string, Promise<unknown>>();

  async function acquire(key: string, deadline: number): Promise<string> {
    const token = randomBytes(12).toString('base64url');
    let pause = 2;
    while (!(await kv.set(`lock:${key}`, token, { ttlMs, nx: true }))) {
      if (Date.now() >= deadline) throw new LockTimeoutError(key);
      await new Promise((r) => setTimeout(r, pause));
      pause = Math.min(pause * 2, 50);
    }
    return token;
  }

  return {
    async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
      const deadline = Date.now() + waitMs;
      const previous = tails.get(key) ?? Promise.resolve();
      const mine = previous
        .catch(() => undefined)
        .then(async () => {
          const token = await acquire(key, deadline);
          try {
            return await fn();
          } finally {
            await kv.delIfEquals(`lock:${key}`, token).catch(() => undefined);
          }
        });
      tails.set(key, mine);
      try {
        return await mine;
      } finally {
        if (tails.get(key) === mine) tails.delete(key);
      }
    },
  };
}
