import { describe, expect, it } from 'vitest';
import { MemoryTtlStore } from '../../src/identity/ttl-store.ts';
import { describeTtlStore } from './ttl-store.contract.ts';

describeTtlStore('MemoryTtlStore', () => new MemoryTtlStore());

describe('MemoryTtlStore with a test clock', () => {
  it('expires entries when the injected clock passes their TTL', async () => {
    let now = 0;
    const store = new MemoryTtlStore(() => now);
    await store.set('k', 'v', { ttlMs: 1_000 });
    now = 999;
    expect(await store.get('k')).toBe('v');
    now = 1_000;
    expect(await store.get('k')).toBeNull();
    expect(store.keys()).toEqual([]);
  });
});
