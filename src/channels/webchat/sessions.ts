import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { KeyValueStore } from '../../store/types.ts';

export interface WebchatSessions {
  create(): Promise<{ sessionId: string; token: string }>;
  /** Constant-time check of the bearer token; the store only holds its hash. */
  verify(sessionId: string, token: string): Promise<boolean>;
  touch(sessionId: string): Promise<void>;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest();

export function createWebchatSessions(kv: KeyValueStore, options: { ttlMs: number }): WebchatSessions {
  const key = (id: string) => `webchat:session:${id}`;
  return {
    async create() {
      const sessionId = randomBytes(16).toString('base64url');
      const token = randomBytes(32).toString('base64url');
      await kv.set(key(sessionId), sha256(token).toString('base64url'), { ttlMs: options.ttlMs });
      return { sessionId, token };
    },
    async verify(sessionId, token) {
      const stored = await kv.get(key(sessionId));
      if (!stored) return false;
      const expected = Buffer.from(stored, 'base64url');
      const given = sha256(token);
      return expected.length === given.length && timingSafeEqual(expected, given);
    },
    async touch(sessionId) {
      await kv.expire(key(sessionId), options.ttlMs);
    },
  };
}
