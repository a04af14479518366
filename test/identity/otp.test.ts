import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OtpService, otpProblem, parseOtpCode } from '../../src/identity/otp.ts';
import { DataCipher, dataKeyFromBase64 } from '../../src/privacy/crypto.ts';
import { MemoryStore } from '../../src/store/memory.ts';

const MINUTE = 60_000;
const cipher = new DataCipher(dataKeyFromBase64(randomBytes(32).toString('base64')));
const subject = 'telegram:4242|001190012345';

let clock: number;
let store: MemoryStore;
let otp: OtpService;

beforeEach(() => {
  clock = Date.parse('2026-03-15T08:00:00Z');
  store = new MemoryStore(() => clock);
  otp = new OtpService({ store, hash: (v) => cipher.keyedHash(v), now: () => clock });

  afterEach(async () => {
    await store.close();
  });
});

async function issueCode(): Promise<string> {
  const issued = await otp.issue(subject);
  if (issued.status !== 'issued') throw new Error(`not issued: ${issued.status}`);
  return issued.code;
}

function otherThan(code: string): string {
  return code === '000000' ? '000001' : '000000';
}

describe('OtpService', () => {
  it('issues a 6-digit code valid for 5 minutes and accepts it once', async () => {
    const issued = await otp.issue(subject);
    expect(issued).toMatchObject({ status: 'issued', expiresAt: clock + 5 * MINUTE });
    const code = issued.status === 'issued' ? issued.code : '';
    expect(code).toMatch(/^\d{6}$/);
    expect(await otp.verify(subject, code)).toEqual({ status: 'ok' });
    expect(await otp.verify(subject, code)).toEqual({ status: 'expired' });
  });

  it('keeps neither the code nor the subject in clear in storage keys or values', async () => {
    const code = await issueCode();
    await otp.verify(subject, otherThan(code));
    const dump = JSON.stringify(
      await Promise.all((await store.keys('')).map(async (k) => [k, await store.get(k)])),
    );
    expect(dump).not.toContain(code);
    expect(dump).not.toContain('001190012345');
    expect(dump).not.toContain('4242');
  });

  it('does not accept a code for another subject', async () => {
    const code = await issueCode();
    expect(await otp.verify('telegram:9999|001190012345', code)).toEqual({ status: 'expired' });
  });

  it('counts down the tries left on wrong codes', async () => {
    const code = await issueCode();
    const wrong = otherThan(code);
    expect(await otp.verify(subject, wrong)).toEqual({ status: 'wrong', triesLeft: 4 });
    expect(await otp.verify(subject, wrong)).toEqual({ status: 'wrong', triesLeft: 3 });
    expect(await otp.verify(subject, code)).toEqual({ status: 'ok' });
  });

  it('locks for 15 minutes after the fifth wrong code, even against the right one', async () => {
    const code = await issueCode();
    for (let i = 0; i < 4; i++) await otp.verify(subject, otherThan(code));
    expect(await otp.verify(subject, otherThan(code))).toEqual({
      status: 'locked',
      until: clock + 15 * MINUTE,
    });
    expect(await otp.verify(subject, code)).toEqual({ status: 'locked', until: clock + 15 * MINUTE });
    expect(await otp.issue(subject)).toEqual({ status: 'locked', until: clock + 15 * MINUTE });

    clock += 15 * MINUTE;
    // The old code died with the lock; a new one can be sent.
    expect(await otp.verify(subject, code)).toEqual({ status: 'expired' });
    const fresh = await issueCode();
    expect(await otp.verify(subject, fresh)).toEqual({ status: 'ok' });
  });

  it('lets no more than five of many simultaneous guesses through', async () => {
    const code = await issueCode();
    const guesses = Array.from({ length: 30 }, (_, i) => String(i).padStart(6, '9')).filter(
      (g) => g !== code,
    );
    const results = await Promise.all(guesses.map((g) => otp.verify(subject, g)));
    expect(results.filter((r) => r.status === 'wrong')).toHaveLength(4);
    expect(results.filter((r) => r.status === 'locked').length).toBe(guesses.length - 4);
  });

  it('accepts one of two simultaneous correct answers', async () => {
    const code = await issueCode();
    const results = await Promise.all([otp.verify(subject, code), otp.verify(subject, code)]);
    expect(results.filter((r) => r.status === 'ok')).toHaveLength(1);
  });

  it('expires the code after 5 minutes', async () => {
    const code = await issueCode();
    clock += 5 * MINUTE - 1;
    expect(await otp.verify(subject, otherThan(code))).toMatchObject({ status: 'wrong' });
    clock += 1;
    expect(await otp.verify(subject, code)).toEqual({ status: 'expired' });
  });

  it('throttles a resend within 60 seconds and replaces the code after', async () => {
    const first = await issueCode();
    clock += 20_000;
    expect(await otp.issue(subject)).toEqual({ status: 'throttled', retryAfterMs: 40_000 });
    clock += 40_000;
    const second = await issueCode();
    if (second !== first) expect(await otp.verify(subject, first)).toMatchObject({ status: 'wrong' });
    expect(await otp.verify(subject, second)).toEqual({ status: 'ok' });
  });

  it('sends at most five codes an hour', async () => {
    for (let i = 0; i < 5; i++) {
      await issueCode();
      clock += MINUTE;
    }
    const sixth = await otp.issue(subject);
    expect(sixth.status).toBe('throttled');
    const problem = otpProblem(sixth, clock);
    expect(problem?.code).toBe('HOSO_ERR_OTP_THROTTLED_MINUTES');
  });

  it('draws codes with leading zeros kept', async () => {
    const codes = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const own = new MemoryStore();
      const local = new OtpService({ store: own, hash: (v) => cipher.keyedHash(v) });
      const issued = await local.issue(`s${i}`);
      await own.close();
      if (issued.status === 'issued') codes.add(issued.code);
    }
    expect([...codes].every((c) => /^\d{6}$/.test(c))).toBe(true);
    expect(codes.size).toBeGreaterThan(190);
  });
});

