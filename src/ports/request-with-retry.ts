import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * One HTTP call to an external system, with a timeout per attempt and retries with exponential backoff on
 * network errors, timeouts and 5xx answers. A 4xx answer is the other side saying no: it is returned at once,
 * never retried. Shared by the HTTP adapters of the ports.
 */
export interface RetryPolicy {
  /** Total attempts, the first included. */
  attempts: number;
  timeoutMs: number;
  /** Delay before the second attempt; doubles each time, with jitter, capped at `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 3,
  timeoutMs: 5_000,
  backoffMs: 200,
  maxBackoffMs: 2_000,
};

/** Every attempt failed without an HTTP answer (network error or timeout). */
export class RequestFailedError extends Error {
  readonly attempts: number;
  readonly timedOut: boolean;
  constructor(message: string, attempts: number, timedOut: boolean, cause: unknown) {
    super(message, { cause });
    this.name = 'RequestFailedError';
    this.attempts = attempts;
    this.timedOut = timedOut;
  }
}

export interface RetriedResponse {
  response: Response;
  attempts: number;
}

/**
 * Returns the first answer that is not a 5xx, or the last 5xx once attempts run out. Throws
 * `RequestFailedError` when no attempt got an answer. `init.body` must be replayable (a string or a buffer).
 */
export async function requestWithRetry(
  url: string | URL,
  init: RequestInit,
  policy: RetryPolicy,
  signal?: AbortSignal,
): Promise<RetriedResponse> {
  let lastError: unknown;
  let timedOut = false;
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    if (attempt > 1) await sleep(backoff(policy, attempt - 1), undefined, { signal });
    const timeout = AbortSignal.timeout(policy.timeoutMs);
    try {
      const response = await fetch(url, {
        ...init,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      if (response.status < 500 || attempt === policy.attempts) return { response, attempts: attempt };
      // Drain the failed answer so its connection can be reused.
      await response.arrayBuffer().catch(() => undefined);
    } catch (error) {
      // The caller gave up: do not retry on their behalf.
      if (signal?.aborted) throw error;
      lastError = error;
      timedOut = timeout.aborted;
    }
  }
  const what = timedOut ? `timed out after ${policy.timeoutMs} ms` : 'failed';
  throw new RequestFailedError(
    `request to ${new URL(url).origin} ${what} (${policy.attempts} attempts)`,
    policy.attempts,
    timedOut,
    lastError,
  );
}

function backoff(policy: RetryPolicy, retry: number): number {
  const ceiling = Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** (retry - 1));
  // Half fixed, half random: retries from many processes do not arrive together.
  const half = Math.floor(ceiling / 2);
  return half + (half > 0 ? randomInt(0, half + 1) : 0);
}
