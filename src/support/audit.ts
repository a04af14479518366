import { z } from 'zod';
import type { KeyValueStore } from '../store/types.ts';

/** Every action a staff member (or a module acting for one) can take that an auditor may ask about. */
export const AuditActionSchema = z.enum([
  'login',
  'login_failed',
  'logout',
  'claim',
  'reveal',
  'reply',
  'note',
  'close',
  'hand_back',
  'canned_edit',
  'revoke',
  /** A supervisor sent a request whose job had failed every attempt (a dead letter) again. */
  'retry',
]);
export type AuditAction = z.infer<typeof AuditActionSchema>;

export const AuditEntrySchema = z.object({
  at: z.string(),
  /** Who did it: a staff username (or a system name for automated actions). */
  actor: z.string().min(1).max(64),
  role: z.enum(['staff', 'supervisor', 'system']).optional(),
  action: AuditActionSchema,
  /** What it was done to: a ticket id, a canned reply id, an issued document's id… */
  target: z.string().max(128).optional(),
  /** A short, non-personal description (a resolution code, a reason); never a citizen's message. */
  detail: z.string().max(500).optional(),
  /** The client address for logins. */
  ip: z.string().max(64).optional(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;
export type AuditInput = Omit<AuditEntry, 'at'> & { at?: Date };

export interface AuditQuery {
  actor?: string;
  action?: AuditAction;
  target?: string;
  /** Newest first: skip this many matching entries. */
  offset?: number;
  limit?: number;
}

export interface AuditLog {
  /** Appends one entry. The extracts module calls it for `revoke`. */
  record(entry: AuditInput): Promise<AuditEntry>;
  /** Matching entries, newest first, and how many match in all. */
  list(query?: AuditQuery): Promise<{ entries: AuditEntry[]; total: number }>;
}

const KEY = 'audit:entries';

/** An append-only list on the shared store: entries are never edited or expired by Hoso itself. */
export function createAuditLog(kv: KeyValueStore, clock: () => Date = () => new Date()): AuditLog {
  return {
    async record(input) {
      const { at, ...rest } = input;
      const entry = AuditEntrySchema.parse({ ...rest, at: (at ?? clock()).toISOString() });
      await kv.rpush(KEY, JSON.stringify(entry));
      return entry;
    },
    async list(query = {}) {
      const raw = await kv.lrange(KEY, 0, -1);
      const matching: AuditEntry[] = [];
      for (let i = raw.length - 1; i >= 0; i--) {
        const parsed = AuditEntrySchema.safeParse(JSON.parse(raw[i]!));
        if (!parsed.success) continue;
        const e = parsed.data;
        if (query.actor && e.actor !== query.actor) continue;
        if (query.action && e.action !== query.action) continue;
        if (query.target && e.target !== query.target) continue;
        matching.push(e);
      }
      const offset = query.offset ?? 0;
      const limit = query.limit ?? 100;
      return { entries: matching.slice(offset, offset + limit), total: matching.length };
    },
  };
}
