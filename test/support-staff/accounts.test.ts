import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.ts';
import { MemoryStore } from '../../src/store/memory.ts';
import { PostgresRecordStore } from '../../src/store/postgres.ts';
import {
  authenticate,
  createFileStaffAccounts,
  createStoreStaffAccounts,
  newStaffAccount,
} from '../../src/support/staff/accounts.ts';
import { hashPassword, verifyPassword } from '../../src/support/staff/password.ts';
import { runUsersCommand } from '../../src/support/users-cli.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { testRedisStore } from '../support/redis.ts';

/** The `hoso users` command in this process, with the password on standard input as a pipe gives it. */
async function users(args: string[], cfg: { DATA_DIR: string; DATABASE_URL?: string }, stdin: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runUsersCommand(
    args,
    {
      stdout: (s) => out.push(s),
      stderr: (s) => err.push(s),
      stdin: Readable.from([stdin]),
      prompt: new Writable({ write: (_c, _e, cb) => cb() }),
    },
    cfg,
  );
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

const BIN = new URL('../../bin/hoso.js', import.meta.url).pathname;

function hoso(args: string[], env: Record<string, string>, stdin: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('staff passwords', () => {
  it('are hashed with scrypt and a salt, never kept in clear', async () => {
    const a = await hashPassword('mật khẩu dài 123');
    const b = await hashPassword('mật khẩu dài 123');
    expect(a).toMatch(/^scrypt\$N=16384,r=8,p=1\$[\w-]+\$[\w-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('123');
    expect(await verifyPassword('mật khẩu dài 123', a)).toBe(true);
    expect(await verifyPassword('mật khẩu dài 124', a)).toBe(false);
    expect(await verifyPassword('anything', 'plain-text')).toBe(false);
  });

  it('refuse a short password and a bad username', async () => {
    await expect(newStaffAccount({ username: 'lan', role: 'staff', password: 'short' })).rejects.toThrow(
      /at least 10/,
    );
    await expect(
      newStaffAccount({ username: 'Lan Nguyen', role: 'staff', password: 'long-enough-1' }),
    ).rejects.toThrow();
  });
});

describe('staff accounts', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hoso-staff-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('authenticate the right password only, with the same answer for an unknown name', async () => {
    const redis = testRedisStore();
    try {
      const accounts = createStoreStaffAccounts(redis.store);
      await accounts.save(
        await newStaffAccount({ username: 'lan', role: 'staff', password: 'mat-khau-dai-1' }),
      );
      expect((await authenticate(accounts, 'lan', 'mat-khau-dai-1'))?.role).toBe('staff');
      expect(await authenticate(accounts, 'lan', 'mat-khau-sai-1')).toBeUndefined();
      expect(await authenticate(accounts, 'nobody', 'mat-khau-dai-1')).toBeUndefined();
    } finally {
      await redis.cleanup();
    }
  });

  it('are kept in a file only its owner can read when there is no Redis', async () => {
    const path = join(dir, 'staff-accounts.json');
    const accounts = createFileStaffAccounts(path);
    await accounts.save(
      await newStaffAccount({ username: 'lan', role: 'staff', password: 'mat-khau-dai-1' }),
    );
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).not.toContain('mat-khau-dai-1');
    expect((await accounts.list()).map((a) => a.username)).toEqual(['lan']);
  });

  it('are created by `hoso users add` in the records database, reading the password from standard input', {
    timeout: 60_000,
  }, async () => {
    const database = await createTestDatabase();
    const opened = await openDatabase({ url: database.url, poolSize: 1 });
    try {
      const env = { DATA_DIR: dir, DATABASE_URL: database.url };
      const added = await hoso(
        ['users', 'add', '--role', 'supervisor', '--name', 'Nguyễn Thị Hoa', 'hoa'],
        env,
        'mat-khau-rat-dai\n',
      );
      expect(added.code).toBe(0);
      expect(added.stdout).toContain('Account hoa (supervisor) saved in the records database');
      // What the server reads: the same accounts, through the record store.
      const accounts = createStoreStaffAccounts(
        new PostgresRecordStore(opened.db, { bus: new MemoryStore() }),
      );
      expect(await authenticate(accounts, 'hoa', 'mat-khau-rat-dai')).toMatchObject({
        role: 'supervisor',
        displayName: 'Nguyễn Thị Hoa',
      });
      const again = await users(['add', '--role', 'staff', 'hoa'], env, 'mat-khau-khac-1\n');
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('already exists');
      const listed = await users(['list'], env, '');
      expect(listed.stdout.trim()).toBe('hoa\tsupervisor\tNguyễn Thị Hoa');
    } finally {
      await opened.close();
      await database.drop();
    }
  });

  it('refuses a bad role or a short password from `hoso users add`', async () => {
    const env = { DATA_DIR: dir };
    expect((await users(['add', '--role', 'admin', 'lan'], env, 'mat-khau-rat-dai\n')).code).toBe(2);
    const short = await users(['add', '--role', 'staff', 'lan'], env, 'short\n');
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('at least 10 characters');
  });

  it('with nothing configured, keeps them in the embedded database under DATA_DIR for the next run', {
    timeout: 120_000,
  }, async () => {
    const added = await users(['add', '--role', 'staff', 'minh'], { DATA_DIR: dir }, 'mat-khau-rat-dai\n');
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('saved in the records database');
    const listed = await users(['list'], { DATA_DIR: dir }, '');
    expect(listed.stdout.trim()).toBe('minh\tstaff\tminh');
  });
});
