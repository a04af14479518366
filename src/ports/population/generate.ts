import {
  BIRTH_PROVINCES,
  CURRENT_UNITS,
  MERGER_EFFECTIVE_FROM,
  provincialUnitFor,
} from '../../identity/provinces.ts';
import { type Citizen, CitizenSchema } from './citizen.ts';
import { FOREIGN_NAMES, GIVEN_NAMES, MIDDLE_NAMES, PHONE_PREFIXES, SURNAMES } from './names.ts';
import { SeededRandom } from './random.ts';

/**
 * A deterministic fictional population: households of one or two adults, some with children under 14 linked
 * to them, some with grown-up children, and foreign residents. Same seed, same people, on every machine.
 */
export interface GenerateOptions {
  seed?: number;
  /** At least this many people (a household is never cut in half). */
  size?: number;
  /** IDs and phones already taken (the hand-picked fixtures). */
  reserved?: { ids: Iterable<string>; phones: Iterable<string> };
}

export const DEFAULT_SEED = 20241002;
export const DEFAULT_SIZE = 240;

/** Children are born in this window, so they stay under 14 until 2031-01-01. */
const YOUNG_CHILD_BORN = { from: '2017-01-01', to: '2025-06-30' };
const FOREIGN_ID_PREFIX = '900';

type Gender = Citizen['gender'];

export function generatePopulation(options: GenerateOptions = {}): Citizen[] {
  const rng = new SeededRandom(options.seed ?? DEFAULT_SEED);
  const size = options.size ?? DEFAULT_SIZE;
  const ids = new Set(options.reserved?.ids ?? []);
  const phones = new Set(options.reserved?.phones ?? []);
  const people: Citizen[] = [];

  const uniqueId = (prefix: string, gender: Gender, year: number): string => {
    // G: century and gender (Decree 137/2015 Art. 13): 0/1 for the 1900s, 2/3 for the 2000s; odd is female.
    const g = (Math.floor(year / 100) - 19) * 2 + (gender === 'female' ? 1 : 0);
    for (;;) {
      const id = `${prefix}${g}${String(year % 100).padStart(2, '0')}${rng.digits(6)}`;
      if (!ids.has(id)) {
        ids.add(id);
        return id;
      }
    }
  };
  const uniquePhone = (): string => {
    for (;;) {
      const phone = `${rng.pick(PHONE_PREFIXES)}${rng.digits(7)}`;
      if (!phones.has(phone)) {
        phones.add(phone);
        return phone;
      }
    }
  };
  const date = (from: string, to: string): string => {
    const start = Date.parse(`${from}T00:00:00Z`);
    const days = Math.round((Date.parse(`${to}T00:00:00Z`) - start) / 86_400_000);
    return new Date(start + rng.int(0, days) * 86_400_000).toISOString().slice(0, 10);
  };
  const vietnameseName = (gender: Gender, surname: string = rng.pick(SURNAMES)): string =>
    `${surname} ${rng.pick(MIDDLE_NAMES[gender])} ${rng.pick(GIVEN_NAMES[gender])}`;
  const adultLevel = (): 0 | 1 | 2 => (rng.chance(0.6) ? 2 : rng.chance(0.6) ? 1 : 0);

  const person = (
    gender: Gender,
    born: string,
    residenceProvince: string,
    options: { fullName?: string; birthCode?: string; phone?: boolean } = {},
  ): Citizen => {
    const fullName = options.fullName ?? vietnameseName(gender);
    const birthCode = options.birthCode ?? rng.pick(BIRTH_PROVINCES).code;
    const surname = fullName.split(' ')[0]!;
    const year = Number(born.slice(0, 4));
    const hasPhone = (options.phone ?? true) && !(year < 1955 && rng.chance(0.3));
    return {
      id: uniqueId(birthCode, gender, year),
      fullName,
      gender,
      dateOfBirth: born,
      placeOfBirthProvinceCode: birthCode,
      nationality: 'VN',
      residenceProvince,
      phone: hasPhone ? uniquePhone() : null,
      vneidLevel: adultLevel(),
      parentIds: [],
      childIds: [],
      isForeignResident: false,
      passport: null,
      residenceCard: null,
      fatherName: vietnameseName('male', surname),
      motherName: vietnameseName('female'),
      spouseName: null,
    };
  };

  let household = 0;
  while (people.length < size) {
    household++;
    if (household % 9 === 0) {
      people.push(foreignResident(rng, uniqueId, uniquePhone, date));
      continue;
    }
    const homeCode = rng.pick(BIRTH_PROVINCES).code;
    // Most families live where their birth province now belongs; some moved to another unit.
    const residence = rng.chance(0.8)
      ? provincialUnitFor(homeCode, MERGER_EFFECTIVE_FROM)!.name
      : rng.pick(CURRENT_UNITS).name;
    const residenceUnit = CURRENT_UNITS.find((u) => u.name === residence)!;

    const young = rng.chance(0.55);
    const fatherBorn = young ? date('1980-01-01', '1995-12-31') : date('1945-01-01', '1979-12-31');
    const couple = rng.chance(0.7);
    const members: Citizen[] = [];
    if (couple) {
      const husband = person('male', fatherBorn, residence);
      const wifeYear = Number(fatherBorn.slice(0, 4)) + rng.int(-2, 3);
      const wife = person('female', date(`${wifeYear}-01-01`, `${wifeYear}-12-31`), residence);
      husband.spouseName = wife.fullName;
      wife.spouseName = husband.fullName;
      members.push(husband, wife);
    } else {
      const gender: Gender = rng.chance(0.5) ? 'male' : 'female';
      members.push(person(gender, fatherBorn, residence));
    }
    const parents = [...members];
    const father = parents.find((p) => p.gender === 'male');
    const mother = parents.find((p) => p.gender === 'female');
    const surname = (father ?? parents[0]!).fullName.split(' ')[0]!;
    // Nobody becomes a parent before 20.
    const youngestParentYear = Math.max(...parents.map((p) => Number(p.dateOfBirth.slice(0, 4))));

    const childCount = rng.int(young ? 1 : 0, young ? 3 : 2);
    for (let i = 0; i < childCount; i++) {
      const gender: Gender = rng.chance(0.5) ? 'male' : 'female';
      const fullName = vietnameseName(gender, surname);
      let child: Citizen;
      if (young) {
        const earliest = `${youngestParentYear + 20}-01-01`;
        const born = date(
          earliest > YOUNG_CHILD_BORN.from ? earliest : YOUNG_CHILD_BORN.from,
          YOUNG_CHILD_BORN.to,
        );
        // A child's birth is registered where the family lives; a child under 14 has no phone of their own.
        child = person(gender, born, residence, {
          fullName,
          birthCode: rng.pick(residenceUnit.formedFrom),
          phone: false,
        });
        // Decree 69/2024: from age 6 a child may have a level-1 account on request.
        child.vneidLevel = born < '2019-01-01' && rng.chance(0.3) ? 1 : 0;
      } else {
        const parentYear = Number(fatherBorn.slice(0, 4));
        const from = Math.max(parentYear + 22, youngestParentYear + 20);
        const born = date(`${from}-01-01`, `${Math.max(from, Math.min(parentYear + 35, 2005))}-12-31`);
        child = person(gender, born, rng.chance(0.7) ? residence : rng.pick(CURRENT_UNITS).name, {
          fullName,
        });
      }
      child.fatherName = father?.fullName ?? null;
      child.motherName = mother?.fullName ?? null;
      child.parentIds = parents.map((p) => p.id);
      for (const p of parents) p.childIds.push(child.id);
      members.push(child);
    }
    people.push(...members);
  }
  return people.map((p) => CitizenSchema.parse(p));
}

