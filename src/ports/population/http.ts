import { z } from 'zod';
import {
  DEFAULT_RETRY_POLICY,
  RequestFailedError,
  type RetryPolicy,
  requestWithRetry,
} from '../request-with-retry.ts';
import { type Citizen, CitizenSchema, PersonalIdSchema } from './citizen.ts';
import { type PopulationRegistry, PopulationRegistryError } from './registry.ts';

/** Speaks the contract in ./CONTRACT.md. */
export interface HttpPopulationRegistryOptions {
  /** e.g. `https://registry.example.gov.vn/api/v1` — paths are appended to it. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>` when given. */
  token?: string;
  retry?: Partial<RetryPolicy>;
}

const ChildrenAnswerSchema = z.object({ children: z.array(CitizenSchema) });

export class HttpPopulationRegistry implements PopulationRegistry {
  private readonly baseUrl: string;
  private readonly headers: Record<string, string>;
  private readonly retry: RetryPolicy;

  constructor(options: HttpPopulationRegistryOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.headers = { accept: 'application/json' };
    if (options.token) this.headers.authorization = `Bearer ${options.token}`;
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  }

  async findByCitizenId(id: string): Promise<Citizen | undefined> {
    // Only a well-formed number reaches the URL: nothing a user types can change the path.
    if (!PersonalIdSchema.safeParse(id).success) return undefined;
    const body = await this.get(`/citizens/${id}`);
    if (body === undefined) return undefined;
    return this.check(CitizenSchema, body, 'GET /citizens/{id}');
  }

  async findChildren(parentId: string): Promise<Citizen[]> {
    if (!PersonalIdSchema.safeParse(parentId).success) return [];
    const body = await this.get(`/citizens/${parentId}/children`);
    if (body === undefined) return [];
    return this.check(ChildrenAnswerSchema, body, 'GET /citizens/{id}/children').children;
  }

  /** The parsed JSON of a 200, or undefined for a 404. */
  private async get(path: string): Promise<unknown> {
    let answer: Awaited<ReturnType<typeof requestWithRetry>>;
    try {
      answer = await requestWithRetry(`${this.baseUrl}${path}`, { headers: this.headers }, this.retry);
    } catch (error) {
      if (error instanceof RequestFailedError) {
        throw new PopulationRegistryError('HOSO_ERR_POPULATION_UNAVAILABLE', error.message, { cause: error });
      }
      throw error;
    }
    const { response, attempts } = answer;
    if (response.status === 404) {
      await response.arrayBuffer().catch(() => undefined);
      return undefined;
    }
    if (response.status >= 500) {
      await response.arrayBuffer().catch(() => undefined);
      throw new PopulationRegistryError(
        'HOSO_ERR_POPULATION_UNAVAILABLE',
        `population registry answered ${response.status} after ${attempts} attempts`,
        { status: response.status },
      );
    }
    if (response.status !== 200) {
      await response.arrayBuffer().catch(() => undefined);
      throw new PopulationRegistryError(
        'HOSO_ERR_POPULATION_REJECTED',
        `population registry refused the request with ${response.status}`,
        { status: response.status },
      );
    }
    try {
      return await response.json();
    } catch (cause) {
      throw new PopulationRegistryError(
        'HOSO_ERR_POPULATION_BAD_ANSWER',
        'population registry sent invalid JSON',
        {
          status: 200,
          cause,
        },
      );
    }
  }

  private check<T>(schema: z.ZodType<T>, body: unknown, route: string): T {
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      // Field paths only: the values are personal data and stay out of the message.
      const fields = parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ');
      throw new PopulationRegistryError(
        'HOSO_ERR_POPULATION_BAD_ANSWER',
        `population registry answer to ${route} does not match the contract (fields: ${fields})`,
        { status: 200 },
      );
    }
    return parsed.data;
  }
}
