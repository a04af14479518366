import { z } from 'zod';
import type { Address } from '../dialogue/message.ts';
import type { KeyValueStore } from '../store/types.ts';

export const ConsentEntrySchema = z.object({
  decision: z.enum(['accepted', 'declined', 'withdrawn']),
  version: z.string(),
  at: z.string(),
  lang: z.enum(['vi', 'en']),
  /** Hash of the exact notice text shown, so the record proves what was agreed to. */
  textSha256: z.string().optional(),
  purpose: z.string().optional(),
});
export type ConsentEntry = z.infer<typeof ConsentEntrySchema>;

export interface ConsentLog {
  record(address: Address, entry: ConsentEntry): Promise<void>;
  list(address: Address): Promise<ConsentEntry[]>;
  erase(address: Address): Promise<void>;
}

/** Consent decisions, kept apart from the session so they outlive it (a printable, dated record). */
export function createConsentLog(kv: KeyValueStore): ConsentLog {
  const key = (a: Address) => `consent:${a.channel}:${a.userId}`;
  return {
    async record(address, entry) {
      await kv.rpush(key(address), JSON.stringify(ConsentEntrySchema.parse(entry)));
    },
    async list(address) {
      const raw = await kv.lrange(key(address), 0, -1);
      return raw.map((r) => ConsentEntrySchema.parse(JSON.parse(r)));
    },
    async erase(address) {
      await kv.del(key(address));
    },
  };
}
