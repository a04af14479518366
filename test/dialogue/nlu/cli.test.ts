import { describe, expect, it } from 'vitest';
import { runNluCommand } from '../../../src/dialogue/nlu/cli.ts';

function run(args: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = runNluCommand(args, { stdout: (s) => stdout.push(s), stderr: (s) => stderr.push(s) });
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
}

describe('hoso nlu', () => {
  it('prints exactly one JSON line with intent, confidence and entities', () => {
    const { code, stdout, stderr } = run(['phí', 'làm', 'LLTP', 'số', '2', 'bao', 'nhiêu']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout.endsWith('\n')).toBe(true);
    expect(stdout.trimEnd().split('\n')).toHaveLength(1);
    const parsed = JSON.parse(stdout);
    expect(Object.keys(parsed)).toEqual(['intent', 'confidence', 'entities']);
    expect(parsed).toMatchObject({ intent: 'fees_info', entities: { service: 'lltp', form: 2 } });
    expect(parsed.confidence).toBeGreaterThan(0.5);
    expect(parsed.confidence).toBeLessThanOrEqual(1);
  });

  it('accepts the message as one quoted argument', () => {
    const { stdout } = run(['tra cứu hồ sơ LLTP-2026-000123']);
    expect(JSON.parse(stdout)).toEqual({
      intent: 'request_status',
      confidence: expect.any(Number),
      entities: { request_id: 'LLTP-2026-000123' },
    });
  });

  it('adds the frustrated flag when the message shows frustration', () => {
    expect(JSON.parse(run(['bực quá']).stdout)).toMatchObject({ intent: 'talk_to_staff', frustrated: true });
  });

  it('prints usage on stderr and exits 2 without text', () => {
    for (const args of [[], ['  ']]) {
      const { code, stdout, stderr } = run(args);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toContain('Usage: hoso nlu');
    }
  });

  it('prints usage on stdout for --help', () => {
    const { code, stdout } = run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: hoso nlu');
  });
});
