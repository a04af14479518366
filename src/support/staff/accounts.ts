import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { KeyValueStore } from '../../store/types.ts';
import { dummyHash, hashPassword, verifyPassword } from './password.ts';

export const StaffRoleSchema = z.enum(['staff', 'supervisor']);
export type StaffRole = z.infer<typeof StaffRoleSchema>;

export const UsernameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{2,31}$/, '3 to 32 characters: lower-case letters, digits, . _ -');

export const PASSWORD_MIN_LENGTH = 10;

export const StaffAccountSchema = z.object({
  username: UsernameSchema,
  role: StaffRoleSchema,
  /** The name citizens see next to a reply, e.g. "Nguyễn Thị Lan". */
  displayName: z.string().min(1).max(80),
  passwordHash: z.string().startsWith('scrypt$'),
  createdAt: z.string(),
});
export type StaffAccount = z.infer<typeof StaffAccountSchema>;

export interface StaffAccounts {
  /** Where accounts live, for messages ("Redis", or a file path). */
  readonly where: string;
  get(username: string): Promise<StaffAccount | undefined>;
  save(account: StaffAccount): Promise<void>;
  remove(username: string): Promise<boolean>;
  list(): Promise<StaffAccount[]>;
}

export class StaffAccountError extends Error {
  readonly code = 'HOSO_ERR_STAFF_ACCOUNT';
}

/** Accounts in the shared store: every `hoso serve` process behind one Redis sees the same staff. */
export function createStoreStaffAccounts(kv: KeyValueStore): StaffAccounts {
  const KEY = 'support:staff:accounts';
  const parse = (raw: string | null) => {
    if (!raw) return undefined;
    const parsed = StaffAccountSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  };
  return {
    where: kv.kind === 'postgres' ? 'the records database' : kv.kind === 'redis' ? 'Redis' : 'memory',
    async get(username) {
      return parse(await kv.hget(KEY, username));
    },
    async save(account) {
      await kv.hset(KEY, { [account.username]: JSON.stringify(StaffAccountSchema.parse(account)) });
    },
    async remove(username) {
      return (await kv.hdel(KEY, username)) > 0;
    },
    async list() {
      const all = await kv.hgetall(KEY);
      return Object.values(all)
        .map((raw) => parse(raw))
        .filter((a): a is StaffAccount => a !== undefined)
        .sort((a, b) => a.username.localeCompare(b.username));
    },
  };
}

/**
 * Accounts in a JSON file (mode 0600), for the embedded default without Redis: `hoso users add` in one
 * terminal and `npm start` in another share it. Read on every call, so new accounts work at once.
 */
export function createFileStaffAccounts(path: string): StaffAccounts {
  const read = (): Record<string, StaffAccount> => {
    if (!existsSync(path)) return {};
    const parsed = z.record(z.string(), StaffAccountSchema).safeParse(JSON.parse(readFileSync(path, 'utf8')));
    if (!parsed.success) throw new StaffAccountError(`${path} is not a staff accounts file`);
    return parsed.data;
  };
  const write = (accounts: Record<string, StaffAccount>) => {
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(accounts, null, 2)}\n`, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, path);
  };
  return {
    where: path,
    async get(username) {
      return read()[username];
    },
    async save(account) {
      write({ ...read(), [account.username]: StaffAccountSchema.parse(account) });
    },
    async remove(username) {
      const all = read();
      if (!all[username]) return false;
      delete all[username];
      write(all);
      return true;
    },
    async list() {
      return Object.values(read()).sort((a, b) => a.username.localeCompare(b.username));
    },
  };
}

/**
 * The one place that picks where accounts live: the records (PostgreSQL) or Redis when the store is shared,
 * a file under DATA_DIR with the memory store of a test.
 */
export function createStaffAccounts(kv: KeyValueStore, dataDir: string): StaffAccounts {
  return kv.kind !== 'memory'
    ? createStoreStaffAccounts(kv)
    : createFileStaffAccounts(join(dataDir, 'staff-accounts.json'));
}

export async function newStaffAccount(input: {
  username: string;
  role: StaffRole;
  password: string;
  displayName?: string;
  now?: Date;
}): Promise<StaffAccount> {
  const username = UsernameSchema.parse(input.username);
  if (input.password.length < PASSWORD_MIN_LENGTH) {
    throw new StaffAccountError(`the password needs at least ${PASSWORD_MIN_LENGTH} characters`);
  }
  return {
    username,
    role: input.role,
    displayName: input.displayName?.trim() || username,
    passwordHash: await hashPassword(input.password),
    createdAt: (input.now ?? new Date()).toISOString(),
  };
}

/** The account when the password matches; a wrong username costs as much time as a wrong password. */
export async function authenticate(
  accounts: StaffAccounts,
  username: string,
  password: string,
): Promise<StaffAccount | undefined> {
  const account = UsernameSchema.safeParse(username).success ? await accounts.get(username) : undefined;
  const ok = await verifyPassword(password, account?.passwordHash ?? (await dummyHash()));
  return ok && account ? account : undefined;
}
