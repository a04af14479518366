import { randomInt, randomUUID } from 'node:crypto';
import { constantTimeEqual } from '../privacy/crypto.ts';
import {
  fail,
  listStrayCharacters,
  numberInSentence,
  type ParseError,
  type ParseResult,
  succeed,
} from './parse/result.ts';
import type { TtlStore } from './ttl-store.ts';

/**
 * One-time codes sent by SMS to confirm a link: 6 digits from a CSPRNG, stored only as a keyed
 * hash, valid 5 minutes, at most 5 tries per code then a 15-minute lock, resend throttled. Every answer is a
 * value the dialogue turns into a message.
 */
export interface OtpPolicy {
  digits: number;
  ttlMs: number;
  maxTries: number;
  lockMs: number;
  /** Minimum time between two codes for the same subject. */
  resendAfterMs: number;
  /** At most this many codes per subject in a fixed window, so resending cannot multiply the tries. */
  maxSendsPerWindow: number;
  sendWindowMs: number;
}

export const DEFAULT_OTP_POLICY: OtpPolicy = {
  digits: 6,
  ttlMs: 5 * 60_000,
  maxTries: 5,
  lockMs: 15 * 60_000,
  resendAfterMs: 60_000,
  maxSendsPerWindow: 5,
  sendWindowMs: 60 * 60_000,
};

export type OtpIssue =
  | { status: 'issued'; code: string; expiresAt: number }
  | { status: 'throttled'; retryAfterMs: number }
  | { status: 'locked'; until: number };

export type OtpCheck =
  | { status: 'ok' }
  | { status: 'wrong'; triesLeft: number }
  | { status: 'expired' }
  | { status: 'locked'; until: number };

export interface OtpDeps {
  store: TtlStore;
  /** A keyed hash (HMAC with the data key), e.g. `cipher.keyedHash.bind(cipher)`. */
  hash: (value: string) => string;
  now?: () => number;
  policy?: Partial<OtpPolicy>;
}

interface CodeRecord {
  /** keyed hash of the code, bound to the subject */
  h: string;
  exp: number;
  /** this code's identity: its tries counter and single use hang off it */
  n: string;
}

/** Kept a while past expiry, so a late answer hears "expired" and not "no code was sent". */
const EXPIRED_GRACE_MS = 30 * 60_000;

export class OtpService {
  private readonly store: TtlStore;
  private readonly hash: (value: string) => string;
  private readonly now: () => number;
  readonly policy: OtpPolicy;

  constructor(deps: OtpDeps) {
    this.store = deps.store;
    this.hash = deps.hash;
    this.now = deps.now ?? Date.now;
    this.policy = { ...DEFAULT_OTP_POLICY, ...deps.policy };
  }

  /**
   * `subject` names what the code confirms (for example a chat account and the citizen it links to); it is
   * hashed before it touches a storage key. `shared` names wider subjects whose lock, tries and hourly send
   * cap are shared with it (for example the citizen alone, whatever chat account asks), so opening new chat
   * sessions buys neither tries nor codes.
   */
  async issue(subject: string, shared: readonly string[] = []): Promise<OtpIssue> {
    const keys = this.keys(subject);
    const all = [keys, ...shared.map((s) => this.keys(s))];
    const now = this.now();
    const locked = await this.lockedUntilAny(all, now);
    if (locked) return { status: 'locked', until: locked };

    // The pause between two codes stays per subject: a citizen linking a second chat account right after the
    // first is not kept waiting. The hourly cap is what stops codes multiplying across accounts.
    const lastSent = Number((await this.store.get(keys.lastSent)) ?? Number.NaN);
    if (lastSent + this.policy.resendAfterMs > now) {
      return { status: 'throttled', retryAfterMs: lastSent + this.policy.resendAfterMs - now };
    }
    const window = Math.floor(now / this.policy.sendWindowMs);
    let over = false;
    for (const k of all) {
      const sends = await this.store.incr(`${k.sends}:${window}`, { ttlMs: this.policy.sendWindowMs });
      if (sends > this.policy.maxSendsPerWindow) over = true;
    }
    if (over) return { status: 'throttled', retryAfterMs: (window + 1) * this.policy.sendWindowMs - now };

    const code = String(randomInt(0, 10 ** this.policy.digits)).padStart(this.policy.digits, '0');
    const record: CodeRecord = {
      h: this.codeHash(keys.subject, code),
      exp: now + this.policy.ttlMs,
      n: randomUUID(),
    };
    await this.store.set(keys.code, JSON.stringify(record), { ttlMs: this.policy.ttlMs + EXPIRED_GRACE_MS });
    await this.store.set(keys.lastSent, String(now), { ttlMs: this.policy.resendAfterMs });
    return { status: 'issued', code, expiresAt: record.exp };
  }

