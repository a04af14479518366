import { describe, expect, it } from 'vitest';
import { parsePhone } from '../../../src/identity/parse/phone.ts';

function national(input: string): string | undefined {
  const r = parsePhone(input);
  return r.ok ? r.value.national : undefined;
}

function codeOf(input: string): string | undefined {
  const r = parsePhone(input);
  return r.ok ? undefined : r.error.code;
}

describe('parsePhone', () => {
  it('normalises every usual form of a mobile number to 0xxxxxxxxx', () => {
    for (const input of [
      '0912345678',
      '0912 345 678',
      '0912.345.678',
      '0912-345-678',
      '+84912345678',
      '+84 912 345 678',
      '(+84) 912-345-678',
      '84912345678',
      '0084912345678',
      '+84 0912 345 678',
    ]) {
      expect(national(input), input).toBe('0912345678');
    }
  });

  it('gives the E.164 form too', () => {
    const r = parsePhone('0381234567');
    expect(r.ok && r.value).toEqual({ national: '0381234567', e164: '+84381234567' });
  });

  it('accepts each mobile prefix 03, 05, 07, 08, 09', () => {
    for (const prefix of ['03', '05', '07', '08', '09']) expect(national(`${prefix}12345678`)).toBeDefined();
  });

  it('says how many digits are missing when the number is too short', () => {
    const r = parsePhone('091234567');
    expect(!r.ok && r.error).toEqual({
      code: 'HOSO_ERR_PHONE_TOO_SHORT',
      key: 'identity:errors.HOSO_ERR_PHONE_TOO_SHORT',
      params: { expected: 10, count: 9 },
    });
  });

  it('says the number is too long', () => {
    const r = parsePhone('09123456789');
    expect(!r.ok && r.error).toMatchObject({ code: 'HOSO_ERR_PHONE_TOO_LONG', params: { count: 11 } });
  });

  it('refuses a prefix that is not a mobile one, naming it', () => {
    const r = parsePhone('0612345678');
    expect(!r.ok && r.error).toMatchObject({ code: 'HOSO_ERR_PHONE_NOT_MOBILE', params: { prefix: '06' } });
  });

  it('recognises a landline', () => {
    const r = parsePhone('024 3825 1234');
    expect(!r.ok && r.error).toMatchObject({ code: 'HOSO_ERR_PHONE_LANDLINE', params: { prefix: '024' } });
  });

  it('explains the old eleven-digit 01x numbers', () => {
    expect(codeOf('01234567890')).toBe('HOSO_ERR_PHONE_OLD_ELEVEN_DIGITS');
  });

  it('refuses letters, foreign numbers, a missing leading zero and empty input precisely', () => {
    const letters = parsePhone('09l2345678');
    expect(!letters.ok && letters.error).toMatchObject({
      code: 'HOSO_ERR_PHONE_NOT_DIGITS',
      params: { characters: '“l”' },
    });
    expect(codeOf('+1 415 555 0100')).toBe('HOSO_ERR_PHONE_FOREIGN');
    expect(codeOf('912345678')).toBe('HOSO_ERR_PHONE_NO_LEADING_ZERO');
    expect(codeOf('')).toBe('HOSO_ERR_PHONE_EMPTY');
  });
});
