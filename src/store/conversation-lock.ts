import { randomBytes } from 'node:crypto';
import type { FencedWrite, KeyValueStore } from './types.ts';

export class LockTimeoutError extends Error {
  readonly code = 'HOSO_ERR_BUSY';
  readonly messageKey = 'errors.busy';
  constructor(readonly key: string) {
    super(`Timed out waiting for the conversation lock ${key}`);
    this.name = 'LockTimeoutError';
  }
}

/** The lock expired under a turn (the process stalled longer than its time to live): nothing was written. */
export class LockLostError extends Error {
  readonly code = 'HOSO_ERR_BUSY';
  readonly messageKey = 'errors.busy';
  constructor(readonly key: string) {
    super(`The conversation lock ${key} was lost before the turn could save`);
    this.name = 'LockLostError';
  }
}

/** The lock as its holder sees it. */
export interface HeldLock {
  /** The values of `options.read`, read in the same atomic step that took the lock. */
  readonly read: (string | null)[];
  /**
   * Writes only while the lock is still ours (fenced), atomically; `release` also lets the lock go in the same
   * step. Throws LockLostError, with nothing written, when the lock expired and may belong to someone else.
   */
  write(writes: FencedWrite[], options?: { release?: boolean }): Promise<void>;
}

export interface ConversationLocks {
  /** Runs `fn` while holding the conversation's lock; turns of one conversation never overlap. */
  run<T>(key: string, fn: (lock: HeldLock) => Promise<T>, options?: { read?: string[] }): Promise<T>;
}

export interface LockOptions {
  /** How long a held lock lives if its holder dies; a live holder renews it every third of this. */
  ttlMs?: number;
  /** How long a turn waits for the lock before giving up. */
  waitMs?: number;
  /**
   * A holder stops renewing after this long, so a turn stuck forever cannot block its conversation forever;
   * the lock then expires and the stuck turn's writes are refused (fencing).
   */
  maxHoldMs?: number;
}

/**
 * Two layers: turns of one conversation queue up in this process (no polling, first come first served),
 * and a store lock keeps two processes apart. Only the head of the local queue ever touches the store lock.
 * The holder renews the lock while it works, and its writes go through `writeIfHeld`, so a turn that outlives
 * its lock (a stalled process) can never overwrite what the next holder wrote.
 */
export function createConversationLocks(kv: KeyValueStore, options: LockOptions = {}): ConversationLocks {
  const ttlMs = options.ttlMs ?? 10_000;
  const waitMs = options.waitMs ?? 15_000;
  const maxHoldMs = options.maxHoldMs ?? 120_000;
  const tails = new Map<string, Promise<unknown>>();
  const lockKey = (key: string) => `lock:${key}`;

  // A token only has to tell this holder from every other one: a random prefix per process and a counter
  // (a fresh random value per turn showed in profiles of the webhook turn).
  const holder = randomBytes(9).toString('base64url');
  let held = 0;

  async function acquire(
    key: string,
    deadline: number,
    read: string[],
  ): Promise<{ token: string; read: (string | null)[] }> {
    const token = `${holder}.${(held++).toString(36)}`;
    let pause = 2;
    for (;;) {
      const values = await kv.acquireAndRead(lockKey(key), token, ttlMs, read);
      if (values) return { token, read: values };
      if (Date.now() >= deadline) throw new LockTimeoutError(key);
      await new Promise((r) => setTimeout(r, pause));
      pause = Math.min(pause * 2, 50);
    }
  }

  async function hold<T>(key: string, deadline: number, fn: (lock: HeldLock) => Promise<T>, read: string[]) {
    const { token, read: values } = await acquire(key, deadline, read);
    let released = false;
    let lost = false;
    const started = Date.now();
    const renewal = setInterval(
      () => {
        if (Date.now() - started > maxHoldMs) {
          clearInterval(renewal);
          return;
        }
        kv.writeIfHeld(lockKey(key), token, [], { ttlMs })
          .then((held) => {
            if (!held) lost = true;
          })
          .catch(() => undefined);
      },
      Math.max(10, Math.floor(ttlMs / 3)),
    );
    renewal.unref();
    const lock: HeldLock = {
      read: values,
      async write(writes, opts = {}) {
        if (
          released ||
          lost ||
          !(await kv.writeIfHeld(lockKey(key), token, writes, opts.release ? 'release' : 'keep'))
        ) {
          lost = true;
          throw new LockLostError(key);
        }
        if (opts.release) released = true;
      },
    };
    try {
      return await fn(lock);
    } finally {
      clearInterval(renewal);
      if (!released) await kv.delIfEquals(lockKey(key), token).catch(() => undefined);
    }
  }

  return {
    async run<T>(
      key: string,
      fn: (lock: HeldLock) => Promise<T>,
      opts: { read?: string[] } = {},
    ): Promise<T> {
      const deadline = Date.now() + waitMs;
      const previous = tails.get(key) ?? Promise.resolve();
      const mine = previous.catch(() => undefined).then(() => hold(key, deadline, fn, opts.read ?? []));
      tails.set(key, mine);
      try {
        return await mine;
      } finally {
        if (tails.get(key) === mine) tails.delete(key);
      }
    },
  };
}
