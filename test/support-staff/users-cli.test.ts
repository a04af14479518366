import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runUsersCommand } from '../../src/support/users-cli.ts';

/** A terminal: the test types a line each time a prompt appears, as a person would. */
function terminal(lines: string[]) {
  const stdin = Object.assign(new PassThrough(), { isTTY: true });
  const prompts: string[] = [];
  const prompt = new Writable({
    write(chunk, _e, cb) {
      const text = String(chunk);
      if (/Password[^:]*: $/.test(text)) {
        prompts.push(text);
        const next = lines.shift();
        setImmediate(() => (next === undefined ? stdin.end() : stdin.write(`${next}\n`)));
      }
      cb();
    },
  });
  return { stdin, prompt, prompts };
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function addInTerminal(lines: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'hoso-users-'));
  dirs.push(dir);
  const t = terminal(lines);
  const err: string[] = [];
  const out: string[] = [];
  const code = await runUsersCommand(
    ['add', '--role', 'staff', 'lan.nguyen'],
    { stdout: (s) => out.push(s), stderr: (s) => err.push(s), stdin: t.stdin, prompt: t.prompt },
    { DATA_DIR: dir },
  );
  return { code, prompts: t.prompts, stderr: err.join('\n'), stdout: out.join('\n') };
}

describe('hoso users add in a terminal', () => {
  it('asks again after a short password and after two that differ, then saves the account', async () => {
    const r = await addInTerminal([
      'short',
      'ngan',
      'mot-mat-khau-dai',
      'khac-han-roi-day',
      'mot-mat-khau-dai',
      'mot-mat-khau-dai',
    ]);
    expect(r.stderr).toContain('at least 10 are needed. Try again.');
    expect(r.stderr).toContain('The two passwords differ. Try again.');
    expect(r.prompts).toHaveLength(6);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Account lan.nguyen (staff) saved');
  }, 60_000);

  it('gives up, saving nothing, when the input ends', async () => {
    const r = await addInTerminal(['short']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('nothing was saved');
  }, 60_000);
});