function foreignResident(
  rng: SeededRandom,
  uniqueId: (prefix: string, gender: Gender, year: number) => string,
  uniquePhone: () => string,
  date: (from: string, to: string) => string,
): Citizen {
  const names = rng.pick(FOREIGN_NAMES);
  const gender: Gender = rng.chance(0.5) ? 'male' : 'female';
  const family = rng.pick(names.family);
  const given = rng.pick(names.given[gender]);
  const born = date('1960-01-01', '2000-12-31');
  const permanent = rng.chance(0.2);
  return {
    id: uniqueId(FOREIGN_ID_PREFIX, gender, Number(born.slice(0, 4))),
    fullName: names.familyFirst ? `${family} ${given}` : `${given} ${family}`,
    gender,
    dateOfBirth: born,
    placeOfBirthProvinceCode: null,
    nationality: names.nationality,
    residenceProvince: rng.pick(['Hà Nội', 'TP Hồ Chí Minh', 'Đà Nẵng', 'Hải Phòng', 'Bắc Ninh', 'Đồng Nai']),
    phone: uniquePhone(),
    // Decree 69/2024: foreigners with a residence card get level 1, and level 2 on request.
    vneidLevel: rng.chance(0.5) ? 2 : 1,
    parentIds: [],
    childIds: [],
    isForeignResident: true,
    passport: {
      number: `${names.passport.prefix}${rng.digits(names.passport.digits)}`,
      country: names.nationality,
    },
    residenceCard: {
      // Fictional shapes: "TTR" + 7 digits for permanent cards, "TT" + 8 digits for temporary ones.
      number: permanent ? `TTR${rng.digits(7)}` : `TT${rng.digits(8)}`,
      kind: permanent ? 'permanent' : 'temporary',
      validUntil: date('2026-06-30', '2030-12-31'),
    },
    fatherName: null,
    motherName: null,
    spouseName: null,
  };
}
