import { createHash } from 'node:crypto';
import type { KeyValueStore } from '../../store/types.ts';

export interface LoginLimits {
  /** Attempts (right or wrong) from one client address per window. */
  perIp: number;
  /** Wrong passwords for one username per window, from any address. */
  perUser: number;
  windowMs: number;
}

export interface LoginLimiter {
  /** Counts this attempt; returns the seconds to wait when a limit is reached. */
  attempt(
    ip: string,
    username: string,
  ): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }>;
  failed(username: string): Promise<void>;
  succeeded(username: string): Promise<void>;
}

/** Client addresses are personal data: keys hold hashes, never the address or the typed name. */
const hash = (s: string) => createHash('sha256').update(s).digest('base64url').slice(0, 32);

/**
 * Per address and per username, so that neither one machine trying many names nor many machines trying
 * one name gets far. Counters live in the shared store, so every process enforces the same limits.
 */
export function createLoginLimiter(kv: KeyValueStore, limits: LoginLimits): LoginLimiter {
  const ipKey = (ip: string) => `support:login:ip:${hash(ip)}`;
  const userKey = (u: string) => `support:login:user:${hash(u.toLowerCase())}`;
  const wait = async (key: string) => Math.max(1, Math.ceil((await kv.pttl(key)) / 1000));
  return {
    async attempt(ip, username) {
      const fromIp = await kv.incr(ipKey(ip), { ttlMs: limits.windowMs });
      if (fromIp > limits.perIp) return { allowed: false, retryAfterSeconds: await wait(ipKey(ip)) };
      const failures = Number((await kv.get(userKey(username))) ?? 0);
      if (failures >= limits.perUser)
        return { allowed: false, retryAfterSeconds: await wait(userKey(username)) };
      return { allowed: true };
    },
    async failed(username) {
      await kv.incr(userKey(username), { ttlMs: limits.windowMs });
    },
    async succeeded(username) {
      await kv.del(userKey(username));
    },
  };
}
