/** `hoso rules-users add|list|remove`: agency accounts of the rules console at /rules/, with a role per service. */
import type { Readable } from 'node:stream';
import { DatabaseInUseError } from '../../db/database.ts';
import { openRecords } from '../../db/records.ts';
import { createLogger } from '../../log.ts';
import { MemoryStore } from '../../store/memory.ts';
import type { KeyValueStore } from '../../store/types.ts';
import { RulesAccounts, type RulesRole, RulesRoleSchema, RulesUsernameSchema } from './accounts.ts';

export const RULES_USERS_USAGE = `Usage:
  hoso rules-users add <username> --grant SERVICE:viewer|drafter|approver [--grant …] [--name "Full Name"]
      the password is read from standard input (first line)
  hoso rules-users list
  hoso rules-users remove <username>`;

export interface RulesUsersIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  stdin: Readable;
}

async function firstLine(input: Readable): Promise<string> {
  let data = '';
  for await (const chunk of input) {
    data += String(chunk);
    if (data.includes('\n')) break;
  }
  return data.split(/\r?\n/)[0] ?? '';
}

function parse(args: string[]): { positional: string[]; grants: string[]; name?: string } {
  const positional: string[] = [];
  const grants: string[] = [];
  let name: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--grant') grants.push(args[++i] ?? '');
    else if (a === '--name') name = args[++i];
    else positional.push(a);
  }
  return { positional, grants, ...(name !== undefined ? { name } : {}) };
}

export async function runRulesUsersCommand(
  args: string[],
  io: RulesUsersIo,
  cfg: { DATABASE_URL?: string | undefined; DATA_DIR: string },
  options: { records?: KeyValueStore } = {},
): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'add' && sub !== 'list' && sub !== 'remove') {
    io.stderr(RULES_USERS_USAGE);
    return 2;
  }
  let close = async () => {};
  let store = options.records;
  if (!store) {
    try {
      const records = await openRecords({
        url: cfg.DATABASE_URL,
        dataDir: cfg.DATA_DIR,
        poolSize: 1,
        bus: new MemoryStore(),
        log: createLogger({ level: 'warn' }),
      });
      store = records.store;
      close = () => records.close();
    } catch (err) {
      if (err instanceof DatabaseInUseError) {
        io.stderr(`${err.message}\nWith the embedded database, add accounts while Hoso is stopped.`);
        return 1;
      }
      throw err;
    }
  }
  const accounts = new RulesAccounts(store);
  try {
    if (sub === 'list') {
      for (const a of await accounts.list()) {
        const grants = Object.entries(a.grants).map(([s, r]) => `${s}:${r}`);
        io.stdout(`${a.username}\t${grants.join(',')}\t${a.displayName}`);
      }
      return 0;
    }
    const { positional, grants, name } = parse(rest);
    const username = positional[0];
    if (!username || positional.length > 1 || !RulesUsernameSchema.safeParse(username).success) {
      io.stderr(`A username is needed (3 to 32 characters: a-z 0-9 . _ -)\n${RULES_USERS_USAGE}`);
      return 2;
    }
    if (sub === 'remove') {
      const removed = await accounts.remove(username);
      io.stdout(removed ? `Account ${username} removed.` : `No account ${username}.`);
      return removed ? 0 : 1;
    }
    const granted: Record<string, RulesRole> = {};
    for (const g of grants) {
      const [service, role] = g.split(':');
      const parsedRole = RulesRoleSchema.safeParse(role);
      if (!service || !/^[a-z][a-z0-9_]*$/.test(service) || !parsedRole.success) {
        io.stderr(`--grant ${g}: expected SERVICE:viewer|drafter|approver\n${RULES_USERS_USAGE}`);
        return 2;
      }
      granted[service] = parsedRole.data;
    }
    if (Object.keys(granted).length === 0) {
      io.stderr(`At least one --grant SERVICE:ROLE is needed\n${RULES_USERS_USAGE}`);
      return 2;
    }
    try {
      await accounts.add({
        username,
        displayName: name,
        grants: granted,
        password: await firstLine(io.stdin),
      });
    } catch (err) {
      io.stderr((err as Error).message);
      return 1;
    }
    io.stdout(
      `Account ${username} saved: ${Object.entries(granted)
        .map(([s, r]) => `${s}:${r}`)
        .join(', ')}.`,
    );
    return 0;
  } finally {
    await close();
  }
}
