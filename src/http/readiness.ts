/** What one check found: whether it holds, and details an operator reads (kind of store, services loaded). */
export interface CheckResult {
  ok: boolean;
  [detail: string]: unknown;
}

export type ReadinessCheck = () => Promise<boolean | CheckResult>;

export interface ReadinessReport {
  status: 'ready' | 'unavailable' | 'stopping';
  checks: Record<string, CheckResult>;
}

/**
 * What a turn needs, checked for /readyz: each module adds its own check (store, records, queue, rules), so a
 * load balancer stops sending traffic as soon as any of them fails, or as soon as a shutdown begins.
 */
export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();
  private stoppingNow = false;

  /** A check that hangs counts as failed after this long: a probe must answer before the balancer gives up. */
  constructor(private readonly timeoutMs = 2000) {}

  add(name: string, check: ReadinessCheck): void {
    if (this.checks.has(name)) throw new Error(`readiness check "${name}" is already registered`);
    this.checks.set(name, check);
  }

  names(): string[] {
    return [...this.checks.keys()];
  }

  /** From now on the process reports not ready, so that new traffic goes elsewhere while it drains. */
  beginShutdown(): void {
    this.stoppingNow = true;
  }

  get stopping(): boolean {
    return this.stoppingNow;
  }

  async report(): Promise<ReadinessReport> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => [name, await this.run(check)] as const),
    );
    const checks = Object.fromEntries(entries);
    const ok = entries.every(([, result]) => result.ok);
    return { status: this.stoppingNow ? 'stopping' : ok ? 'ready' : 'unavailable', checks };
  }

  private async run(check: ReadinessCheck): Promise<CheckResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<CheckResult>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, error: 'timeout' }), this.timeoutMs);
    });
    try {
      const result = await Promise.race([
        check().then((r) => (typeof r === 'boolean' ? { ok: r } : r)),
        timeout,
      ]);
      return result;
    } catch (err) {
      // The reason without a stack: /readyz is read by balancers and operators, not developers.
      return { ok: false, error: (err as Error).message };
    } finally {
      clearTimeout(timer);
    }
  }
}
