import { createHash, randomBytes } from 'node:crypto';
import type { KeyValueStore } from '../../store/types.ts';

export interface LoginLimits {
  /** Unsuccessful attempts from one client address per window (a whole office may share one address). */
  perIp: number;
  /** Wrong passwords for one username per window, from any address. */
  perUser: number;
  windowMs: number;
  /** Key prefix of the counters: each console (staff, rules) counts its own logins. */
  prefix?: string;
}

export type LoginGate = { allowed: true; attempt: string } | { allowed: false; retryAfterSeconds: number };

export interface LoginLimiter {
  /**
   * Counts this attempt against its address before the password is checked (so a burst of parallel guesses is
   * counted as it arrives); returns the seconds to wait when a limit is reached.
   */
  attempt(ip: string, username: string): Promise<LoginGate>;
  /** A wrong password (already counted by attempt, which counts every guess before it is checked). */
  failed(username: string): Promise<void>;
  /** A right password: the attempt no longer counts against its address, and the username's failures reset. */
  succeeded(ip: string, username: string, attempt: string): Promise<void>;
}

/** Client addresses are personal data: keys hold hashes, never the address or the typed name. */
const hash = (s: string) => createHash('sha256').update(s).digest('base64url').slice(0, 32);

/**
 * Per address and per username, so that neither one machine trying many names nor many machines trying
 * one name gets far. Counters live in the shared store, so every process enforces the same limits.
 * An address's attempts are a sliding window of members `<time>:<random>` in a sorted set: a successful login
 * removes its own member, so colleagues logging in all day behind one office address never lock each other out.
 */
export function createLoginLimiter(
  kv: KeyValueStore,
  limits: LoginLimits,
  clock: () => number = Date.now,
): LoginLimiter {
  const prefix = limits.prefix ?? 'support:login';
  const ipKey = (ip: string) => `${prefix}:ip:${hash(ip)}`;
  const userKey = (u: string) => `${prefix}:user:${hash(u.toLowerCase())}`;
  const wait = async (key: string) => Math.max(1, Math.ceil((await kv.pttl(key)) / 1000));
  return {
    async attempt(ip, username) {
      const key = ipKey(ip);
      const now = clock();
      const attempt = `${now}:${randomBytes(6).toString('base64url')}`;
      await kv.zadd(key, now, attempt);
      const expired = await kv.zrangeByScore(key, Number.NEGATIVE_INFINITY, now - limits.windowMs);
      if (expired.length > 0) await kv.zrem(key, ...expired);
      await kv.expire(key, limits.windowMs);
      if ((await kv.zcard(key)) > limits.perIp) {
        // A refused attempt is not held against the address: only attempts that reached a password count.
        await kv.zrem(key, attempt);
        const [oldest] = await kv.zrangeByScore(key, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, 1);
        const since = Number(oldest?.split(':')[0] ?? now);
        return {
          allowed: false,
          retryAfterSeconds: Math.max(1, Math.ceil((since + limits.windowMs - now) / 1000)),
        };
      }
      // Counted (one atomic increment) before the password is checked: of a burst of parallel guesses for one
      // name, only the first perUser reach the password. A right password clears the count; a wrong one keeps it.
      const tries = await kv.incr(userKey(username), { ttlMs: limits.windowMs });
      if (tries > limits.perUser) {
        await kv.zrem(key, attempt);
        return { allowed: false, retryAfterSeconds: await wait(userKey(username)) };
      }
      return { allowed: true, attempt };
    },
    async failed() {
      // Already counted by attempt().
    },
    async succeeded(ip, username, attempt) {
      await kv.zrem(ipKey(ip), attempt);
      await kv.del(userKey(username));
    },
  };
}
