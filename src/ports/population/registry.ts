import type { Citizen } from './citizen.ts';

/** The population registry as the rest of Hoso sees it: an embedded fixture set or an agency's HTTP API. */
export interface PopulationRegistry {
  /** The person with this 12-digit personal ID, or undefined if there is none. */
  findByCitizenId(id: string): Promise<Citizen | undefined>;
  /** The children recorded for a parent (for acting on behalf of a child under 14). */
  findChildren?(parentId: string): Promise<Citizen[]>;
}

export type PopulationErrorCode =
  | 'HOSO_ERR_POPULATION_UNAVAILABLE'
  | 'HOSO_ERR_POPULATION_REJECTED'
  | 'HOSO_ERR_POPULATION_BAD_ANSWER';

/** The registry could not answer. The citizen sees a generic "try again later"; the log gets the detail. */
export class PopulationRegistryError extends Error {
  readonly code: PopulationErrorCode;
  readonly key = 'identity:errors.HOSO_ERR_POPULATION_UNAVAILABLE';
  readonly status: number | undefined;
  constructor(
    code: PopulationErrorCode,
    message: string,
    options: { status?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'PopulationRegistryError';
    this.code = code;
    this.status = options.status;
  }
}
