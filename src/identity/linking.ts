import type { Address } from '../dialogue/message.ts';
import type { Citizen } from '../ports/population/citizen.ts';
import type { PopulationRegistry } from '../ports/population/registry.ts';
import type { SmsSender } from '../ports/sms/sender.ts';
import { constantTimeEqual } from '../privacy/crypto.ts';
import { maskPhone } from '../privacy/mask.ts';
import type { AssuranceLevel, IdentityLinks, LinkMethod } from './links.ts';
import { type OtpCheck, type OtpIssue, type OtpService, otpProblem } from './otp.ts';
import { vietnamToday } from './parse/date.ts';
import { parsePhone } from './parse/phone.ts';
import { fail, type ParseError } from './parse/result.ts';
import {
  checkLookupAllowed,
  type LookupLimits,
  type RateLimit,
  type RateLimiter,
  rateLimitProblem,
} from './rate-limit.ts';

/**
 * Linking a chat account to a citizen by what they know (ID number and date of birth, matched in the
 * population registry) and what they hold (a one-time code sent to the phone on record, or on Telegram the
 * account's own phone number). The dialogue turns each outcome into a message; nothing here talks to a chat.
 */

/** Decree 59/2022 and 69/2024: under 14, a child acts through a parent's account (§2.2, rule L6). */
export const MIN_SELF_LINK_AGE = 14;

export type MatchOutcome =
  | { status: 'matched'; citizen: Citizen }
  /** Unknown ID or a different date of birth: deliberately the same answer (no probing of the registry). */
  | { status: 'no_match' }
  | { status: 'refused'; problem: ParseError };

export type CodeOutcome =
  | { status: 'sent'; phoneMasked: string; expiresAt: number }
  | { status: 'refused'; problem: ParseError; issue?: OtpIssue };

export type ContactOutcome = { status: 'matched' } | { status: 'refused'; problem: ParseError };

export interface IdentityServiceDeps {
  links: IdentityLinks;
  registry: PopulationRegistry;
  sms: SmsSender;
  otp: OtpService;
  limiter: RateLimiter;
  lookupLimits: LookupLimits;
  /** Shared phone numbers tried per chat account. */
  contactLimit?: RateLimit;
}

export function chatAccountId(address: Address): string {
  return `${address.channel}:${address.userId}`;
}

export function ageOn(dateOfBirth: string, today: string): number {
  const [y, m, d] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - y - (tm < m || (tm === m && td < d) ? 1 : 0);
}

export class IdentityService {
  readonly links: IdentityLinks;
  readonly registry: PopulationRegistry;
  private readonly deps: IdentityServiceDeps;

  constructor(deps: IdentityServiceDeps) {
    this.deps = deps;
    this.links = deps.links;
    this.registry = deps.registry;
  }

  get otpPolicy() {
    return this.deps.otp.policy;
  }

  /**
   * Looks the person up, counted against both limits first. Throws `PopulationRegistryError` when the
   * registry cannot answer.
   */
  async match(address: Address, citizenId: string, dateOfBirth: string): Promise<MatchOutcome> {
    const decision = await checkLookupAllowed(
      this.deps.limiter,
      { chatAccount: chatAccountId(address), citizenId },
      this.deps.lookupLimits,
    );
    const limited = rateLimitProblem(decision);
    if (limited) return { status: 'refused', problem: limited };
    const citizen = await this.registry.findByCitizenId(citizenId);
    if (!citizen || !constantTimeEqual(citizen.dateOfBirth, dateOfBirth)) return { status: 'no_match' };
    return { status: 'matched', citizen };
  }

  /** Why this person cannot link by SMS here, if they cannot. */
  eligibility(citizen: Citizen, now: Date): ParseError | undefined {
    return this.ageRefusal(citizen.dateOfBirth, now);
  }

  /**
   * The under-14 refusal from a date of birth alone. The chat checks the date the citizen typed before any
   * look-up, so this answer never tells that an ID number and date of birth matched the registry.
   */
  ageRefusal(dateOfBirth: string, now: Date): ParseError | undefined {
    if (ageOn(dateOfBirth, vietnamToday(now)) < MIN_SELF_LINK_AGE) {
      return fail('HOSO_ERR_LINK_UNDER_14', { age: MIN_SELF_LINK_AGE }).error;
    }
    return undefined;
  }

