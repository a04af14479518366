import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { KeyValueStore } from '../store/types.ts';

/**
 * What became of a payment the gateway reported: `applied` paid the request; `refund` arrived for a request
 * that was not waiting for it (already paid, cancelled…), so the money is owed back; `amount_mismatch` and
 * `unknown_request` were refused and may still be corrected by a later notice with the same transaction id.
 */
export const PaymentOutcomeSchema = z.enum(['applied', 'refund', 'amount_mismatch', 'unknown_request']);
export type PaymentOutcome = z.infer<typeof PaymentOutcomeSchema>;

export const LedgerEntrySchema = z.object({
  transactionId: z.string(),
  requestCode: z.string(),
  /** Whole đồng. */
  amount: z.number().int(),
  currency: z.literal('VND'),
  /** When the bank says the transfer was made. */
  paidAt: z.string(),
  /** When Hoso received the notice. */
  receivedAt: z.string(),
  outcome: PaymentOutcomeSchema,
  /** The request's state when a refund was decided (why it was not applied). */
  requestState: z.string().optional(),
});
export type LedgerEntry = z.infer<typeof LedgerEntrySchema>;

/** Outcomes that are final: a notice carrying the same transaction id again is a redelivery, not a correction. */
const FINAL: readonly PaymentOutcome[] = ['applied', 'refund'];

const REFUNDS_KEY = 'pay:refunds';

function entryKey(transactionId: string): string {
  return `pay:ledger:${createHash('sha256').update(transactionId).digest('base64url')}`;
}

/**
 * Every payment the gateway reported, one entry per transaction id, kept in the records store (it must
 * survive a crash: it is money received). Overpayments are also listed in arrival order for supervisors, who
 * send them back.
 */
export class PaymentLedger {
  constructor(private readonly kv: KeyValueStore) {}

  async get(transactionId: string): Promise<LedgerEntry | undefined> {
    const raw = await this.kv.get(entryKey(transactionId));
    if (!raw) return undefined;
    const parsed = LedgerEntrySchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  }

  /**
   * Records a payment. A final entry for the same transaction id is kept as it is (the caller holds the
   * transaction's in-progress claim, so two deliveries of one notice do not race here); a refused one is
   * replaced by the newer notice. Returns the entry in force.
   */
  async record(entry: LedgerEntry): Promise<LedgerEntry> {
    const existing = await this.get(entry.transactionId);
    const key = entryKey(entry.transactionId);
    if (existing && FINAL.includes(existing.outcome)) {
      // Listing again is harmless and heals a crash between writing a refund and listing it.
      if (existing.outcome === 'refund')
        await this.kv.zadd(REFUNDS_KEY, Date.parse(existing.receivedAt), key);
      return existing;
    }
    await this.kv.set(key, JSON.stringify(LedgerEntrySchema.parse(entry)));
    // Listed after the entry is written: a crash in between leaves an entry that the redelivery lists.
    if (entry.outcome === 'refund') {
      await this.kv.zadd(REFUNDS_KEY, Date.parse(entry.receivedAt), key);
    }
    return entry;
  }

  /** Payments owed back, oldest first. */
  async refunds(limit = 500): Promise<LedgerEntry[]> {
    const keys = await this.kv.zrangeByScore(REFUNDS_KEY, 0, Number.MAX_SAFE_INTEGER, limit);
    const entries: LedgerEntry[] = [];
    for (const key of keys) {
      const raw = await this.kv.get(key);
      const parsed = raw ? LedgerEntrySchema.safeParse(JSON.parse(raw)) : undefined;
      if (parsed?.success) entries.push(parsed.data);
    }
    return entries;
  }
}
