import { describe, expect, it } from 'vitest';
import {
  maskIdNumber,
  maskPhone,
  nameInitials,
  placeAndDate,
  shortDate,
  vietnamDateTime,
} from '../../src/extracts/text.ts';

describe('Vietnamese text helpers', () => {
  it('writes the place and date as Decree 30/2020 asks: a leading zero for days below 10 and for months 1 and 2', () => {
    expect(placeAndDate('Hà Nội', '2026-11-25')).toBe('Hà Nội, ngày 25 tháng 11 năm 2026');
    expect(placeAndDate('Huế', '2026-01-05')).toBe('Huế, ngày 05 tháng 01 năm 2026');
    expect(placeAndDate('Huế', '2026-02-10')).toBe('Huế, ngày 10 tháng 02 năm 2026');
    expect(placeAndDate('Đà Nẵng', '2026-03-09')).toBe('Đà Nẵng, ngày 09 tháng 3 năm 2026');
  });

  it('composes a decomposed place name', () => {
    expect(placeAndDate('Ha\u0300 No\u0302\u0323i', '2026-11-25')).toBe('Hà Nội, ngày 25 tháng 11 năm 2026');
  });

  it('prints partial birth dates as they are known', () => {
    expect(shortDate('1994-02-14')).toBe('14/02/1994');
    expect(shortDate('1950-07')).toBe('07/1950');
    expect(shortDate('1950')).toBe('1950');
  });

  it('prints times in Vietnam time whatever the server zone', () => {
    expect(vietnamDateTime(new Date('2026-11-25T17:05:00Z'))).toBe('00:05 ngày 26/11/2026');
  });

  it('takes initials with their diacritics', () => {
    expect(nameInitials('Nguyễn Thị Minh Thư')).toBe('NTMT');
    expect(nameInitials('đặng văn ơn')).toBe('ĐVƠ');
    expect(nameInitials('  Lê   Hoa ')).toBe('LH');
  });

  it('masks citizen ID and phone numbers', () => {
    expect(maskIdNumber('001094012345')).toBe('001******345');
    expect(maskPhone('0912 345 678')).toBe('09******78');
  });
});
