import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { ZodError } from 'zod';
import { DatabaseInUseError } from '../db/database.ts';
import { openRecords } from '../db/records.ts';
import { createLogger } from '../log.ts';
import { MemoryStore } from '../store/memory.ts';
import {
  createStaffAccounts,
  newStaffAccount,
  PASSWORD_MIN_LENGTH,
  StaffAccountError,
  StaffRoleSchema,
  UsernameSchema,
} from './staff/accounts.ts';

export interface UsersCommandIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  stdin: Readable & { isTTY?: boolean };
  /** Where a hidden password prompt is written (the terminal). */
  prompt: Writable;
}

export interface UsersCommandConfig {
  DATABASE_URL?: string | undefined;
  DATA_DIR: string;
}

export const USERS_USAGE = `Usage:
  hoso users add --role staff|supervisor [--name "Full Name"] [--force] <username>
      the password is read from standard input (first line), or asked twice in a terminal
  hoso users list
  hoso users remove <username>`;

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
}

function positional(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--role' || a === '--name') i++;
    else if (!a.startsWith('--')) out.push(a);
  }
  return out;
}

async function readFirstLine(input: Readable): Promise<string> {
  let data = '';
  for await (const chunk of input) {
    data += String(chunk);
    if (data.includes('\n')) break;
  }
  return data.split(/\r?\n/)[0] ?? '';
}

/**
 * Asks questions on one terminal without echoing the answers; `undefined` once the input ends (Ctrl-D).
 * One readline for the whole exchange, so nothing typed ahead is lost between questions.
 */
function hiddenPrompter(input: Readable, output: Writable) {
  const rl = createInterface({ input, output, terminal: true });
  let muted = false;
  let closed = false;
  const pending = new Set<(answer: string | undefined) => void>();
  rl.on('close', () => {
    closed = true;
    for (const resolve of pending) resolve(undefined);
  });
  // readline has no public switch for echo; this is the documented-by-practice way to silence it.
  (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s) => {
    if (!muted) output.write(s);
  };
  return {
    ask(question: string): Promise<string | undefined> {
      if (closed) return Promise.resolve(undefined);
      return new Promise((resolve) => {
        pending.add(resolve);
        muted = false;
        rl.question(question, (answer) => {
          pending.delete(resolve);
          output.write('\n');
          resolve(answer);
        });
        muted = true;
      });
    },
    close: () => rl.close(),
  };
}

/** In a terminal, asks until the password is long enough and typed the same twice (Ctrl-D gives up). */
async function readPassword(io: UsersCommandIo): Promise<string | undefined> {
  if (!io.stdin.isTTY) return readFirstLine(io.stdin);
  const prompter = hiddenPrompter(io.stdin, io.prompt);
  try {
    for (;;) {
      const first = await prompter.ask(`Password (at least ${PASSWORD_MIN_LENGTH} characters): `);
      if (first === undefined) break;
      if (first.length < PASSWORD_MIN_LENGTH) {
        io.stderr(
          `That password is ${first.length} characters; at least ${PASSWORD_MIN_LENGTH} are needed. Try again.`,
        );
        continue;
      }
      const again = await prompter.ask('Password again: ');
      if (again === undefined) break;
      if (first === again) return first;
      io.stderr('The two passwords differ. Try again.');
    }
    io.stderr('No password given; nothing was saved.');
    return undefined;
  } finally {
    prompter.close();
  }
}

/** `hoso users add|list|remove`: staff accounts for the console at /staff/. */
export async function runUsersCommand(
  args: string[],
  io: UsersCommandIo,
  cfg: UsersCommandConfig,
): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'add' && sub !== 'list' && sub !== 'remove') {
    io.stderr(USERS_USAGE);
    return 2;
  }
  // Arguments are checked before the database is opened: a typo answers at once.
  const [username, extra] = sub === 'list' ? [] : positional(rest);
  if (sub !== 'list' && (!username || extra !== undefined || !UsernameSchema.safeParse(username).success)) {
    io.stderr(
      `A username is needed: ${UsernameSchema.safeParse(username ?? '').error?.issues[0]?.message ?? ''}`,
    );
    io.stderr(USERS_USAGE);
    return 2;
  }
  const role = StaffRoleSchema.safeParse(option(rest, '--role'));
  if (sub === 'add' && !role.success) {
    io.stderr('--role must be staff or supervisor');
    return 2;
  }
  // Accounts are records: in PostgreSQL, or in the embedded database that `hoso serve` uses on this machine.
  let records: Awaited<ReturnType<typeof openRecords>>;
  try {
    records = await openRecords({
      url: cfg.DATABASE_URL,
      dataDir: cfg.DATA_DIR,
      poolSize: 1,
      bus: new MemoryStore(),
      log: createLogger({ level: 'warn' }),
    });
  } catch (err) {
    if (err instanceof DatabaseInUseError) {
      io.stderr(`${err.message}\nWith the embedded database, add staff accounts while Hoso is stopped.`);
      return 1;
    }
    throw err;
  }
  const accounts = createStaffAccounts(records.store, cfg.DATA_DIR);
  try {
    if (sub === 'list' || username === undefined) {
      for (const a of await accounts.list()) io.stdout(`${a.username}\t${a.role}\t${a.displayName}`);
      return 0;
    }
    if (sub === 'remove') {
      const removed = await accounts.remove(username);
      io.stdout(removed ? `Account ${username} removed.` : `No account ${username}.`);
      return removed ? 0 : 1;
    }
    if (!role.success) return 2;
    if (!rest.includes('--force') && (await accounts.get(username))) {
      io.stderr(`Account ${username} already exists; add --force to replace it (and its password).`);
      return 1;
    }
    const password = await readPassword(io);
    if (password === undefined) return 1;
    const name = option(rest, '--name');
    const account = await newStaffAccount({
      username,
      role: role.data,
      password,
      ...(name ? { displayName: name } : {}),
    });
    await accounts.save(account);
    io.stdout(`Account ${username} (${role.data}) saved in ${accounts.where}.`);
    return 0;
  } catch (err) {
    if (err instanceof StaffAccountError) {
      io.stderr(err.message);
      return 1;
    }
    if (err instanceof ZodError) {
      io.stderr(err.issues[0]?.message ?? 'invalid input');
      return 2;
    }
    throw err;
  } finally {
    await records.close();
  }
}
