import { describe, expect, it } from 'vitest';
import { captureLogs } from './support/app.ts';

describe('logging', () => {
  it('masks citizen ID and phone numbers in messages and in any field', () => {
    const { lines, logger } = captureLogs();
    logger.info(
      { cccd: '079084000123', nested: { phone: '0912 345 678', list: ['+84912345678'] }, id: 79084000123 },
      'citizen 001099012345 called from 0987654321',
    );
    logger.error({ err: new Error('lookup failed for 001099012345') }, 'failed');
    const all = lines.join('\n');
    for (const secret of ['079084000123', '001099012345', '0912 345 678', '+84912345678', '0987654321']) {
      expect(all).not.toContain(secret);
    }
    const first = JSON.parse(lines[0]!);
    expect(first.msg).toBe('citizen 001*******45 called from 098*****21');
    expect(first.cccd).toBe('079*******23');
    expect(JSON.parse(lines[1]!).err.message).toBe('lookup failed for 001*******45');
  });

  it('masks them in the bindings of child loggers too, at any depth of children', () => {
    const { lines, logger } = captureLogs();
    const perCitizen = logger.child({ phone: '0912345678', citizen: { cccd: '079084000123' } });
    perCitizen.info('looked up');
    perCitizen.child({ caller: '+84987654321', turn: 7 }).warn({ step: 'otp' }, 'code sent');
    const rebound = logger.child({ turn: 8 });
    rebound.setBindings({ phone: '0987654321' });
    rebound.info('rebound');
    const all = lines.join('\n');
    for (const secret of ['0912345678', '079084000123', '+84987654321', '84987654321', '0987654321']) {
      expect(all).not.toContain(secret);
    }
    expect(JSON.parse(lines[0]!)).toMatchObject({ phone: '091*****78', citizen: { cccd: '079*******23' } });
    expect(JSON.parse(lines[1]!)).toMatchObject({ turn: 7, step: 'otp', msg: 'code sent' });
  });

  it('leaves ordinary numbers such as timestamps and request codes alone', () => {
    const { lines, logger } = captureLogs();
    logger.info({ at: 1795626036018, code: 'LLTP-2026-000123', count: 12 }, 'done');
    expect(JSON.parse(lines[0]!)).toMatchObject({ at: 1795626036018, code: 'LLTP-2026-000123', count: 12 });
  });
});
