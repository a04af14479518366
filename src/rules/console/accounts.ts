/**
 * Accounts of the rules console at /rules/: agency staff with a role per service. They are separate from the
 * support staff's accounts (a rules approver answers no citizen) but hash passwords the same way.
 *   viewer   — reads versions, previews decisions, reads the audit
 *   drafter  — also writes drafts, saves scenarios, runs impact, proposes
 *   approver — also publishes (now or at a time), waives a dropped scenario, rolls back
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { KeyValueStore } from '../../store/types.ts';
import { dummyHash, hashPassword, verifyPassword } from '../../support/staff/password.ts';

export const RulesRoleSchema = z.enum(['viewer', 'drafter', 'approver']);
export type RulesRole = z.infer<typeof RulesRoleSchema>;
const RANK: Record<RulesRole, number> = { viewer: 0, drafter: 1, approver: 2 };

export const RulesUsernameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{2,31}$/, '3 to 32 characters: lower-case letters, digits, . _ -');
export const RULES_PASSWORD_MIN_LENGTH = 10;

export const RulesAccountSchema = z.object({
  username: RulesUsernameSchema,
  displayName: z.string().min(1).max(80),
  /** Role per service id. */
  grants: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), RulesRoleSchema),
  passwordHash: z.string().startsWith('scrypt$'),
  createdAt: z.string(),
});
export type RulesAccount = z.infer<typeof RulesAccountSchema>;

/** Whether the account holds at least `role` on `service`. */
export function can(account: Pick<RulesAccount, 'grants'>, service: string, role: RulesRole): boolean {
  const held = account.grants[service];
  return held !== undefined && RANK[held] >= RANK[role];
}

const ACCOUNTS = 'rules:console:accounts';

/** Accounts live in the records database: they must survive a restart. */
export class RulesAccounts {
  constructor(private readonly records: KeyValueStore) {}

  async get(username: string): Promise<RulesAccount | undefined> {
    const raw = await this.records.hget(ACCOUNTS, username);
    if (!raw) return undefined;
    const parsed = RulesAccountSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  }

  async add(input: {
    username: string;
    displayName?: string | undefined;
    grants: Record<string, RulesRole>;
    password: string;
    now?: Date;
  }): Promise<RulesAccount> {
    if (input.password.length < RULES_PASSWORD_MIN_LENGTH) {
      throw new Error(`a password has at least ${RULES_PASSWORD_MIN_LENGTH} characters`);
    }
    const account = RulesAccountSchema.parse({
      username: input.username,
      displayName: input.displayName ?? input.username,
      grants: input.grants,
      passwordHash: await hashPassword(input.password),
      createdAt: (input.now ?? new Date()).toISOString(),
    });
    await this.records.hset(ACCOUNTS, { [account.username]: JSON.stringify(account) });
    return account;
  }

  async remove(username: string): Promise<boolean> {
    return (await this.records.hdel(ACCOUNTS, username)) > 0;
  }

  async list(): Promise<RulesAccount[]> {
    const all = await this.records.hgetall(ACCOUNTS);
    return Object.values(all)
      .map((raw) => RulesAccountSchema.safeParse(JSON.parse(raw)))
      .flatMap((p) => (p.success ? [p.data] : []))
      .sort((a, b) => a.username.localeCompare(b.username));
  }

  /** The account when the password matches; an unknown name takes as long as a wrong password. */
  async verify(username: string, password: string): Promise<RulesAccount | undefined> {
    const account = await this.get(username);
    const ok = await verifyPassword(password, account?.passwordHash ?? (await dummyHash()));
    return ok ? account : undefined;
  }
}

export interface RulesSession {
  username: string;
  csrf: string;
}

const sessionKey = (token: string) =>
  `rules:console:session:${createHash('sha256').update(token).digest('base64url')}`;

/** Sessions are short-lived (the fast store); only a hash of the cookie token is kept. */
export class RulesSessions {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly ttlMs: number,
  ) {}

  async create(username: string): Promise<{ token: string; session: RulesSession }> {
    const token = randomBytes(32).toString('base64url');
    const session = { username, csrf: randomBytes(24).toString('base64url') };
    await this.kv.set(sessionKey(token), JSON.stringify(session), { ttlMs: this.ttlMs });
    return { token, session };
  }

  async get(token: string): Promise<RulesSession | undefined> {
    const raw = await this.kv.get(sessionKey(token));
    if (!raw) return undefined;
    await this.kv.set(sessionKey(token), raw, { ttlMs: this.ttlMs });
    return JSON.parse(raw) as RulesSession;
  }

  async destroy(token: string): Promise<void> {
    await this.kv.del(sessionKey(token));
  }
}

export function csrfOk(session: RulesSession, header: string | undefined): boolean {
  if (!header) return false;
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(header);
  return a.length === b.length && timingSafeEqual(a, b);
}
