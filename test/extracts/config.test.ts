import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { DEV_P12_PASSPHRASE, devKeyPaths } from '../../src/extracts/signing/dev-keys.ts';
import { keySettingsFromConfig } from '../../src/extracts/signing/load.ts';
import { createLogger } from '../../src/log.ts';
import { createApp } from '../../src/main.ts';
import { productionEnv } from '../support/production-env.ts';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

const silent = createLogger({ level: 'silent' });

describe('signing configuration', () => {
  it('reads the keys, the trust anchors and the link secret from the configuration', () => {
    const cfg = loadConfig({
      DATA_DIR: '/srv/hoso',
      SIGNING_P12_PATH: '/etc/hoso/agency.p12',
      SIGNING_P12_PASSPHRASE: 'bí mật',
      SIGNING_TRUST_ANCHORS: '/etc/hoso/root.pem, /etc/hoso/sub.pem',
      VERIFY_LINK_SECRET: 'a-link-secret-of-at-least-32-characters',
    });
    expect(keySettingsFromConfig(cfg)).toEqual({
      keysDir: '/srv/hoso/keys',
      pkcs12: { path: '/etc/hoso/agency.p12', passphrase: 'bí mật' },
      trustAnchorPaths: ['/etc/hoso/root.pem', '/etc/hoso/sub.pem'],
    });
    expect(keySettingsFromConfig(loadConfig({ HOSO_KEYS_DIR: '/keys' })).keysDir).toBe('/keys');
    expect(problems({ VERIFY_LINK_SECRET: 'short' })[0]).toMatch(/^VERIFY_LINK_SECRET: /);
  });

  it("refuses to start in production without the agency's PKCS#12 and trust anchors", () => {
    const found = problems(productionEnv({ SIGNING_P12_PATH: '', SIGNING_TRUST_ANCHORS: '' }));
    expect(found).toContain(
      "SIGNING_P12_PATH: production signs extracts with the agency's PKCS#12, never the generated development key",
    );
    expect(found.some((p) => p.startsWith('SIGNING_TRUST_ANCHORS: '))).toBe(true);
    expect(problems(productionEnv())).toEqual([]);
  });

  it('refuses to start in production with a PKCS#12 that holds the development certificate', async () => {
    const cfg = loadConfig(
      productionEnv({
        SIGNING_P12_PATH: devKeyPaths(inject('devKeysDir')).signerPkcs12,
        SIGNING_P12_PASSPHRASE: DEV_P12_PASSPHRASE,
      }),
    );
    const started = createApp(cfg, { logger: silent, workers: false });
    await expect(started).rejects.toBeInstanceOf(ConfigError);
    await expect(started).rejects.toMatchObject({
      problems: [expect.stringMatching(/^SIGNING_P12_PATH: the PKCS#12 holds a development certificate/)],
    });
  });

  it('creates the development key and the embedded database under DATA_DIR on first run, so npm start needs nothing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hoso-first-run-'));
    try {
      const app = await createApp(loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), {
        logger: silent,
        workers: false,
      });
      try {
        expect(app.extracts.identity.isDevelopment).toBe(true);
        expect(existsSync(join(dataDir, 'keys', 'dev-signer.key.pem'))).toBe(true);
        expect(existsSync(join(dataDir, 'keys', 'dev-ca.crt.pem'))).toBe(true);
        expect(app.database.kind).toBe('pglite');
        expect(existsSync(join(dataDir, 'db', 'PG_VERSION'))).toBe(true);
      } finally {
        await app.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
