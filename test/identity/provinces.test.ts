import { describe, expect, it } from 'vitest';
import {
  BIRTH_PROVINCES,
  birthProvinceByCode,
  CURRENT_UNITS,
  provincialUnitFor,
} from '../../src/identity/provinces.ts';

describe('province tables', () => {
  it('lists the 63 pre-2025 provinces with distinct 3-digit codes', () => {
    expect(BIRTH_PROVINCES).toHaveLength(63);
    expect(new Set(BIRTH_PROVINCES.map((p) => p.code)).size).toBe(63);
    expect(BIRTH_PROVINCES.every((p) => /^\d{3}$/.test(p.code))).toBe(true);
  });

  it('uses the real codes, not the wrong table some generators copy (002 is Hà Giang, not TP HCM)', () => {
    expect(birthProvinceByCode('001')?.name).toBe('Hà Nội');
    expect(birthProvinceByCode('002')?.name).toBe('Hà Giang');
    expect(birthProvinceByCode('079')?.name).toBe('TP Hồ Chí Minh');
    expect(birthProvinceByCode('046')?.name).toBe('Thừa Thiên Huế');
    expect(birthProvinceByCode('003')).toBeUndefined();
  });

  it('maps every old province into exactly one of the 34 current units', () => {
    expect(CURRENT_UNITS).toHaveLength(34);
    const all = CURRENT_UNITS.flatMap((u) => u.formedFrom);
    expect(all).toHaveLength(63);
    expect(new Set(all)).toEqual(new Set(BIRTH_PROVINCES.map((p) => p.code)));
    expect(CURRENT_UNITS.filter((u) => u.certainty === 'unchanged')).toHaveLength(11);
    expect(CURRENT_UNITS.filter((u) => u.kind === 'city').map((u) => u.name)).toEqual(
      expect.arrayContaining(['Hà Nội', 'Huế', 'Hải Phòng', 'TP Hồ Chí Minh', 'Đà Nẵng', 'Cần Thơ']),
    );
  });

  it('marks the merger rows that were not confirmed by two sources', () => {
    expect(provincialUnitFor('074', '2025-07-01')).toEqual({
      name: 'TP Hồ Chí Minh',
      certainty: 'confirmed',
    });
    expect(provincialUnitFor('049', '2025-07-01')).toEqual({ name: 'Đà Nẵng', certainty: 'uncertain' });
  });

  it('keeps the old province as its own unit before 1 July 2025', () => {
    expect(provincialUnitFor('074', '2025-06-30')).toEqual({ name: 'Bình Dương', certainty: 'unchanged' });
    expect(provincialUnitFor('999', '2025-07-01')).toBeUndefined();
  });
});
