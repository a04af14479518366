import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const CI_SCRIPT = fileURLToPath(new URL('../../.ci/run', import.meta.url));

/**
 * Runs .ci/run in a scratch checkout whose `npm` is a stand-in: `npm ci` succeeds and `npm run check` does what
 * the test says, so the script's own bookkeeping (the report, the summary line, the status) is what is tested.
 */
function runCi(check: string): { stdout: string; status: number | null; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hoso-ci-'));
  mkdirSync(join(dir, '.ci'));
  copyFileSync(CI_SCRIPT, join(dir, '.ci', 'run'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'npm'), `#!/usr/bin/env bash\nif [ "$1" = "ci" ]; then exit 0; fi\n${check}\n`);
  chmodSync(join(bin, 'npm'), 0o755);
  // A report a previous run left behind.
  mkdirSync(join(dir, 'test-artifacts'));
  writeFileSync(
    join(dir, 'test-artifacts', 'vitest.json'),
    JSON.stringify({ numPassedTests: 412, numFailedTests: 0, testResults: [] }),
  );
  const result = spawnSync('bash', [join(dir, '.ci', 'run')], {
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, HOSO_TEST_REPORT: '' },
    encoding: 'utf8',
  });
  return { stdout: result.stdout, status: result.status, dir };
}

describe('.ci/run', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('prints "0 passed, 1 failed" and fails when the checks stop before any test ran, ignoring an old report', () => {
    // Biome or tsc fails: npm run check exits non-zero and vitest never writes its report.
    const run = runCi('echo "biome: 3 errors" >&2; exit 1');
    dirs.push(run.dir);
    expect(run.stdout.trim().split('\n').at(-1)).toBe('0 passed, 1 failed');
    expect(run.status).not.toBe(0);
    expect(existsSync(join(run.dir, 'test-artifacts', 'vitest.json'))).toBe(false);
  });

  it('counts passed and failed tests from the report of this run and keeps its status', () => {
    const report = JSON.stringify({
      numPassedTests: 7,
      numFailedTests: 1,
      testResults: [{ status: 'failed', assertionResults: [] }],
    });
    const run = runCi(`echo '${report}' > "$HOSO_TEST_REPORT"; exit 1`);
    dirs.push(run.dir);
    // One failing test and one file that crashed before its tests: two failures.
    expect(run.stdout.trim().split('\n').at(-1)).toBe('7 passed, 2 failed');
    expect(run.status).toBe(1);
  });

  it('passes with the count of a clean run', () => {
    const report = JSON.stringify({ numPassedTests: 9, numFailedTests: 0, testResults: [] });
    const run = runCi(`echo '${report}' > "$HOSO_TEST_REPORT"; exit 0`);
    dirs.push(run.dir);
    expect(run.stdout.trim().split('\n').at(-1)).toBe('9 passed, 0 failed');
    expect(run.status).toBe(0);
  });
});
