import { describe, expect, it } from 'vitest';
import { parseOtpCode } from '../../../src/identity/otp.ts';
import { parseCitizenId } from '../../../src/identity/parse/citizen-id.ts';
import { parseVietnameseDate } from '../../../src/identity/parse/date.ts';

const today = '2026-12-05';

describe('a prompt answered with a sentence', () => {
  it('takes the ID number out of “cccd cua toi la 001190012345”, and still reports a letter inside a number', () => {
    expect(parseCitizenId('cccd cua toi la 001190012345')).toMatchObject({
      ok: true,
      value: { id: '001190012345' },
    });
    expect(parseCitizenId('số định danh: 001 190 012 345')).toMatchObject({ ok: true });
    expect(parseCitizenId('001O90012345')).toMatchObject({
      ok: false,
      error: { code: 'HOSO_ERR_CCCD_NOT_DIGITS' },
    });
  });

  it('takes the code out of “ma la 952260”', () => {
    expect(parseOtpCode('ma la 952260', 6)).toMatchObject({ ok: true, value: '952260' });
    expect(parseOtpCode('mã của tôi là 952 260', 6)).toMatchObject({ ok: true, value: '952260' });
  });

  it('takes the date out of “ngay sinh 14/5/1990” and reads English month names', () => {
    for (const [text, iso] of [
      ['ngay sinh 14/5/1990', '1990-05-14'],
      ['ngày sinh của tôi là 14/05/1990', '1990-05-14'],
      ['2 Nov 1985', '1985-11-02'],
      ['November 2, 1985', '1985-11-02'],
      ['I was born on the 2nd of November 1985', '1985-11-02'],
    ] as const)
      expect(parseVietnameseDate(text, { today }), text).toMatchObject({ ok: true, value: { iso } });
    expect(parseVietnameseDate('14/5', { today })).toMatchObject({
      ok: false,
      error: { code: 'HOSO_ERR_DATE_NO_YEAR' },
    });
  });
});
