import { describe, expect, it } from 'vitest';
import { parseCitizenId } from '../../../src/identity/parse/citizen-id.ts';

describe('parseCitizenId', () => {
  it('decodes province, century, gender and birth year of a 12-digit number', () => {
    const result = parseCitizenId('087084000999');
    expect(result).toEqual({
      ok: true,
      value: {
        id: '087084000999',
        provinceCode: '087',
        provinceName: 'Đồng Tháp',
        gender: 'male',
        birthYearFrom: 1900,
        birthYearTo: 1999,
        birthYY: 84,
        birthYear: 1984,
      },
      warnings: [],
    });
  });

  it('reads a woman born in the 2000s from the century/gender digit 3', () => {
    const result = parseCitizenId('001305012345', { today: '2026-01-01' });
    expect(result.ok && result.value).toMatchObject({
      gender: 'female',
      birthYearFrom: 2000,
      birthYear: 2005,
    });
  });

  it('accepts numbers grouped with spaces, dots or dashes, and full-width digits', () => {
    for (const input of [
      ' 001 099 012 345 ',
      '001.099.012.345',
      '001-099-012-345',
      '００１０９９０１２３４５',
    ]) {
      const result = parseCitizenId(input);
      expect(result.ok && result.value.id).toBe('001099012345');
    }
  });

  it('says how many digits were typed when the number is too short', () => {
    const result = parseCitizenId('00109901234');
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'HOSO_ERR_CCCD_LENGTH',
        key: 'identity:errors.HOSO_ERR_CCCD_LENGTH',
        params: { expected: 12, count: 11 },
      },
    });
  });

  it('says how many digits were typed when the number is too long', () => {
    const result = parseCitizenId('0010990123456');
    expect(!result.ok && result.error.params).toEqual({ expected: 12, count: 13 });
  });

  it('names the letters found in the number', () => {
    const result = parseCitizenId('O01099012345');
    expect(!result.ok && result.error).toMatchObject({
      code: 'HOSO_ERR_CCCD_NOT_DIGITS',
      params: { characters: '“O”' },
    });
  });

  it('recognises an old 9-digit CMND and does not call it a wrong length', () => {
    const result = parseCitizenId('012 345 678');
    expect(!result.ok && result.error.code).toBe('HOSO_ERR_CCCD_IS_OLD_CMND');
  });

  it('refuses an empty answer with its own message', () => {
    const result = parseCitizenId('   ');
    expect(!result.ok && result.error.code).toBe('HOSO_ERR_CCCD_EMPTY');
  });

  it('accepts an unknown birth-registration code with a warning instead of refusing it', () => {
    const result = parseCitizenId('003099012345');
    expect(result.ok).toBe(true);
    expect(result.ok && result.value.provinceName).toBeNull();
    expect(result.ok && result.warnings.map((w) => w.code)).toEqual(['HOSO_WARN_CCCD_UNKNOWN_PROVINCE']);
    expect(result.ok && result.warnings[0]?.params).toEqual({ code: '003' });
  });

  it('warns, without refusing, when the date of birth is in another year than the number says', () => {
    const result = parseCitizenId('001099012345', { dateOfBirth: '1998-04-30' });
    expect(result.ok).toBe(true);
    expect(result.ok && result.warnings).toEqual([
      {
        code: 'HOSO_WARN_CCCD_BIRTH_YEAR_MISMATCH',
        key: 'identity:warnings.HOSO_WARN_CCCD_BIRTH_YEAR_MISMATCH',
        params: { idYear: 1999, dateOfBirthYear: 1998 },
      },
    ]);
  });

  it('stays silent when the date of birth agrees with the number', () => {
    const result = parseCitizenId('001099012345', { dateOfBirth: '1999-04-30', gender: 'male' });
    expect(result.ok && result.warnings).toEqual([]);
  });

  it('warns when the gender given differs from the century/gender digit', () => {
    const result = parseCitizenId('001099012345', { gender: 'female' });
    expect(result.ok && result.warnings.map((w) => w.code)).toEqual(['HOSO_WARN_CCCD_GENDER_MISMATCH']);
  });

  it('warns when the century digit puts the birth in the future', () => {
    const result = parseCitizenId('001499012345', { today: '2026-03-01' });
    expect(result.ok && result.value.birthYear).toBe(2199);
    expect(result.ok && result.warnings.map((w) => w.code)).toEqual(['HOSO_WARN_CCCD_BIRTH_YEAR_IN_FUTURE']);
  });

  it('does not invent a checksum: any 6 final digits are accepted', () => {
    for (const tail of ['000000', '999999', '123456', '654321']) {
      expect(parseCitizenId(`001099${tail}`).ok).toBe(true);
    }
  });
});
