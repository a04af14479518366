import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseCitizenId } from '../../../src/identity/parse/citizen-id.ts';
import { parsePhone } from '../../../src/identity/parse/phone.ts';
import { BIRTH_PROVINCES, CURRENT_UNIT_NAMES } from '../../../src/identity/provinces.ts';
import { CitizenSchema } from '../../../src/ports/population/citizen.ts';
import { defaultPopulation } from '../../../src/ports/population/embedded.ts';
import { generatePopulation } from '../../../src/ports/population/generate.ts';

/** Ages are checked on the last day the data promises: children stay under 14 until 2031-01-01. */
const LAST_CHECKED_DAY = '2030-12-31';

function ageOn(dateOfBirth: string, day: string): number {
  const years = Number(day.slice(0, 4)) - Number(dateOfBirth.slice(0, 4));
  return day.slice(5) < dateOfBirth.slice(5) ? years - 1 : years;
}

const people = defaultPopulation();
const byId = new Map(people.map((p) => [p.id, p]));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('generated population', () => {
  it('holds at least 200 people who all match the schema, with unique IDs and phones', () => {
    expect(people.length).toBeGreaterThanOrEqual(200);
    for (const p of people) CitizenSchema.parse(p);
    expect(new Set(people.map((p) => p.id)).size).toBe(people.length);
    const phones = people.flatMap((p) => (p.phone ? [p.phone] : []));
    expect(new Set(phones).size).toBe(phones.length);
    expect(phones.every((ph) => parsePhone(ph).ok)).toBe(true);
  });

  it('is the same on every run and differs with another seed', () => {
    expect(generatePopulation({ seed: 7, size: 50 })).toEqual(generatePopulation({ seed: 7, size: 50 }));
    expect(generatePopulation({ seed: 8, size: 50 })).not.toEqual(generatePopulation({ seed: 7, size: 50 }));
  });

  it('does not use Math.random', () => {
    vi.spyOn(Math, 'random').mockImplementation(() => {
      throw new Error('Math.random used');
    });
    expect(() => generatePopulation({ seed: 1, size: 60 })).not.toThrow();
  });

  it('gives Vietnamese citizens ID numbers that agree with their birth year, gender and a real province code', () => {
    const codes = new Set(BIRTH_PROVINCES.map((p) => p.code));
    for (const p of people.filter((c) => !c.isForeignResident)) {
      const parsed = parseCitizenId(p.id, {
        dateOfBirth: p.dateOfBirth,
        gender: p.gender,
        today: '2026-01-01',
      });
      expect(parsed.ok && parsed.warnings, p.id).toEqual([]);
      expect(codes.has(p.id.slice(0, 3))).toBe(true);
      expect(p.placeOfBirthProvinceCode).toBe(p.id.slice(0, 3));
    }
  });

  it('links every child under 14 to a parent who lists them back', () => {
    const children = people.filter((p) => ageOn(p.dateOfBirth, LAST_CHECKED_DAY) < 14);
    expect(children.length).toBeGreaterThanOrEqual(20);
    for (const child of children) {
      expect(child.parentIds.length, child.id).toBeGreaterThan(0);
      expect(child.phone).toBeNull();
      for (const parentId of child.parentIds) {
        const parent = byId.get(parentId)!;
        expect(parent.childIds).toContain(child.id);
        expect(ageOn(parent.dateOfBirth, child.dateOfBirth)).toBeGreaterThanOrEqual(18);
      }
      expect(child.fatherName ?? child.motherName).toBeTruthy();
    }
  });

  it('includes foreign residents with a passport and a residence card', () => {
    const foreigners = people.filter((p) => p.isForeignResident);
    expect(foreigners.length).toBeGreaterThanOrEqual(5);
    for (const f of foreigners) {
      expect(f.nationality).not.toBe('VN');
      expect(f.passport?.country).toBe(f.nationality);
      expect(f.residenceCard).not.toBeNull();
      expect(f.id.startsWith('900')).toBe(true);
      const parsed = parseCitizenId(f.id, {
        dateOfBirth: f.dateOfBirth,
        gender: f.gender,
        today: '2026-01-01',
      });
      expect(parsed.ok && parsed.warnings.map((w) => w.code)).toEqual(['HOSO_WARN_CCCD_UNKNOWN_PROVINCE']);
    }
  });

  it('has adults at levels 0, 1 and 2 and residence in current provincial units only', () => {
    const adults = people.filter((p) => ageOn(p.dateOfBirth, '2026-01-01') >= 18);
    for (const level of [0, 1, 2] as const) {
      expect(adults.filter((p) => p.vneidLevel === level).length, `level ${level}`).toBeGreaterThan(10);
    }
    expect(people.every((p) => CURRENT_UNIT_NAMES.includes(p.residenceProvince))).toBe(true);
    expect(new Set(people.map((p) => p.residenceProvince)).size).toBeGreaterThan(20);
  });

  it('writes names in NFC with Vietnamese diacritics, and married couples name each other', () => {
    expect(people.every((p) => p.fullName === p.fullName.normalize('NFC'))).toBe(true);
    expect(
      people.filter((p) =>
        /[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]/i.test(p.fullName),
      ).length,
    ).toBeGreaterThan(200);
    const married = people.filter((p) => p.spouseName && !p.isForeignResident);
    expect(married.length).toBeGreaterThan(20);
  });
});
