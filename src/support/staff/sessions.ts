import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { KeyValueStore } from '../../store/types.ts';
import { StaffRoleSchema } from './accounts.ts';

export const StaffSessionSchema = z.object({
  username: z.string(),
  role: StaffRoleSchema,
  /** Sent back in the X-CSRF-Token header of every state-changing request. */
  csrf: z.string(),
  createdAt: z.string(),
});
export type StaffSession = z.infer<typeof StaffSessionSchema>;

export interface StaffSessions {
  create(input: { username: string; role: StaffSession['role']; now: Date }): Promise<{
    token: string;
    session: StaffSession;
  }>;
  /** The session behind a cookie token, its idle time-to-live renewed; undefined when unknown or expired. */
  get(token: string): Promise<StaffSession | undefined>;
  destroy(token: string): Promise<void>;
}

/** The store keeps only a hash of the cookie token: a leaked dump of Redis opens no session. */
const keyOf = (token: string) =>
  `support:staff:session:${createHash('sha256').update(token).digest('base64url')}`;

export function createStaffSessions(kv: KeyValueStore, options: { ttlMs: number }): StaffSessions {
  return {
    async create({ username, role, now }) {
      const token = randomBytes(32).toString('base64url');
      const session: StaffSession = {
        username,
        role,
        csrf: randomBytes(32).toString('base64url'),
        createdAt: now.toISOString(),
      };
      await kv.set(keyOf(token), JSON.stringify(session), { ttlMs: options.ttlMs });
      return { token, session };
    },
    async get(token) {
      if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
      const raw = await kv.get(keyOf(token));
      if (!raw) return undefined;
      const parsed = StaffSessionSchema.safeParse(JSON.parse(raw));
      if (!parsed.success) return undefined;
      await kv.expire(keyOf(token), options.ttlMs);
      return parsed.data;
    },
    async destroy(token) {
      await kv.del(keyOf(token));
    },
  };
}

/** Constant-time check of the CSRF header against the session's token. */
export function csrfMatches(session: StaffSession, header: string | undefined): boolean {
  if (!header) return false;
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(header);
  return a.length === b.length && timingSafeEqual(a, b);
}
