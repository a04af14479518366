import { z } from 'zod';
import {
  type HealthBook,
  HealthBookSchema,
  type HealthRecords,
  HealthRecordsError,
  type HealthScope,
  type VisitChoice,
  VisitChoiceSchema,
  VisitSchema,
} from './schema.ts';
import {
  EXTRA_SENSITIVE_CATEGORIES,
  isExtraSensitive,
  prepareForSharing,
  type SensitiveCategory,
} from './sharing.ts';

export interface HttpHealthRecordsOptions {
  /** e.g. `https://health.example.gov.vn/api/v1`; paths of ./CONTRACT.md are appended. */
  baseUrl: string;
  token?: string;
  timeoutMs?: number;
  /** Categories removed before sharing, again on Hoso's side whatever the source already removed. */
  excluded?: readonly SensitiveCategory[];
}

/** The visit list on the wire carries the ICD-10 codes, so Hoso can leave extra-sensitive visits out itself. */
export const VisitsAnswerSchema = z.object({
  visits: z.array(VisitChoiceSchema.extend({ icd10: VisitSchema.shape.icd10 })),
});

/** Speaks ./CONTRACT.md. One attempt per call with a timeout: the caller (a job) decides about retries. */
export class HttpHealthRecords implements HealthRecords {
  private readonly baseUrl: string;
  private readonly headers: Record<string, string>;

  constructor(private readonly options: HttpHealthRecordsOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.headers = { accept: 'application/json' };
    if (options.token) this.headers.authorization = `Bearer ${options.token}`;
  }

  async getBook(citizenId: string, scope: HealthScope): Promise<HealthBook | undefined> {
    if (!/^\d{12}$/.test(citizenId)) return undefined;
    const query = new URLSearchParams({
      scope: scope.scope,
      ...(scope.visitId ? { visitId: scope.visitId } : {}),
    });
    const body = await this.get(`/health-books/${citizenId}?${query}`);
    if (body === undefined) return undefined;
    const book = this.check(HealthBookSchema, body, 'GET /health-books/{id}');
    return prepareForSharing(book, scope, this.options.excluded);
  }

  async listVisits(citizenId: string): Promise<VisitChoice[]> {
    if (!/^\d{12}$/.test(citizenId)) return [];
    const body = await this.get(`/health-books/${citizenId}/visits`);
    if (body === undefined) return [];
    const { visits } = this.check(VisitsAnswerSchema, body, 'GET /health-books/{id}/visits');
    const categories = this.options.excluded ?? Object.values(EXTRA_SENSITIVE_CATEGORIES);
    return visits
      .filter((v) => !v.icd10.some((code) => isExtraSensitive(code, categories)))
      .map(({ icd10: _codes, ...choice }) => choice);
  }

  /** Parsed JSON of a 200; undefined for a 404. */
  private async get(path: string): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        headers: this.headers,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new HealthRecordsError(
        'HOSO_ERR_HEALTH_UNAVAILABLE',
        `health records unreachable: ${String(error)}`,
        {
          cause: error,
        },
      );
    }
    if (response.status === 404) {
      await response.arrayBuffer().catch(() => undefined);
      return undefined;
    }
    if (response.status !== 200) {
      await response.arrayBuffer().catch(() => undefined);
      throw new HealthRecordsError(
        response.status >= 500 ? 'HOSO_ERR_HEALTH_UNAVAILABLE' : 'HOSO_ERR_HEALTH_REJECTED',
        `health records answered ${response.status}`,
      );
    }
    try {
      return await response.json();
    } catch (error) {
      throw new HealthRecordsError(
        'HOSO_ERR_HEALTH_BAD_ANSWER',
        'health records answered with invalid JSON',
        {
          cause: error,
        },
      );
    }
  }

  private check<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new HealthRecordsError(
        'HOSO_ERR_HEALTH_BAD_ANSWER',
        `${what} answered a body that does not match the contract: ${parsed.error.issues
          .slice(0, 3)
          .map((i) => `${i.path.join('.')}: ${i.message}`)
          .join('; ')}`,
      );
    }
    return parsed.data;
  }
}
