/**
 * An open-loop load generator: the i-th request is due at `start + i / rate` whatever happened to the ones
 * before, and its latency runs from when it was due, not from when the generator got round to sending it. A
 * closed loop (send the next when the last one answers) slows down with the server and reports the latency of
 * the few requests it still sends; this one keeps offering the rate, so a stall shows in every request behind it.
 */
export interface OpenLoopResult {
  offered: number;
  /** Latencies of the requests that were answered, sorted, in milliseconds. */
  latencies: number[];
  /** Requests that failed or were not answered in time: they count above every answered one. */
  failed: number;
  /** What the first failure said, to tell a slow server from a broken bench. */
  firstError?: string;
  /** Seconds from the first request's due time to the last answer. */
  seconds: number;
}

export interface OpenLoopOptions {
  /** Requests per second offered. */
  rate: number;
  seconds: number;
  /** Sends request `i`; resolves when it is answered, rejects when it failed. */
  send(i: number): Promise<unknown>;
}

export async function openLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const total = Math.round(options.seconds * options.rate);
  const latencies: number[] = [];
  let failed = 0;
  let firstError: string | undefined;
  const pending: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / options.rate;
    const wait = due - performance.now();
    if (wait >= 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(
      options.send(i).then(
        () => {
          latencies.push(performance.now() - due);
        },
        (error: unknown) => {
          failed++;
          firstError ??= error instanceof Error ? error.message : String(error);
        },
      ),
    );
  }
  await Promise.all(pending);
  latencies.sort((a, b) => a - b);
  return {
    offered: total,
    latencies,
    failed,
    ...(firstError ? { firstError } : {}),
    seconds: (performance.now() - start) / 1000,
  };
}

/**
 * The p-th percentile (nearest rank) of every offered request, a failed one counting as infinitely slow: more
 * than 1 % of requests failing makes the p99 infinite rather than quietly leaving them out.
 */
export function offeredPercentile(result: Pick<OpenLoopResult, 'latencies' | 'failed'>, p: number): number {
  const n = result.latencies.length + result.failed;
  if (n === 0) return Number.NaN;
  const rank = Math.min(n - 1, Math.ceil((p / 100) * n) - 1);
  return rank < result.latencies.length ? result.latencies[Math.max(0, rank)]! : Number.POSITIVE_INFINITY;
}

/** Pools the windows of one path, for a percentile over all of them. */
export function pooled(results: readonly OpenLoopResult[]): OpenLoopResult {
  const firstError = results.find((r) => r.firstError)?.firstError;
  return {
    ...(firstError ? { firstError } : {}),
    offered: results.reduce((n, r) => n + r.offered, 0),
    latencies: results.flatMap((r) => r.latencies).sort((a, b) => a - b),
    failed: results.reduce((n, r) => n + r.failed, 0),
    seconds: results.reduce((n, r) => n + r.seconds, 0),
  };
}