  /**
   * Give it a code that passed `parseOtpCode`; malformed input should not cost the citizen a try. Tries are
   * counted per code and per `shared` subject (over a lock period), and a lock falls on all of them.
   */
  async verify(subject: string, code: string, shared: readonly string[] = []): Promise<OtpCheck> {
    const keys = this.keys(subject);
    const wider = shared.map((s) => this.keys(s));
    const all = [keys, ...wider];
    const now = this.now();
    const locked = await this.lockedUntilAny(all, now);
    if (locked) return { status: 'locked', until: locked };

    const stored = await this.store.get(keys.code);
    if (!stored) return { status: 'expired' };
    const record = JSON.parse(stored) as CodeRecord;
    if (now >= record.exp) return { status: 'expired' };

    // Counted before comparing, so parallel guesses cannot slip past the limit.
    let tries = await this.store.incr(`${keys.tries}:${record.n}`, { ttlMs: this.policy.ttlMs });
    for (const k of wider)
      tries = Math.max(tries, await this.store.incr(k.tries, { ttlMs: this.policy.lockMs }));
    if (tries > this.policy.maxTries) return this.lock(all, keys, now);
    if (constantTimeEqual(this.codeHash(keys.subject, code), record.h)) {
      // Single use even when two correct answers race.
      const uses = await this.store.incr(`${keys.used}:${record.n}`, { ttlMs: this.policy.ttlMs });
      await this.store.del(keys.code);
      // Possession is proven: earlier slips no longer count against the citizen.
      for (const k of wider) await this.store.del(k.tries);
      return uses === 1 ? { status: 'ok' } : { status: 'expired' };
    }
    if (tries >= this.policy.maxTries) return this.lock(all, keys, now);
    return { status: 'wrong', triesLeft: this.policy.maxTries - tries };
  }

  private async lock(
    all: ReturnType<OtpService['keys']>[],
    keys: ReturnType<OtpService['keys']>,
    now: number,
  ): Promise<OtpCheck> {
    const until = now + this.policy.lockMs;
    for (const k of all) await this.store.set(k.lock, String(until), { ttlMs: this.policy.lockMs });
    await this.store.del(keys.code);
    return { status: 'locked', until };
  }

  private async lockedUntilAny(
    all: ReturnType<OtpService['keys']>[],
    now: number,
  ): Promise<number | undefined> {
    let latest: number | undefined;
    for (const k of all) {
      const until = await this.lockedUntil(k.lock, now);
      if (until && (!latest || until > latest)) latest = until;
    }
    return latest;
  }

  private async lockedUntil(key: string, now: number): Promise<number | undefined> {
    const until = Number((await this.store.get(key)) ?? 0);
    return until > now ? until : undefined;
  }

  private codeHash(subjectHash: string, code: string): string {
    return this.hash(`otp-code\u0000${subjectHash}\u0000${code}`);
  }

  private keys(subject: string) {
    const s = this.hash(`otp-subject\u0000${subject}`);
    const base = `otp:${s}`;
    return {
      subject: s,
      code: `${base}:code`,
      tries: `${base}:tries`,
      used: `${base}:used`,
      lock: `${base}:lock`,
      lastSent: `${base}:sent`,
      sends: `${base}:sends`,
    };
  }
}

/** Exact feedback on a typed code before it is checked: "the code has 6 digits, you entered 5". */
export function parseOtpCode(input: string, digits = DEFAULT_OTP_POLICY.digits): ParseResult<string> {
  // "mã là 952260": the code is taken out of the sentence.
  const compact = (numberInSentence(input, 4) ?? input).normalize('NFKC').replace(/[\s.-]/gu, '');
  if (!/^\d*$/.test(compact)) {
    return fail('HOSO_ERR_OTP_NOT_DIGITS', { characters: listStrayCharacters(compact, /\d/) });
  }
  if (compact.length !== digits)
    return fail('HOSO_ERR_OTP_FORMAT', { expected: digits, count: compact.length });
  return succeed(compact);
}

/** The message for an outcome that is not a success; `now` turns instants into "in N minutes/seconds". */
export function otpProblem(result: OtpIssue | OtpCheck, now: number = Date.now()): ParseError | undefined {
  const minutesUntil = (t: number) => Math.max(1, Math.ceil((t - now) / 60_000));
  switch (result.status) {
    case 'wrong':
      return fail('HOSO_ERR_OTP_WRONG', { triesLeft: result.triesLeft }).error;
    case 'expired':
      return fail('HOSO_ERR_OTP_EXPIRED').error;
    case 'locked':
      return fail('HOSO_ERR_OTP_LOCKED', { minutes: minutesUntil(result.until) }).error;
    case 'throttled':
      return result.retryAfterMs > 60_000
        ? fail('HOSO_ERR_OTP_THROTTLED_MINUTES', { minutes: minutesUntil(now + result.retryAfterMs) }).error
        : fail('HOSO_ERR_OTP_THROTTLED', { seconds: Math.max(1, Math.ceil(result.retryAfterMs / 1000)) })
            .error;
    default:
      return undefined;
  }
}
