import { afterEach, describe, expect, it } from 'vitest';
import { IssuedDocumentRegistry, type NewIssuedDocument } from '../../src/extracts/registry.ts';
import { MemoryStore } from '../../src/store/memory.ts';
import type { KeyValueStore } from '../../src/store/types.ts';
import { testRedisStore } from '../support/redis.ts';

const DOC: NewIssuedDocument = {
  id: 'LLTP-20261125-7K3M9Q2XDA',
  service: 'lltp',
  requestCode: 'LLTP-2026-000123',
  fileSha256: 'a'.repeat(64),
  contentSha256: 'b'.repeat(64),
  subject: { name: 'T. T. Hoà', idNumber: '001*******45' },
  issueDate: '2026-11-25',
  issuedAt: '2026-11-25T03:00:00.000Z',
  development: true,
};

const stores: { name: string; open: () => { store: KeyValueStore; cleanup: () => Promise<void> } }[] = [
  { name: 'memory', open: () => ({ store: new MemoryStore(), cleanup: async () => {} }) },
  { name: 'redis', open: () => testRedisStore() },
];

describe.each(stores)('the issued-document registry ($name)', ({ open }) => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await cleanup?.();
  });

  function registry(clock?: () => Date) {
    const opened = open();
    cleanup = opened.cleanup;
    return new IssuedDocumentRegistry(opened.store, clock);
  }

  it('records an issued document as valid and answers verifyPdf with its status and file hash', async () => {
    const r = registry();
    expect(await r.record(DOC)).toMatchObject({ status: 'valid' });
    expect(await r.get(DOC.id)).toEqual({ ...DOC, status: 'valid' });
    expect(await r.lookup(DOC.id)).toEqual({ status: 'valid', fileSha256: DOC.fileSha256 });
    expect(await r.lookup('LLTP-20261125-UNKNOWN000')).toBeUndefined();
    expect(await r.get('not an id')).toBeUndefined();
  });

  it('never overwrites a recorded document, so a retried job cannot undo a revocation', async () => {
    const r = registry();
    await r.record(DOC);
    await r.revoke(DOC.id, { reason: 'Cấp nhầm người', by: 'giamsat' });
    const again = await r.record({ ...DOC, fileSha256: 'c'.repeat(64) });
    expect(again).toMatchObject({ status: 'revoked', fileSha256: DOC.fileSha256 });
  });

  it('revokes once with the reason, time and supervisor, and refuses a second revocation', async () => {
    const r = registry(() => new Date('2026-11-26T02:00:00Z'));
    await r.record(DOC);
    const revoked = await r.revoke(DOC.id, { reason: '  Cấp nhầm   người ', by: 'giamsat' });
    expect(revoked).toMatchObject({
      status: 'revoked',
      reason: 'Cấp nhầm người',
      revokedAt: '2026-11-26T02:00:00.000Z',
      revokedBy: 'giamsat',
    });
    expect(await r.lookup(DOC.id)).toEqual({
      status: 'revoked',
      fileSha256: DOC.fileSha256,
      reason: 'Cấp nhầm người',
      revokedAt: '2026-11-26T02:00:00.000Z',
    });
    await expect(r.revoke(DOC.id, { reason: 'Lần hai', by: 'khac' })).rejects.toMatchObject({
      code: 'HOSO_ERR_DOCUMENT_ALREADY_REVOKED',
    });
    expect(await r.get(DOC.id)).toMatchObject({ reason: 'Cấp nhầm người', revokedBy: 'giamsat' });
  });

  it('lets only one of two simultaneous revocations through', async () => {
    const r = registry();
    await r.record(DOC);
    const outcomes = await Promise.allSettled([
      r.revoke(DOC.id, { reason: 'Lý do một', by: 'a' }),
      r.revoke(DOC.id, { reason: 'Lý do hai', by: 'b' }),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
  });

  it('refuses to revoke a document it does not know', async () => {
    await expect(registry().revoke(DOC.id, { reason: 'Cấp nhầm', by: 'a' })).rejects.toMatchObject({
      code: 'HOSO_ERR_DOCUMENT_NOT_FOUND',
    });
  });

  it('follows a file delivered again under the same id and keeps the status', async () => {
    const r = registry();
    await r.record(DOC);
    await r.replaceFile(DOC.id, { fileSha256: 'd'.repeat(64), contentSha256: 'e'.repeat(64) });
    expect(await r.get(DOC.id)).toMatchObject({
      status: 'valid',
      fileSha256: 'd'.repeat(64),
      contentSha256: 'e'.repeat(64),
      issuedAt: DOC.issuedAt,
    });
  });
});
