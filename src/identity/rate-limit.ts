import { fail, type ParseError } from './parse/result.ts';
import type { TtlStore } from './ttl-store.ts';

/**
 * Fixed-window counters against guessing: registry look-ups are limited per chat account and per ID number,
 * so nobody can walk the registry to learn who exists. Keys carry a keyed hash of the subject, never the raw ID.
 */
export interface RateLimit {
  limit: number;
  windowMs: number;
}

export type RateDecision = { allowed: true; remaining: number } | { allowed: false; retryAfterMs: number };

export interface RateLimiterDeps {
  store: TtlStore;
  hash: (value: string) => string;
  now?: () => number;
}

export class RateLimiter {
  private readonly store: TtlStore;
  private readonly hash: (value: string) => string;
  private readonly now: () => number;

  constructor(deps: RateLimiterDeps) {
    this.store = deps.store;
    this.hash = deps.hash;
    this.now = deps.now ?? Date.now;
  }

  /** Counts one event for `subject` under `scope` and says whether it is within the limit. */
  async hit(scope: string, subject: string, { limit, windowMs }: RateLimit): Promise<RateDecision> {
    const now = this.now();
    // Windows aligned on the clock: the window's end is known without storing its start.
    const window = Math.floor(now / windowMs);
    const key = `rl:${scope}:${this.hash(`rl\u0000${scope}\u0000${subject}`)}:${window}`;
    const count = await this.store.incr(key, { ttlMs: windowMs });
    if (count > limit) return { allowed: false, retryAfterMs: (window + 1) * windowMs - now };
    return { allowed: true, remaining: limit - count };
  }
}

export interface LookupLimits {
  perChatAccount: RateLimit;
  perCitizenId: RateLimit;
}

export const DEFAULT_LOOKUP_LIMITS: LookupLimits = {
  perChatAccount: { limit: 10, windowMs: 60 * 60_000 },
  perCitizenId: { limit: 5, windowMs: 60 * 60_000 },
};

/**
 * Both limits for one registry look-up. The chat account is counted first; a refused account does not also
 * spend the ID's budget, so one noisy account cannot lock a citizen out alone.
 */
export async function checkLookupAllowed(
  limiter: RateLimiter,
  who: { chatAccount: string; citizenId: string },
  limits: LookupLimits = DEFAULT_LOOKUP_LIMITS,
): Promise<RateDecision> {
  const account = await limiter.hit('lookup-account', who.chatAccount, limits.perChatAccount);
  if (!account.allowed) return account;
  return limiter.hit('lookup-id', who.citizenId, limits.perCitizenId);
}

export function rateLimitProblem(decision: RateDecision): ParseError | undefined {
  if (decision.allowed) return undefined;
  return fail('HOSO_ERR_LOOKUP_RATE_LIMITED', {
    minutes: Math.max(1, Math.ceil(decision.retryAfterMs / 60_000)),
  }).error;
}
