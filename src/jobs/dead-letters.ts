import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { scrubPersonalData } from '../privacy/mask.ts';
import type { KeyValueStore } from '../store/types.ts';

export const DeadLetterSchema = z.object({
  id: z.string(),
  name: z.string(),
  key: z.string().optional(),
  data: z.record(z.string(), z.unknown()),
  attempts: z.number().int().nonnegative(),
  error: z.object({ message: z.string(), code: z.string().optional() }),
  at: z.string(),
});
export type DeadLetter = z.infer<typeof DeadLetterSchema>;

/**
 * Jobs that failed their last attempt, kept in the store for staff to see (and to retry by hand): a
 * request that could not be submitted must never disappear silently.
 */
export interface DeadLetterList {
  add(entry: Omit<DeadLetter, 'id' | 'at'> & { at?: string }): Promise<DeadLetter>;
  /** Newest first. */
  list(limit?: number): Promise<DeadLetter[]>;
  remove(id: string): Promise<boolean>;
}

const KEY = 'jobs:dead';
/** Bounded so a failing dependency cannot grow it without end; staff see the newest. */
const KEEP = 10_000;

export function createDeadLetterList(kv: KeyValueStore): DeadLetterList {
  return {
    async add(entry) {
      const letter = DeadLetterSchema.parse({
        ...entry,
        // An error may quote what an agency or a citizen sent (an ID number, a phone): staff see this text.
        // The job's data is kept as it is: a retry needs it, and it holds codes and sealed values only.
        error: { ...entry.error, message: scrubPersonalData(entry.error.message) },
        id: randomBytes(9).toString('base64url'),
        at: entry.at ?? new Date().toISOString(),
      });
      await kv.rpush(KEY, JSON.stringify(letter));
      await kv.ltrim(KEY, -KEEP, -1);
      return letter;
    },
    async list(limit = 100) {
      const raw = await kv.lrange(KEY, -limit, -1);
      return raw.map((r) => DeadLetterSchema.parse(JSON.parse(r))).reverse();
    },
    async remove(id) {
      const raw = await kv.lrange(KEY, 0, -1);
      const found = raw.find((r) => (JSON.parse(r) as DeadLetter).id === id);
      return found ? (await kv.lrem(KEY, found)) > 0 : false;
    },
  };
}

/** The error's stable code, when it carries one (HOSO_ERR_…). */
export function errorCode(error: Error): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}