  /** Sends a one-time code to the phone on record; `text` writes the SMS in the citizen's language. */
  async sendCode(
    address: Address,
    citizen: Citizen,
    text: (code: string, minutes: number) => string,
    now: number = Date.now(),
  ): Promise<CodeOutcome> {
    if (!citizen.phone) return { status: 'refused', problem: fail('HOSO_ERR_LINK_NO_PHONE').error };
    const issue = await this.deps.otp.issue(this.otpSubject(address, citizen.id), this.otpShared(citizen.id));
    if (issue.status !== 'issued') {
      return { status: 'refused', problem: otpProblem(issue, now)!, issue };
    }
    // Throws SmsError when the gateway does not take it; the code is then simply never used.
    await this.deps.sms.send(citizen.phone, text(issue.code, Math.round(this.otpPolicy.ttlMs / 60_000)));
    return { status: 'sent', phoneMasked: maskPhone(citizen.phone), expiresAt: issue.expiresAt };
  }

  verifyCode(address: Address, citizenId: string, code: string): Promise<OtpCheck> {
    return this.deps.otp.verify(this.otpSubject(address, citizenId), code, this.otpShared(citizenId));
  }

  /**
   * A phone number shared through Telegram's contact button stands in for the code when it is the sender's own
   * account (Telegram vouches for that) and equals the number on record.
   */
  async checkContact(
    address: Address,
    citizen: Citizen,
    contact: { phone: string; ownedBySender: boolean },
  ): Promise<ContactOutcome> {
    if (!contact.ownedBySender) return { status: 'refused', problem: fail('HOSO_ERR_CONTACT_NOT_OWN').error };
    const limit = this.deps.contactLimit ?? { limit: 5, windowMs: 60 * 60_000 };
    const decision = await this.deps.limiter.hit('contact-account', chatAccountId(address), limit);
    const limited = rateLimitProblem(decision);
    if (limited) return { status: 'refused', problem: limited };
    const shared = parsePhone(contact.phone);
    const onRecord = citizen.phone;
    if (!shared.ok || !onRecord || !constantTimeEqual(shared.value.national, onRecord)) {
      return { status: 'refused', problem: fail('HOSO_ERR_CONTACT_MISMATCH').error };
    }
    return { status: 'matched' };
  }

  link(address: Address, citizen: Citizen, method: LinkMethod, at: Date, level?: AssuranceLevel) {
    return this.links.link(address, citizen.id, { method, level: level ?? citizen.vneidLevel, at });
  }

  /** The citizen behind a citizen key, from the registry (the ID is decrypted in memory only). */
  async citizenFor(citizenKey: string): Promise<Citizen | undefined> {
    const id = await this.links.citizenId(citizenKey);
    return id ? this.registry.findByCitizenId(id) : undefined;
  }

  /** The subject of a data-protection request: the citizen when linked, and every account that is theirs. */
  async subjectOf(address: Address): Promise<{ citizenKey?: string; accounts: Address[] }> {
    const citizenKey = await this.links.citizenKeyFor(address);
    if (!citizenKey) return { accounts: [address] };
    const record = await this.links.citizen(citizenKey);
    const accounts = record?.accounts.map((a) => a.address) ?? [];
    if (!accounts.some((a) => a.channel === address.channel && a.userId === address.userId))
      accounts.unshift(address);
    return { citizenKey, accounts };
  }

  private otpSubject(address: Address, citizenId: string): string {
    return `link\u0000${chatAccountId(address)}\u0000${citizenId}`;
  }

  /**
   * The citizen alone, by their keyed hash: the lock, the tries and the hourly send cap also hold across chat
   * accounts, so a code cannot be guessed more than `maxTries` times per lock period by opening new
   * web chat sessions.
   */
  private otpShared(citizenId: string): string[] {
    return [`link-citizen\u0000${this.links.citizenKeyOf(citizenId)}`];
  }
}
