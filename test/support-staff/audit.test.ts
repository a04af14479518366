import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AuditLog, createAuditLog } from '../../src/support/audit.ts';
import { testRedisStore } from '../support/redis.ts';

describe('audit log', () => {
  let redis: ReturnType<typeof testRedisStore>;
  let audit: AuditLog;
  beforeEach(() => {
    redis = testRedisStore();
    audit = createAuditLog(redis.store);
  });
  afterEach(() => redis.cleanup());

  it('records who did what, to what and when, and lists the newest first', async () => {
    await audit.record({
      actor: 'lan',
      role: 'staff',
      action: 'claim',
      target: 'HT-2026-000001',
      at: new Date('2026-11-25T03:00:00Z'),
    });
    await audit.record({
      actor: 'lan',
      role: 'staff',
      action: 'reply',
      target: 'HT-2026-000001',
      at: new Date('2026-11-25T03:01:00Z'),
    });
    const { entries, total } = await audit.list();
    expect(total).toBe(2);
    expect(entries.map((e) => e.action)).toEqual(['reply', 'claim']);
    expect(entries[1]).toEqual({
      actor: 'lan',
      role: 'staff',
      action: 'claim',
      target: 'HT-2026-000001',
      at: '2026-11-25T03:00:00.000Z',
    });
  });

  it('takes a revoke from another module and filters by actor, action and target', async () => {
    await audit.record({ actor: 'lan', role: 'staff', action: 'reveal', target: 'HT-2026-000002' });
    await audit.record({
      actor: 'hoa',
      role: 'supervisor',
      action: 'revoke',
      target: 'doc-42',
      detail: 'issued in error',
    });
    await audit.record({ actor: 'hoa', role: 'supervisor', action: 'login', ip: '127.0.0.1' });
    expect((await audit.list({ action: 'revoke' })).entries.map((e) => e.target)).toEqual(['doc-42']);
    expect((await audit.list({ actor: 'hoa' })).total).toBe(2);
    expect((await audit.list({ target: 'HT-2026-000002' })).entries[0]?.actor).toBe('lan');
  });

  it('pages through many entries', async () => {
    for (let i = 0; i < 7; i++) await audit.record({ actor: 'lan', action: 'note', target: `t${i}` });
    const page = await audit.list({ offset: 2, limit: 3 });
    expect(page.total).toBe(7);
    expect(page.entries.map((e) => e.target)).toEqual(['t4', 't3', 't2']);
  });

  it('refuses an action it does not know', async () => {
    await expect(audit.record({ actor: 'lan', action: 'delete_everything' as never })).rejects.toThrow();
  });
});
