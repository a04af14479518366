import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { KeyValueStore } from '../../store/types.ts';

export const CannedIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lower-case letters, digits and -');

export const CannedReplySchema = z.object({
  id: CannedIdSchema,
  title: z.string().trim().min(1).max(80),
  text: z.string().trim().min(1).max(2000),
  updatedAt: z.string().optional(),
  updatedBy: z.string().optional(),
});
export type CannedReply = z.infer<typeof CannedReplySchema>;

/** The starting set, in Vietnamese; supervisors edit them from the console. */
const DEFAULTS_FILE = new URL('../data/canned-replies-vi.json', import.meta.url);

export interface CannedReplies {
  list(): Promise<CannedReply[]>;
  save(reply: CannedReply): Promise<CannedReply>;
  remove(id: string): Promise<boolean>;
}

export function createCannedReplies(kv: KeyValueStore): CannedReplies {
  const KEY = 'support:canned';
  async function seed(): Promise<void> {
    // Seeded once per deployment: a supervisor who deletes a default does not see it come back.
    if (!(await kv.set('support:canned:seeded', '1', { nx: true }))) return;
    const defaults = z.array(CannedReplySchema).parse(JSON.parse(readFileSync(DEFAULTS_FILE, 'utf8')));
    await kv.hset(KEY, Object.fromEntries(defaults.map((d) => [d.id, JSON.stringify(d)])));
  }
  return {
    async list() {
      await seed();
      const all = await kv.hgetall(KEY);
      return Object.values(all)
        .map((raw) => CannedReplySchema.safeParse(JSON.parse(raw)))
        .filter((p) => p.success)
        .map((p) => p.data)
        .sort((a, b) => a.title.localeCompare(b.title, 'vi'));
    },
    async save(reply) {
      await seed();
      const checked = CannedReplySchema.parse(reply);
      await kv.hset(KEY, { [checked.id]: JSON.stringify(checked) });
      return checked;
    },
    async remove(id) {
      await seed();
      return (await kv.hdel(KEY, id)) > 0;
    },
  };
}
