import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { codePrefixFor, nextRequestCode, normaliseRequestCode } from '../../src/requests/code.ts';
import { IllegalTransitionError, RequestError } from '../../src/requests/errors.ts';
import { type RecordSealer, RequestRepository } from '../../src/requests/repository.ts';
import type { RequestChange } from '../../src/requests/schema.ts';
import { MemoryStore } from '../../src/store/memory.ts';
import type { KeyValueStore } from '../../src/store/types.ts';
import { testRedisStore } from '../support/redis.ts';
import { lltpRequest, until } from './support.ts';

describe('request codes', () => {
  it('numbers requests per service and per year in Vietnam time', async () => {
    const kv = new MemoryStore();
    const newYearsEve = new Date('2026-12-31T17:30:00Z'); // already 1 January 2027 in Hà Nội
    expect(await nextRequestCode(kv, 'lltp', new Date('2026-11-25T03:00:00Z'))).toBe('LLTP-2026-000001');
    expect(await nextRequestCode(kv, 'lltp', new Date('2026-11-25T03:00:00Z'))).toBe('LLTP-2026-000002');
    expect(await nextRequestCode(kv, 'health_record', new Date('2026-11-25T03:00:00Z'))).toBe(
      'SKDT-2026-000001',
    );
    expect(await nextRequestCode(kv, 'lltp', newYearsEve)).toBe('LLTP-2027-000001');
  });

  it('gives a service the catalog adds later a prefix of its own', () => {
    expect(codePrefixFor('birth_certificate')).toBe('BIRTHCER');
    expect(codePrefixFor('x')).toBe('HS');
  });

  it('reads a code typed loosely', () => {
    expect(normaliseRequestCode(' lltp 2026 123 ')).toBe('LLTP-2026-000123');
    expect(normaliseRequestCode('SKDT-2026-000045')).toBe('SKDT-2026-000045');
    expect(normaliseRequestCode('hello')).toBeUndefined();
  });
});