describe('OtpService with a subject shared across chat accounts', () => {
  const citizen = ['link-citizen|key-of-001190012345'];
  const account = (n: number) => `webchat:session-${n}|001190012345`;
  async function codeFor(s: string): Promise<string> {
    const issued = await otp.issue(s, citizen);
    if (issued.status !== 'issued') throw new Error(`not issued: ${issued.status}`);
    return issued.code;
  }

  it('allows five wrong codes per lock period for the citizen, however many chat sessions try', async () => {
    const first = await codeFor(account(1));
    for (let i = 0; i < 3; i++) await otp.verify(account(1), otherThan(first), citizen);
    clock += MINUTE;
    const second = await codeFor(account(2));
    expect(await otp.verify(account(2), otherThan(second), citizen)).toEqual({
      status: 'wrong',
      triesLeft: 1,
    });
    const locked = { status: 'locked', until: clock + 15 * MINUTE };
    expect(await otp.verify(account(2), otherThan(second), citizen)).toEqual(locked);
    // Every account of this citizen is locked, a fresh session included; the right code no longer works.
    expect(await otp.verify(account(2), second, citizen)).toEqual(locked);
    expect(await otp.verify(account(1), first, citizen)).toEqual(locked);
    expect(await otp.issue(account(3), citizen)).toEqual(locked);
    // Another citizen is not affected.
    expect((await otp.issue(account(3), ['link-citizen|someone-else'])).status).toBe('issued');

    clock += 15 * MINUTE;
    const fresh = await codeFor(account(3));
    expect(await otp.verify(account(3), fresh, citizen)).toEqual({ status: 'ok' });
  });

  it('caps the codes sent per citizen, not per chat session, and pauses each session alone', async () => {
    await codeFor(account(1));
    clock += 10_000;
    expect(await otp.issue(account(1), citizen)).toEqual({ status: 'throttled', retryAfterMs: 50_000 });
    // A second account of the same citizen is not kept waiting by the first one's pause.
    for (let i = 2; i <= 5; i++) await codeFor(account(i));
    clock += MINUTE;
    expect((await otp.issue(account(9), citizen)).status).toBe('throttled');
    expect(otpProblem(await otp.issue(account(1), citizen), clock)?.code).toBe(
      'HOSO_ERR_OTP_THROTTLED_MINUTES',
    );
  });

  it('forgets earlier slips once the right code is given', async () => {
    const code = await codeFor(account(1));
    for (let i = 0; i < 4; i++) await otp.verify(account(1), otherThan(code), citizen);
    expect(await otp.verify(account(1), code, citizen)).toEqual({ status: 'ok' });
    clock += MINUTE;
    const next = await codeFor(account(2));
    expect(await otp.verify(account(2), otherThan(next), citizen)).toEqual({ status: 'wrong', triesLeft: 4 });
  });
});

describe('parseOtpCode', () => {
  it('accepts a code typed with spaces or full-width digits', () => {
    expect(parseOtpCode(' 123 456 ')).toEqual({ ok: true, value: '123456', warnings: [] });
    expect(parseOtpCode('１２３４５６')).toMatchObject({ ok: true, value: '123456' });
  });

  it('says how many digits were typed', () => {
    expect(parseOtpCode('12345')).toMatchObject({
      ok: false,
      error: { code: 'HOSO_ERR_OTP_FORMAT', params: { expected: 6, count: 5 } },
    });
  });

  it('names the characters that are not digits', () => {
    expect(parseOtpCode('12a45b')).toMatchObject({
      ok: false,
      error: { code: 'HOSO_ERR_OTP_NOT_DIGITS', params: { characters: '“a”, “b”' } },
    });
  });
});

describe('otpProblem', () => {
  it('turns each refusal into a message with its numbers', () => {
    const now = 1_000_000;
    expect(otpProblem({ status: 'ok' })).toBeUndefined();
    expect(otpProblem({ status: 'wrong', triesLeft: 2 })?.params).toEqual({ triesLeft: 2 });
    expect(otpProblem({ status: 'locked', until: now + 14 * MINUTE + 1 }, now)?.params).toEqual({
      minutes: 15,
    });
    expect(otpProblem({ status: 'throttled', retryAfterMs: 41_500 }, now)?.params).toEqual({ seconds: 42 });
  });
});
