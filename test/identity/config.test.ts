import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
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

const production = productionEnv({ HOSO_DATA_KEY: '', POPULATION_REGISTRY_URL: '', SMS_GATEWAY_URL: '' });

describe('identity configuration', () => {
  it('refuses the development key, the fictional registry and the dev outbox in production', () => {
    const found = problems(production);
    expect(found).toContain(
      'HOSO_DATA_KEY: production encrypts personal data with a configured key, never a development one',
    );
    expect(found.some((p) => p.startsWith('POPULATION_REGISTRY_URL: '))).toBe(true);
    expect(found.some((p) => p.startsWith('SMS_GATEWAY_URL: '))).toBe(true);
    expect(
      problems({
        ...production,
        HOSO_DATA_KEY: randomBytes(32).toString('base64'),
        POPULATION_REGISTRY_URL: 'https://registry.example.gov.vn/api/v1',
        SMS_GATEWAY_URL: 'https://sms.example.vn/v1',
      }),
    ).toEqual([]);
  });

  it('names HOSO_DATA_KEY when it is not 32 bytes of base64', () => {
    expect(problems({ HOSO_DATA_KEY: 'c2hvcnQ=' })[0]).toMatch(/^HOSO_DATA_KEY: 32 random bytes in base64/);
    expect(problems({ HOSO_DATA_KEY_PREVIOUS: `${randomBytes(32).toString('base64')},nope` })[0]).toMatch(
      /^HOSO_DATA_KEY_PREVIOUS: /,
    );
  });

  it('needs a client id with an OIDC issuer, and https in production', () => {
    expect(problems({ OIDC_ISSUER_URL: 'https://id.example.vn' })).toEqual([
      'OIDC_CLIENT_ID: required when OIDC_ISSUER_URL is set',
    ]);
    expect(
      problems({ ...production, OIDC_ISSUER_URL: 'http://id.example.vn', OIDC_CLIENT_ID: 'hoso' }),
    ).toContain('OIDC_ISSUER_URL: production needs an https issuer');
  });

  it('has defaults a newcomer can run with', () => {
    expect(loadConfig({})).toMatchObject({
      IDENTITY_FRESH_LINK_MINUTES: 30,
      IDENTITY_LOOKUPS_PER_ACCOUNT_PER_HOUR: 10,
      IDENTITY_LOOKUPS_PER_ID_PER_HOUR: 5,
      OIDC_PROVIDER_NAME: 'VNeID',
      PRIVACY_COMPLETE_WITHIN_DAYS: 15,
    });
  });
});