for (const kind of ['memory', 'redis'] as const) {
  describe(`the request repository on ${kind}`, () => {
    let kv: KeyValueStore;
    let cleanup: () => Promise<void>;
    let repo: RequestRepository;

    beforeEach(() => {
      if (kind === 'memory') {
        kv = new MemoryStore();
        cleanup = async () => {};
      } else {
        const r = testRedisStore();
        kv = r.store;
        cleanup = r.cleanup;
      }
      repo = new RequestRepository(kv);
    });
    afterEach(async () => cleanup());

    it('gives back the request a draft already made when the same draft is filed again', async () => {
      // A turn run a second time after a crash (its session not yet saved) files the same draft again.
      const first = await repo.create(lltpRequest({ filingKey: 'draft-key-0001' }));
      const again = await repo.create(lltpRequest({ filingKey: 'draft-key-0001' }));
      const other = await repo.create(lltpRequest({ filingKey: 'draft-key-0002' }));
      expect(again.code).toBe(first.code);
      expect(other.code).not.toBe(first.code);
      expect((await repo.listForCitizen(first.citizenKey)).map((r) => r.code).sort()).toEqual(
        [first.code, other.code].sort(),
      );
    });

    it('creates a draft with its code, the facts, the decision and the pinned rule set', async () => {
      const record = await repo.create(lltpRequest());
      expect(record.code).toMatch(/^LLTP-\d{4}-000001$/);
      expect(record).toMatchObject({
        state: 'draft',
        ruleSetVersion: '2026.11.2',
        decision: {
          ruleSet: { hash: 'sha256:abc123' },
          fee: { total: 200000 },
          authority: 'Công an thành phố Hà Nội',
        },
        facts: { request: { form: 1 } },
      });
      // The whole decision is kept, fields the repository does not read included.
      expect(record.decision.processing).toEqual({ days: 5, unit: 'working' });
      expect(record.history).toEqual([{ from: null, to: 'draft', at: record.createdAt, by: 'citizen' }]);
      expect(await repo.get(record.code)).toEqual(record);
    });

    it('moves through the lifecycle and stamps each state', async () => {
      const { code } = await repo.create(lltpRequest());
      await repo.transition(code, 'awaiting_payment');
      await repo.transition(code, 'paid', { by: 'payment' });
      await repo.transition(code, 'submitted', {
        by: 'jobs',
        patch: () => ({ agency: { ref: 'AG-1', submittedAt: new Date().toISOString() } }),
      });
      await repo.transition(code, 'processing');
      const issued = await repo.transition(code, 'issued');
      expect(issued.history.map((h) => h.to)).toEqual([
        'draft',
        'awaiting_payment',
        'paid',
        'submitted',
        'processing',
        'issued',
      ]);
      expect(Object.keys(issued.stateAt)).toEqual([
        'draft',
        'awaiting_payment',
        'paid',
        'submitted',
        'processing',
        'issued',
      ]);
      expect(issued.agency?.ref).toBe('AG-1');
    });

    it('refuses a transition the lifecycle forbids, with a typed error, and changes nothing', async () => {
      const { code } = await repo.create(lltpRequest());
      const attempt = repo.transition(code, 'issued');
      await expect(attempt).rejects.toBeInstanceOf(IllegalTransitionError);
      await expect(attempt).rejects.toMatchObject({
        code: 'HOSO_ERR_REQUEST_ILLEGAL_TRANSITION',
        from: 'draft',
        to: 'issued',
      });
      expect((await repo.require(code)).state).toBe('draft');
    });

    it('says a request does not exist with a coded error', async () => {
      await expect(repo.require('LLTP-2026-999999')).rejects.toMatchObject({
        code: 'HOSO_ERR_REQUEST_NOT_FOUND',
      });
    });

    it('lists a citizen’s requests newest first, and no one else’s', async () => {
      const first = await repo.create(lltpRequest());
      await new Promise((r) => setTimeout(r, 5));
      const second = await repo.create(lltpRequest());
      await repo.create(lltpRequest({ citizenKey: 'ck_someone_else_1' }));
      expect((await repo.listForCitizen('ck_hoa_Zx8fK2pQ')).map((r) => r.code)).toEqual([
        second.code,
        first.code,
      ]);
    });

    it('announces every change on pub/sub, without personal data', async () => {
      const changes: RequestChange[] = [];
      const stop = await repo.subscribe((c) => changes.push(c));
      const { code } = await repo.create(lltpRequest());
      await repo.transition(code, 'awaiting_payment');
      await until(() => changes.length === 2);
      await stop();
      expect(changes.map((c) => [c.code, c.from, c.to])).toEqual([
        [code, null, 'draft'],
        [code, 'draft', 'awaiting_payment'],
      ]);
      expect(JSON.stringify(changes)).not.toContain('001190012345');
    });

    it('lets two concurrent changes of one request both land', async () => {
      const { code } = await repo.create(lltpRequest());
      await Promise.all([
        repo.update(code, () => ({ facts: { a: 1 } })),
        repo.transition(code, 'awaiting_payment'),
      ]);
      const record = await repo.require(code);
      expect(record.state).toBe('awaiting_payment');
      expect(record.history).toHaveLength(2);
    });

    it('refuses a raw citizen ID where the opaque citizen key belongs', async () => {
      await expect(repo.create(lltpRequest({ citizenKey: '001190012345' }))).rejects.toBeInstanceOf(
        RequestError,
      );
    });

    it('keeps records sealed at rest with the injected sealer, and erases a citizen’s requests', async () => {
      const sealer: RecordSealer = {
        seal: (p, ctx) => Buffer.from(`${ctx}|${p}`).toString('base64'),
        open: (s, ctx) => {
          const text = Buffer.from(s, 'base64').toString();
          if (!text.startsWith(`${ctx}|`)) throw new Error('wrong context');
          return text.slice(ctx.length + 1);
        },
      };
      const sealed = new RequestRepository(kv, { sealer });
      const { code } = await sealed.create(lltpRequest());
      expect(await kv.get(`req:${code}`)).not.toContain('001190012345');
      expect((await sealed.require(code)).subject.citizenId).toBe('001190012345');
      expect(await sealed.eraseCitizen('ck_hoa_Zx8fK2pQ')).toEqual([code]);
      expect(await sealed.get(code)).toBeUndefined();
    });
  });
}
