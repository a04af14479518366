import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatVietnameseDate } from '../../../src/identity/parse/date.ts';
import { EmbeddedPopulationRegistry } from '../../../src/ports/population/embedded.ts';
import { FIXTURE_CITIZENS, FIXTURE_IDS } from '../../../src/ports/population/fixtures.ts';

const registry = new EmbeddedPopulationRegistry();
const doc = readFileSync(
  new URL('../../../src/ports/population/FIXTURE_CITIZENS.md', import.meta.url),
  'utf8',
);

describe('fixture citizens', () => {
  it('are listed in FIXTURE_CITIZENS.md with their ID, date of birth, name and level', () => {
    const rows = new Map(
      doc
        .split('\n')
        .filter((line) => line.startsWith('|'))
        .map((line) =>
          line
            .split('|')
            .slice(1, -1)
            .map((cell) => cell.trim()),
        )
        .map((cells) => [cells[0], cells] as const),
    );
    for (const { role, citizen } of FIXTURE_CITIZENS) {
      expect(rows.get(role), role).toEqual([
        role,
        citizen.id,
        formatVietnameseDate(citizen.dateOfBirth),
        citizen.isForeignResident ? `${citizen.fullName} (${citizen.nationality})` : citizen.fullName,
        String(citizen.vneidLevel),
        citizen.phone ?? '—',
        expect.any(String),
      ]);
    }
  });

  it('can be found in the embedded registry', async () => {
    for (const id of Object.values(FIXTURE_IDS)) expect((await registry.findByCitizenId(id))?.id).toBe(id);
  });

  it('play the roles they are listed for', async () => {
    const get = async (id: string) => (await registry.findByCitizenId(id))!;
    expect((await get(FIXTURE_IDS.level2Adult)).vneidLevel).toBe(2);
    expect((await get(FIXTURE_IDS.level1Adult)).vneidLevel).toBe(1);
    expect((await get(FIXTURE_IDS.noVneid)).vneidLevel).toBe(0);
    expect((await get(FIXTURE_IDS.noPhone)).phone).toBeNull();
    expect((await get(FIXTURE_IDS.foreignResident)).isForeignResident).toBe(true);
    const children = await registry.findChildren(FIXTURE_IDS.parentWithChild);
    expect(children.map((c) => c.id)).toEqual([FIXTURE_IDS.childUnder14]);
    expect(children[0]!.dateOfBirth > '2017-01-01').toBe(true);
    expect(children[0]!.parentIds).toContain(FIXTURE_IDS.otherParent);
  });
});

describe('EmbeddedPopulationRegistry', () => {
  it('answers undefined for an unknown ID and an empty list for an unknown parent', async () => {
    expect(await registry.findByCitizenId('001099999999')).toBeUndefined();
    expect(await registry.findChildren('001099999999')).toEqual([]);
  });

  it('hands out copies, so a caller cannot alter the registry', async () => {
    const copy = (await registry.findByCitizenId(FIXTURE_IDS.level2Adult))!;
    copy.vneidLevel = 0;
    expect((await registry.findByCitizenId(FIXTURE_IDS.level2Adult))!.vneidLevel).toBe(2);
  });
});
