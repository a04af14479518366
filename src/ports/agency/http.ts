import { z } from 'zod';
import {
  AgencyError,
  type AgencyPort,
  type AgencyStatus,
  AgencyStatusSchema,
  type AgencySubmission,
  type SubmitAnswer,
  SubmitAnswerSchema,
} from './types.ts';

export interface HttpAgencyOptions {
  /** e.g. `https://lltp.example.gov.vn/api/v1`; the paths of ./CONTRACT.md are appended. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>` when given. */
  token?: string;
  /** Per call; a call that takes longer counts as the agency being unavailable. */
  timeoutMs?: number;
}

const RefusalSchema = z.object({ code: z.string().optional(), reason: z.string().optional() }).loose();

/**
 * Speaks ./CONTRACT.md. One attempt per call: the submission job retries with backoff, and the request code
 * sent as `Idempotency-Key` makes the agency accept a retried submission once.
 */
export class HttpAgency implements AgencyPort {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: HttpAgencyOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  async submit(submission: AgencySubmission): Promise<SubmitAnswer> {
    const response = await this.call('POST /submissions', `${this.baseUrl}/submissions`, {
      method: 'POST',
      headers: {
        ...this.headers(),
        'content-type': 'application/json',
        'idempotency-key': submission.idempotencyKey,
      },
      body: JSON.stringify(submission),
    });
    if (response.status !== 200 && response.status !== 201) await this.fail('POST /submissions', response);
    return this.parse(SubmitAnswerSchema, response, 'POST /submissions');
  }

  async status(agencyRef: string): Promise<AgencyStatus> {
    const what = 'GET /submissions/{ref}';
    const response = await this.call(what, `${this.baseUrl}/submissions/${encodeURIComponent(agencyRef)}`, {
      headers: this.headers(),
    });
    if (response.status === 404) {
      await response.arrayBuffer().catch(() => undefined);
      throw new AgencyError('HOSO_ERR_AGENCY_UNKNOWN_REF', `${what}: the agency knows no ${agencyRef}`, 404);
    }
    if (response.status !== 200) await this.fail(what, response);
    return this.parse(AgencyStatusSchema, response, what);
  }

  private headers(): Record<string, string> {
    return {
      accept: 'application/json',
      ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
    };
  }

  private async call(what: string, url: string, init: RequestInit): Promise<Response> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    try {
      return await fetch(url, { ...init, signal: timeout });
    } catch (error) {
      const why = timeout.aborted ? `timed out after ${this.timeoutMs} ms` : 'could not be reached';
      throw new AgencyError('HOSO_ERR_AGENCY_UNAVAILABLE', `${what}: the agency ${why}`, undefined, {
        cause: error,
      });
    }
  }

  private async fail(what: string, response: Response): Promise<never> {
    const text = await response.text().catch(() => '');
    if (response.status >= 500 || response.status === 429) {
      throw new AgencyError(
        'HOSO_ERR_AGENCY_UNAVAILABLE',
        `${what}: the agency answered ${response.status}`,
        response.status,
      );
    }
    let refusal: z.infer<typeof RefusalSchema> = {};
    try {
      refusal = RefusalSchema.parse(JSON.parse(text));
    } catch {
      // A refusal without a readable body is still a refusal.
    }
    throw new AgencyError(
      'HOSO_ERR_AGENCY_REJECTED',
      `${what}: the agency refused (${response.status})${refusal.reason ? `: ${refusal.reason}` : ''}`,
      response.status,
      {
        refusal: {
          ...(refusal.code ? { code: refusal.code } : {}),
          ...(refusal.reason ? { reason: refusal.reason } : {}),
        },
      },
    );
  }

  private async parse<T>(schema: z.ZodType<T>, response: Response, what: string): Promise<T> {
    let body: unknown;
    try {
      body = await response.json();
    } catch (error) {
      throw new AgencyError('HOSO_ERR_AGENCY_BAD_ANSWER', `${what}: not JSON`, response.status, {
        cause: error,
      });
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new AgencyError(
        'HOSO_ERR_AGENCY_BAD_ANSWER',
        `${what}: the answer does not match the contract: ${parsed.error.issues
          .slice(0, 3)
          .map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)
          .join('; ')}`,
        response.status,
      );
    }
    return parsed.data;
  }
}
