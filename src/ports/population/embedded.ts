import type { Citizen } from './citizen.ts';
import { FIXTURE_CITIZENS } from './fixtures.ts';
import { DEFAULT_SEED, DEFAULT_SIZE, generatePopulation } from './generate.ts';
import type { PopulationRegistry } from './registry.ts';

/**
 * The registry used when no agency API is configured: the hand-picked fixture people plus a generated
 * fictional population, all in memory.
 */
export class EmbeddedPopulationRegistry implements PopulationRegistry {
  private readonly byId: Map<string, Citizen>;

  constructor(citizens: readonly Citizen[] = defaultPopulation()) {
    this.byId = new Map(citizens.map((c) => [c.id, c]));
  }

  async findByCitizenId(id: string): Promise<Citizen | undefined> {
    const found = this.byId.get(id);
    // Copies, so a caller cannot change the registry by editing what it got back.
    return found && structuredClone(found);
  }

  async findChildren(parentId: string): Promise<Citizen[]> {
    const parent = this.byId.get(parentId);
    if (!parent) return [];
    return parent.childIds.flatMap((id) => {
      const child = this.byId.get(id);
      return child ? [structuredClone(child)] : [];
    });
  }

  /** Everyone, for sampling (e.g. `hoso rules impact --sample N`). */
  all(): Citizen[] {
    return [...this.byId.values()].map((c) => structuredClone(c));
  }
}

let cached: readonly Citizen[] | undefined;

/** The fixture people first, then the generated population (seed 20241002, 240 people). */
export function defaultPopulation(): readonly Citizen[] {
  if (!cached) {
    const fixtures = FIXTURE_CITIZENS.map((f) => f.citizen);
    cached = [
      ...fixtures,
      ...generatePopulation({
        seed: DEFAULT_SEED,
        size: DEFAULT_SIZE,
        reserved: {
          ids: fixtures.map((c) => c.id),
          phones: fixtures.flatMap((c) => (c.phone ? [c.phone] : [])),
        },
      }),
    ];
  }
  return cached;
}
