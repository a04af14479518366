import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { TurnLogger } from '../dialogue/context.ts';
import { type Address, AddressSchema, type Job, type Outbound, text } from '../dialogue/message.ts';
import { formatDate, formatDateTime, type Lang, LangSchema, type Translator } from '../i18n.ts';
import type { JobHandler } from '../jobs/types.ts';
import type { KeyValueStore } from '../store/types.ts';
import type { DataSubject, PersonalDataRegistry, Retained } from './contributors.ts';

/**
 * "Delete my data" / withdrawing consent (Law 91/2025/QH15, Decree 356/2025/NĐ-CP; rules P1–P3): the request
 * is written down and acknowledged at once, then carried out by a job — retried until every contributor has
 * erased, and re-queued at start-up if the process stopped meanwhile — and the citizen is told when it is done,
 * with what had to be kept and why. The receipt is kept for the configured period as proof it was done.
 */

export const ERASURE_JOB = 'privacy.erase';

export interface ErasureSettings {
  /** The promised completion limit shown to the citizen (Decree 356/2025: 15 days; our target is minutes). */
  completeWithinMs: number;
  /** How long the receipt of a completed erasure is kept. */
  receiptRetentionMs: number;
}

const RetainedSchema = z.object({ what: z.string(), why: z.string(), until: z.string().nullable() });

const ErasureRecordSchema = z.object({
  requestId: z.string(),
  citizenKey: z.string().optional(),
  accounts: z.array(AddressSchema),
  requestedBy: AddressSchema,
  lang: LangSchema,
  requestedAt: z.string(),
  deadline: z.string(),
  status: z.enum(['pending', 'done']),
  completedAt: z.string().optional(),
  erased: z.array(z.string()).optional(),
  kept: z.array(RetainedSchema).optional(),
  notified: z.boolean().optional(),
});
export type ErasureRecord = z.infer<typeof ErasureRecordSchema>;

export interface ErasureDeps {
  kv: KeyValueStore;
  registry: PersonalDataRegistry;
  translator: Translator;
  /** Tells the citizen outside a turn (the Notifier). */
  notify: (address: Address, messages: Outbound[]) => Promise<void>;
  log: TurnLogger;
  settings: ErasureSettings;
  now?: () => Date;
}

const PENDING = 'privacy:erasures:pending';
const recordKey = (id: string) => `privacy:erasure:${id}`;

export class ErasureService {
  private readonly now: () => Date;

  constructor(private readonly deps: ErasureDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Writes the request down; the caller acknowledges it and queues the returned job in the same turn. */
  async request(
    subject: DataSubject,
    requestedBy: Address,
    lang: Lang,
    at: Date,
  ): Promise<{ record: ErasureRecord; job: Job }> {
    const requestId = `XD-${randomBytes(5).toString('hex').toUpperCase()}`;
    const deadline = new Date(at.getTime() + this.deps.settings.completeWithinMs);
    const record: ErasureRecord = {
      requestId,
      ...(subject.citizenKey ? { citizenKey: subject.citizenKey } : {}),
      accounts: subject.accounts,
      requestedBy,
      lang,
      requestedAt: at.toISOString(),
      deadline: deadline.toISOString(),
      status: 'pending',
    };
    await this.deps.kv.set(recordKey(requestId), JSON.stringify(record));
    await this.deps.kv.zadd(PENDING, deadline.getTime(), requestId);
    return { record, job: erasureJob(requestId) };
  }

  async get(requestId: string): Promise<ErasureRecord | undefined> {
    const raw = await this.deps.kv.get(recordKey(requestId));
    const parsed = raw ? ErasureRecordSchema.safeParse(JSON.parse(raw)) : undefined;
    return parsed?.success ? parsed.data : undefined;
  }

  /** The job: erase through every contributor (latest registered first), record the receipt, tell the citizen. */
  async run(requestId: string): Promise<void> {
    let record = await this.get(requestId);
    if (!record) {
      this.deps.log.warn({ requestId }, 'erasure request not found');
      return;
    }
    const t = this.deps.translator.t(record.lang);
    if (record.status === 'pending') {
      const now = this.now();
      const subject: DataSubject = {
        ...(record.citizenKey ? { citizenKey: record.citizenKey } : {}),
        accounts: record.accounts,
      };
      const erased: string[] = [];
      const kept: Retained[] = [];
      for (const contributor of this.deps.registry.erasureOrder()) {
        // A failure throws: the job is retried, and contributors that already erased find nothing left.
        const outcome = await contributor.erase(subject, { lang: record.lang, t, now, requestId });
        erased.push(...outcome.erased);
        kept.push(...outcome.kept);
      }
      const receiptUntil = new Date(now.getTime() + this.deps.settings.receiptRetentionMs);
      kept.push({
        what: t('privacy:kept.receipt.what', { ref: requestId }),
        why: t('privacy:kept.receipt.why'),
        until: receiptUntil.toISOString().slice(0, 10),
      });
      record = { ...record, status: 'done', completedAt: now.toISOString(), erased, kept };
      await this.save(record);
      await this.deps.kv.zrem(PENDING, requestId);
      this.deps.log.info(
        { requestId, contributors: this.deps.registry.erasureOrder().length, kept: kept.length },
        'erasure completed',
      );
    }
    if (!record.notified) {
      await this.deps.notify(record.requestedBy, [text(this.completionMessage(record))]);
      await this.save({ ...record, notified: true });
    }
  }

  /** Requests not yet done (the process stopped, or every retry failed): queue them again. */
  async pending(): Promise<string[]> {
    return this.deps.kv.zrangeByScore(PENDING, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
  }

  handler(): JobHandler {
    return async (data) => {
      const requestId = z.object({ requestId: z.string() }).parse(data).requestId;
      await this.run(requestId);
    };
  }

  completionMessage(record: ErasureRecord): string {
    const t = this.deps.translator.t(record.lang);
    const lines = [
      t('privacy:delete.done', {
        ref: record.requestId,
        at: formatDateTime(record.completedAt ?? this.now(), record.lang),
      }),
    ];
    if (record.erased?.length)
      lines.push(t('privacy:delete.erasedTitle'), ...record.erased.map((e) => `• ${e}`));
    lines.push(t('privacy:delete.keptTitle'));
    for (const k of record.kept ?? []) {
      lines.push(
        k.until
          ? t('privacy:delete.keptItemUntil', {
              what: k.what,
              why: k.why,
              until: formatDate(k.until, record.lang),
            })
          : t('privacy:delete.keptItem', { what: k.what, why: k.why }),
      );
    }
    lines.push(t('privacy:delete.chatAppNote'));
    return lines.join('\n');
  }

  private async save(record: ErasureRecord): Promise<void> {
    await this.deps.kv.set(recordKey(record.requestId), JSON.stringify(record), {
      ttlMs: this.deps.settings.receiptRetentionMs,
    });
  }
}

export function erasureJob(requestId: string): Job {
  return { name: ERASURE_JOB, data: { requestId }, key: `privacy-erase:${requestId}` };
}
