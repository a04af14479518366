import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { IdentityLinks } from '../../src/identity/links.ts';
import { parseAssuranceLevel } from '../../src/identity/oidc.ts';
import { DataCipher, DecryptError, dataKeyFromBase64 } from '../../src/privacy/crypto.ts';
import { testRedisStore } from '../support/redis.ts';
import { BINH, HOA } from './helpers.ts';

const cipher = new DataCipher(dataKeyFromBase64(randomBytes(32).toString('base64')));
const telegram = { channel: 'telegram' as const, userId: '4242' };
const web = { channel: 'webchat' as const, userId: 'w-abcdef0123456789' };
const at = new Date('2026-11-25T03:00:00Z');

describe('identity links in the store', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });
  function links() {
    const { store, cleanup } = testRedisStore();
    cleanups.push(cleanup);
    return { store, links: new IdentityLinks(store, cipher, { retentionMs: 60_000 }) };
  }

  it('keys a citizen by the keyed hash of the ID and keeps the ID only encrypted, bound to its record', async () => {
    const { store, links: l } = links();
    const { citizenKey } = await l.link(telegram, HOA.id, { method: 'sms', level: 2, at });
    expect(citizenKey).toBe(cipher.keyedHash(HOA.id));
    expect(await l.citizenId(citizenKey)).toBe(HOA.id);
    const envelope = (await store.hget(`idlink:cit:${citizenKey}`, 'id'))!;
    expect(envelope).toMatch(/^hoso1\./);
    // Copied under another citizen's record, the envelope does not decrypt.
    expect(() => cipher.decryptString(envelope, `idlink:cit:${cipher.keyedHash(BINH.id)}`)).toThrow(
      DecryptError,
    );
    expect(await store.pttl(`idlink:acct:telegram:4242`)).toBeGreaterThan(0);
  });

  it('moves an account linked to someone else, and drops a citizen with no account left', async () => {
    const { store, links: l } = links();
    const hoa = await l.link(telegram, HOA.id, { method: 'sms', level: 2, at });
    await l.link(web, HOA.id, { method: 'oidc', level: 2, at });
    expect((await l.citizen(hoa.citizenKey))?.accounts.map((a) => a.address.channel)).toEqual([
      'telegram',
      'webchat',
    ]);
    const moved = await l.link(telegram, BINH.id, { method: 'sms', level: 1, at });
    expect(moved.moved).toBe(true);
    expect((await l.citizen(hoa.citizenKey))?.accounts.map((a) => a.address.channel)).toEqual(['webchat']);
    await l.unlink(web);
    expect(await store.keys(`idlink:cit:${hoa.citizenKey}`)).toEqual([]);
    expect(await l.forget(moved.citizenKey)).toEqual([telegram]);
    expect(await store.keys('idlink:')).toEqual([]);
  });

  it('forgets an account whose own key expired when listing the citizen', async () => {
    const { store, links: l } = links();
    const { citizenKey } = await l.link(telegram, HOA.id, { method: 'sms', level: 2, at });
    await l.link(web, HOA.id, { method: 'sms', level: 2, at });
    await store.del('idlink:acct:telegram:4242');
    expect((await l.citizen(citizenKey))?.accounts.map((a) => a.address)).toEqual([web]);
    expect(await store.hget(`idlink:cit:${citizenKey}`, 'acct:telegram:4242')).toBeNull();
  });

  it('records a fresh proof without changing when the account was linked', async () => {
    const { links: l } = links();
    await l.link(telegram, HOA.id, { method: 'sms', level: 2, at });
    await l.markVerified(telegram, new Date('2026-11-25T05:00:00Z'));
    expect(await l.accountLink(telegram)).toMatchObject({
      linkedAt: '2026-11-25T03:00:00.000Z',
      verifiedAt: '2026-11-25T05:00:00.000Z',
    });
  });
});

describe('assurance level claims', () => {
  it('reads numbers and strings ending in a level, capping at 2', () => {
    expect(parseAssuranceLevel(2)).toBe(2);
    expect(parseAssuranceLevel('1')).toBe(1);
    expect(parseAssuranceLevel('urn:vn:vneid:loa:2')).toBe(2);
    expect(parseAssuranceLevel('loa-3')).toBe(2);
    expect(parseAssuranceLevel('basic')).toBeUndefined();
    expect(parseAssuranceLevel(undefined)).toBeUndefined();
  });
});
