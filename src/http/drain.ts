import type { FastifyInstance } from 'fastify';

/** Counts work in progress (HTTP requests, turns from polling channels) so a shutdown can wait for it. */
export class InFlight {
  private count = 0;
  private waiters: (() => void)[] = [];

  get size(): number {
    return this.count;
  }

  enter(): void {
    this.count++;
  }

  leave(): void {
    this.count = Math.max(0, this.count - 1);
    if (this.count === 0) for (const wake of this.waiters.splice(0)) wake();
  }

  async track<T>(work: () => Promise<T>): Promise<T> {
    this.enter();
    try {
      return await work();
    } finally {
      this.leave();
    }
  }

  /** Resolves true once nothing is in flight, or false when `ms` pass first. */
  idle(ms: number): Promise<boolean> {
    if (this.count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== wake);
        resolve(false);
      }, ms);
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.waiters.push(wake);
    });
  }
}

/**
 * A graceful stop: the server refuses new requests (503, `connection: close`) and readiness says stopping, the
 * requests and turns already begun finish within `graceMs`, then event streams end and the server closes.
 * Returns whether everything finished in time.
 */
export async function drainAndClose(
  http: FastifyInstance,
  inFlight: InFlight,
  graceMs: number,
): Promise<boolean> {
  const drained = await inFlight.idle(graceMs);
  if (!drained)
    http.log.warn({ inFlight: inFlight.size }, 'shutdown grace elapsed: closing with work in flight');
  await http.close();
  return drained;
}
