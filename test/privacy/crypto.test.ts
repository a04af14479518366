import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config.ts';
import {
  constantTimeEqual,
  DataCipher,
  DataKeyError,
  DEV_KEY_FILE,
  DecryptError,
  dataKeyFromBase64,
  loadOrCreateDataKey,
} from '../../src/privacy/crypto.ts';

const keyA = dataKeyFromBase64(randomBytes(32).toString('base64'));
const keyB = dataKeyFromBase64(randomBytes(32).toString('base64'));

describe('DataCipher', () => {
  it('round-trips a Vietnamese string and a buffer', () => {
    const cipher = new DataCipher(keyA);
    expect(cipher.decryptString(cipher.encrypt('Trần Thị Hoà — 001190012345'))).toBe(
      'Trần Thị Hoà — 001190012345',
    );
    const bytes = randomBytes(100);
    expect(cipher.decrypt(cipher.encrypt(bytes)).equals(bytes)).toBe(true);
  });

  it('writes a versioned envelope naming the key, with a fresh IV each time', () => {
    const cipher = new DataCipher(keyA);
    const a = cipher.encrypt('001190012345');
    const b = cipher.encrypt('001190012345');
    expect(a).not.toBe(b);
    expect(a.split('.')).toHaveLength(5);
    expect(a.startsWith(`hoso1.${keyA.id}.`)).toBe(true);
    expect(a).not.toContain('001190012345');
  });

  it('refuses a tampered value', () => {
    const cipher = new DataCipher(keyA);
    const parts = cipher.encrypt('001190012345').split('.');
    const data = Buffer.from(parts[4]!, 'base64url');
    data[0]! ^= 1;
    parts[4] = data.toString('base64url');
    expect(() => cipher.decrypt(parts.join('.'))).toThrow(DecryptError);
  });

  it('binds a value to its record through associated data', () => {
    const cipher = new DataCipher(keyA);
    const envelope = cipher.encrypt('001190012345', 'link:telegram:42');
    expect(cipher.decryptString(envelope, 'link:telegram:42')).toBe('001190012345');
    expect(() => cipher.decrypt(envelope, 'link:telegram:43')).toThrow(DecryptError);
  });

  it('decrypts values written under a previous key after rotation', () => {
    const old = new DataCipher(keyA).encrypt('001190012345');
    const rotated = new DataCipher(keyB, [keyA]);
    expect(rotated.decryptString(old)).toBe('001190012345');
    expect(rotated.encrypt('x').split('.')[1]).toBe(keyB.id);
    expect(() => new DataCipher(keyB).decrypt(old)).toThrow(/not configured/);
  });

  it('refuses something that is not an envelope', () => {
    expect(() => new DataCipher(keyA).decrypt('001190012345')).toThrow(DecryptError);
  });

  it('gives stable keyed hashes that differ per key and reveal nothing of the value', () => {
    const a = new DataCipher(keyA);
    expect(a.keyedHash('001190012345')).toBe(a.keyedHash('001190012345'));
    expect(a.keyedHash('001190012345')).not.toBe(a.keyedHash('001190012346'));
    expect(a.keyedHash('001190012345')).not.toBe(new DataCipher(keyB).keyedHash('001190012345'));
    expect(a.keyedHash('001190012345')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe('dataKeyFromBase64', () => {
  it('refuses a key that is not 32 bytes, naming the variable', () => {
    expect(() => dataKeyFromBase64(randomBytes(16).toString('base64'))).toThrow(/HOSO_DATA_KEY/);
    try {
      dataKeyFromBase64('not base64 at all!');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DataKeyError);
      expect((error as DataKeyError).reason).toBe('HOSO_ERR_DATA_KEY_INVALID');
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as DataKeyError).variable).toBe('HOSO_DATA_KEY');
    }
  });
});

describe('constantTimeEqual', () => {
  it('compares strings and buffers, including different lengths', () => {
    expect(constantTimeEqual('123456', '123456')).toBe(true);
    expect(constantTimeEqual('123456', '123457')).toBe(false);
    expect(constantTimeEqual('123456', '1234567')).toBe(false);
    expect(constantTimeEqual(Buffer.from('ab'), 'ab')).toBe(true);
  });
});

describe('loadOrCreateDataKey', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hoso-key-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses to start in production without a configured key, naming HOSO_DATA_KEY', async () => {
    await expect(loadOrCreateDataKey(dir, { production: true })).rejects.toMatchObject({
      name: 'DataKeyError',
      code: 'HOSO_ERR_CONFIG',
      reason: 'HOSO_ERR_DATA_KEY_MISSING',
      variable: 'HOSO_DATA_KEY',
    });
  });

  it('ignores a development key file in production', async () => {
    await loadOrCreateDataKey(dir, { production: false });
    await expect(loadOrCreateDataKey(dir, { production: true })).rejects.toThrow(/HOSO_DATA_KEY: not set/);
  });

  it('uses the configured key in production', async () => {
    const configured = randomBytes(32).toString('base64');
    const key = await loadOrCreateDataKey(dir, { production: true, configured });
    expect(key.dev).toBe(false);
    expect(key.id).toBe(dataKeyFromBase64(configured).id);
  });

  it('creates a development key on first run, marked as such and readable only by its owner', async () => {
    const key = await loadOrCreateDataKey(join(dir, 'nested'), { production: false });
    expect(key.dev).toBe(true);
    const file = join(dir, 'nested', DEV_KEY_FILE);
    const body = JSON.parse(await readFile(file, 'utf8'));
    expect(body.dev).toBe(true);
    expect(body.warning).toMatch(/DEVELOPMENT KEY/);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('reuses the development key after a restart, so earlier data stays readable', async () => {
    const first = new DataCipher(await loadOrCreateDataKey(dir, { production: false }));
    const stored = first.encrypt('001190012345');
    const second = new DataCipher(await loadOrCreateDataKey(dir, { production: false }));
    expect(second.decryptString(stored)).toBe('001190012345');
  });

  it('gives one key to processes that start at the same moment', async () => {
    const keys = await Promise.all(
      Array.from({ length: 8 }, () => loadOrCreateDataKey(dir, { production: false })),
    );
    expect(new Set(keys.map((k) => k.id)).size).toBe(1);
  });

  it('refuses a corrupted development key file instead of replacing it', async () => {
    await writeFile(join(dir, DEV_KEY_FILE), '{"hello":1}');
    await expect(loadOrCreateDataKey(dir, { production: false })).rejects.toMatchObject({
      reason: 'HOSO_ERR_DATA_KEY_INVALID',
    });
    await writeFile(join(dir, DEV_KEY_FILE), '{"key": "abc');
    await expect(loadOrCreateDataKey(dir, { production: false })).rejects.toMatchObject({
      reason: 'HOSO_ERR_DATA_KEY_INVALID',
    });
  });
});
