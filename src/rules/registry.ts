/**
 * The rule sets a running process decides with. It loads the version in force of every service from the
 * store, and when a publication is announced on pub/sub it compiles the new version and swaps it in one
 * assignment: a decision in progress finishes on the object it started with. A conversation that started
 * on a version keeps it through `at(service, version)`; versions never change once stored.
 */
import type { Logger } from '../log.ts';
import { type LoadedService, loadServiceSource } from './catalog.ts';
import { RulesError } from './errors.ts';
import type { RuleVersionStore } from './versions.ts';

export interface RuleRegistryOptions {
  versions: RuleVersionStore;
  log?: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Also re-read the versions in force this often, in case an announcement was missed (0: never). */
  pollMs?: number;
}

export type SwapListener = (service: LoadedService, previous: LoadedService | undefined) => void;

export class RuleRegistry {
  private readonly versions: RuleVersionStore;
  private readonly log: RuleRegistryOptions['log'];
  private readonly pollMs: number;
  private inForce = new Map<string, LoadedService>();
  private readonly pinned = new Map<string, Promise<LoadedService>>();
  private readonly pending = new Map<string, Promise<void>>();
  private readonly listeners: SwapListener[] = [];
  private unsubscribe: (() => Promise<void>) | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(options: RuleRegistryOptions) {
    this.versions = options.versions;
    this.log = options.log;
    this.pollMs = options.pollMs ?? 30_000;
  }

  async start(): Promise<void> {
    this.unsubscribe = await this.versions.onChange(({ service }) => void this.quietly(this.reload(service)));
    await this.refresh();
    if (this.pollMs > 0) {
      this.timer = setInterval(() => void this.quietly(this.refresh()), this.pollMs);
      this.timer.unref();
    }
  }

  /**
   * A background reload that fails (the database briefly away) keeps the rules in force and says so; the
   * next poll tries again. Unhandled, the rejection would end the process.
   */
  private async quietly(work: Promise<void>): Promise<void> {
    try {
      await work;
    } catch (err) {
      this.log?.warn(
        { err: (err as Error).message },
        'could not re-read the rules in force; keeping the current ones',
      );
    }
  }

  /** Re-reads the version in force of every service and swaps those that changed. */
  async refresh(): Promise<void> {
    await Promise.all((await this.versions.services()).map((s) => this.reload(s)));
  }

  /** The rule set in force now. */
  get(service: string): LoadedService {
    const s = this.inForce.get(service);
    if (!s) throw new RulesError('HOSO_ERR_RULES_UNKNOWN_SERVICE', `Unknown service "${service}"`);
    return s;
  }

  has(service: string): boolean {
    return this.inForce.has(service);
  }

  services(): LoadedService[] {
    return [...this.inForce.values()];
  }

  /** A given version, for a conversation that started on it (loaded once, then kept). */
  at(service: string, version: string): Promise<LoadedService> {
    const current = this.inForce.get(service);
    if (current?.ruleSet.version === version) return Promise.resolve(current);
    const key = `${service}@${version}`;
    let p = this.pinned.get(key);
    if (!p) {
      p = this.versions.get(service, version).then((doc) => {
        if (!doc)
          throw new RulesError('HOSO_ERR_RULES_UNKNOWN_VERSION', `No version ${version} of ${service}`);
        return loadServiceSource(doc.source);
      });
      p.catch(() => this.pinned.delete(key));
      this.pinned.set(key, p);
    }
    return p;
  }

  onSwap(listener: SwapListener): void {
    this.listeners.push(listener);
  }

  /** Loads the version in force of one service if it differs from ours; one reload per service at a time. */
  reload(service: string): Promise<void> {
    const previous = this.pending.get(service) ?? Promise.resolve();
    const next = previous.then(() => this.swapIfChanged(service));
    this.pending.set(service, next);
    return next;
  }

  private async swapIfChanged(service: string): Promise<void> {
    try {
      const version = await this.versions.current(service);
      const mine = this.inForce.get(service);
      if (!version || mine?.ruleSet.version === version) return;
      const doc = await this.versions.get(service, version);
      if (!doc) throw new Error(`version ${version} is in force but not stored`);
      const loaded = loadServiceSource(doc.source);
      if (loaded.ruleSet.hash !== doc.hash) throw new Error(`version ${version} does not match its hash`);
      const next = new Map(this.inForce);
      next.set(service, loaded);
      this.inForce = next;
      this.pinned.set(`${service}@${version}`, Promise.resolve(loaded));
      this.log?.info({ service, version, hash: doc.hash }, 'rule set in force');
      for (const l of this.listeners) l(loaded, mine);
    } catch (err) {
      // The version in force keeps serving; the publication gate makes this an operator problem, not a citizen's.
      this.log?.error({ service, err }, 'could not load the rule set in force; keeping the previous one');
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await Promise.all(this.pending.values());
    await this.unsubscribe?.();
  }
}
