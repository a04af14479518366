/**
 * Rule-set versions kept in the store. A version is immutable content (the service's files) plus what was
 * learnt about it: lint findings, scenario results, the impact report kept at publication, who did what.
 *
 * Keys (the store adds the deployment prefix):
 *   rules:services                 set of service ids
 *   rules:{service}:history        list of version ids, oldest first
 *   rules:{service}:v:{version}    the version document (JSON)
 *   rules:{service}:current        the version in force
 *   rules:{service}:lock           short lock around publish and roll back
 *   rules:{service}:scheduled      the publication set for a date and time (JSON), if any
 *   rules:audit                    list of audit entries (JSON), oldest first
 * Channel rules:changed announces a new version in force: {"service","version","hash"}.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { KeyValueStore } from '../store/types.ts';

export const RULES_CHANGED_CHANNEL = 'rules:changed';
export const VERSION_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const FindingSchema = z.object({
  severity: z.enum(['error', 'warning']),
  file: z.string(),
  rule: z.string().nullable(),
  path: z.string(),
  code: z.string(),
  message: z.string(),
});

export const ActorSchema = z.object({ name: z.string(), role: z.string() });
export type Actor = z.infer<typeof ActorSchema>;

export const VersionDocSchema = z.object({
  service: z.string(),
  version: z.string(),
  hash: z.string(),
  /** draft: uploaded, never in force; published: has been in force. */
  status: z.enum(['draft', 'published']),
  source: z.object({ id: z.string(), files: z.array(z.object({ path: z.string(), content: z.unknown() })) }),
  createdAt: z.string(),
  createdBy: ActorSchema,
  findings: z.array(FindingSchema),
  tests: z
    .object({
      passed: z.int(),
      failed: z.int(),
      failures: z.array(z.object({ id: z.string(), failures: z.array(z.string()) })),
    })
    .optional(),
  /** The impact report against the version that was in force when this one was published. */
  impact: z.unknown().optional(),
  publishedAt: z.string().optional(),
  publishedBy: ActorSchema.optional(),
  /** Four eyes: a drafter proposes a draft; a different approver publishes it. */
  proposedAt: z.string().optional(),
  proposedBy: ActorSchema.optional(),
});
export type VersionDoc = z.infer<typeof VersionDocSchema>;

export const AuditEntrySchema = z.object({
  at: z.string(),
  actor: ActorSchema,
  action: z.enum([
    'seed',
    'seed_refused',
    'upload',
    'lint',
    'test',
    'impact',
    'publish',
    'publish_refused',
    'rollback',
    'waiver',
    'propose',
    'schedule',
    'schedule_cancelled',
  ]),
  service: z.string(),
  version: z.string().optional(),
  hash: z.string().optional(),
  /** What was in force before a publish or roll back. */
  previous: z.object({ version: z.string(), hash: z.string() }).optional(),
  outcome: z.enum(['ok', 'refused']),
  detail: z.string().optional(),
  /** What changed against the version in force, in words (see diff-words.ts). */
  diff: z.array(z.string()).optional(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

/** A publication an approver set for a date and time; every process carries it out once it is due. */
export const ScheduleSchema = z.object({
  version: z.string(),
  at: z.string(),
  by: ActorSchema,
  waive: z.array(z.string()).default([]),
});
export type Schedule = z.infer<typeof ScheduleSchema>;

const key = {
  services: 'rules:services',
  history: (s: string) => `rules:${s}:history`,
  version: (s: string, v: string) => `rules:${s}:v:${v}`,
  current: (s: string) => `rules:${s}:current`,
  lock: (s: string) => `rules:${s}:lock`,
  scheduled: (s: string) => `rules:${s}:scheduled`,
  audit: 'rules:audit',
};

export class RuleVersionStore {
  private readonly store: KeyValueStore;

  constructor(store: KeyValueStore) {
    this.store = store;
  }

  services(): Promise<string[]> {
    return this.store.smembers(key.services).then((s) => s.sort());
  }

  current(service: string): Promise<string | null> {
    return this.store.get(key.current(service));
  }

  async get(service: string, version: string): Promise<VersionDoc | null> {
    const raw = await this.store.get(key.version(service, version));
    return raw ? VersionDocSchema.parse(JSON.parse(raw)) : null;
  }

  /** Stores a new version; false when that version id already exists for the service. */
  async create(doc: VersionDoc): Promise<boolean> {
    const created = await this.store.set(key.version(doc.service, doc.version), JSON.stringify(doc), {
      nx: true,
    });
    if (!created) return false;
    await this.store.sadd(key.services, doc.service);
    await this.store.rpush(key.history(doc.service), doc.version);
    return true;
  }

  /** Records what was learnt about a version (findings, tests, impact, publication); content never changes. */
  async update(doc: VersionDoc): Promise<void> {
    await this.store.set(key.version(doc.service, doc.version), JSON.stringify(doc));
  }

  /** Sets the version in force; with `onlyIfUnset`, only when no version is in force yet (seeding). */
  setCurrent(service: string, version: string, options: { onlyIfUnset?: boolean } = {}): Promise<boolean> {
    return this.store.set(key.current(service), version, options.onlyIfUnset ? { nx: true } : {});
  }

  async history(service: string): Promise<VersionDoc[]> {
    const ids = await this.store.lrange(key.history(service), 0, -1);
    const docs = await Promise.all(ids.map((v) => this.get(service, v)));
    return docs.filter((d): d is VersionDoc => d !== null);
  }

  announce(service: string, version: string, hash: string): Promise<void> {
    return this.store.publish(RULES_CHANGED_CHANNEL, JSON.stringify({ service, version, hash }));
  }

  onChange(
    listener: (change: { service: string; version: string; hash: string }) => void,
  ): Promise<() => Promise<void>> {
    return this.store.subscribe(RULES_CHANGED_CHANNEL, (message) => {
      const parsed = z
        .object({ service: z.string(), version: z.string(), hash: z.string() })
        .safeParse(JSON.parse(message));
      if (parsed.success) listener(parsed.data);
    });
  }

  async audit(entry: AuditEntry): Promise<void> {
    await this.store.rpush(key.audit, JSON.stringify(AuditEntrySchema.parse(entry)));
  }

  async auditLog(filter: { service?: string; limit?: number } = {}): Promise<AuditEntry[]> {
    const all = (await this.store.lrange(key.audit, 0, -1)).map((x) => AuditEntrySchema.parse(JSON.parse(x)));
    const mine = filter.service ? all.filter((e) => e.service === filter.service) : all;
    return filter.limit ? mine.slice(-filter.limit) : mine;
  }

  async schedule(service: string): Promise<Schedule | null> {
    const raw = await this.store.get(key.scheduled(service));
    return raw ? ScheduleSchema.parse(JSON.parse(raw)) : null;
  }

  async setSchedule(service: string, schedule: Schedule | null): Promise<void> {
    if (schedule)
      await this.store.set(key.scheduled(service), JSON.stringify(ScheduleSchema.parse(schedule)));
    else await this.store.del(key.scheduled(service));
  }

  /** Runs `fn` holding the service's lock, so two publications never interleave; null when it is busy. */
  async withLock<T>(service: string, fn: () => Promise<T>): Promise<T | null> {
    const token = randomUUID();
    if (!(await this.store.set(key.lock(service), token, { nx: true, ttlMs: 60_000 }))) return null;
    try {
      return await fn();
    } finally {
      await this.store.delIfEquals(key.lock(service), token);
    }
  }
}
