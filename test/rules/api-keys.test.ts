import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { ApiKeyring, allowed, parseApiKeys } from '../../src/rules/api-keys.ts';

const KEY = 'a-long-enough-api-key-for-tests';

describe('rules API keys', () => {
  it('reads roles and services from RULES_API_KEYS, with a plain key or only its SHA-256', () => {
    const keys = parseApiKeys(
      JSON.stringify([
        { name: 'ops', role: 'admin', key: KEY },
        {
          name: 'moj',
          role: 'agency',
          services: ['lltp'],
          keySha256: createHash('sha256').update('another-key-of-24-chars!!').digest('hex'),
        },
      ]),
    );
    const ring = new ApiKeyring(keys);
    expect(ring.authenticate(KEY)?.name).toBe('ops');
    expect(ring.authenticate('another-key-of-24-chars!!')?.name).toBe('moj');
    expect(ring.authenticate('another-key-of-24-chars!?')).toBeUndefined();
    expect(ring.authenticate(undefined)).toBeUndefined();
  });

  it('limits an agency to its services and a viewer to reading', () => {
    const [admin, agency, viewer] = parseApiKeys(
      JSON.stringify([
        { name: 'ops', role: 'admin', key: KEY },
        { name: 'moj', role: 'agency', services: ['lltp'], key: KEY },
        { name: 'press', role: 'viewer', key: KEY },
      ]),
    );
    expect(allowed(admin!, 'audit')).toBe(true);
    expect(allowed(agency!, 'publish', 'lltp')).toBe(true);
    expect(allowed(agency!, 'publish', 'health_record')).toBe(false);
    expect(allowed(agency!, 'audit')).toBe(false);
    expect(allowed(viewer!, 'read', 'lltp')).toBe(true);
    expect(allowed(viewer!, 'write', 'lltp')).toBe(false);
  });

  it('stops start-up on a malformed key list, naming the variable', () => {
    for (const value of [
      'not json',
      '[{"name":"x","role":"agency","key":"a-long-enough-api-key-for-tests"}]',
      '[{"name":"x","role":"admin","key":"short"}]',
    ]) {
      let problems: string[] = [];
      try {
        loadConfig({ RULES_API_KEYS: value });
      } catch (err) {
        if (err instanceof ConfigError) problems = err.problems;
      }
      expect(problems.join(), value).toMatch(/^RULES_API_KEYS: /);
    }
    expect(loadConfig({}).RULES_DIR).toBe('rules');
  });
});
