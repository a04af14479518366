import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/extracts/${name}`, import.meta.url));

/**
 * Everything production requires, with harmless values (unreachable ports for the government systems).
 * Tests of production behaviour start from this and change one thing, so a module that adds a production
 * requirement adds it here once instead of in every such test.
 */
export function productionEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    PUBLIC_URL: 'https://hoso.example.vn',
    REDIS_URL: 'redis://127.0.0.1:6379',
    DATABASE_URL: 'postgresql://hoso@127.0.0.1:9/hoso',
    HOSO_DATA_KEY: randomBytes(32).toString('base64'),
    POPULATION_REGISTRY_URL: 'https://registry.example.gov.vn/api/v1',
    SMS_GATEWAY_URL: 'https://sms.example.vn/v1',
    AGENCY_API_URL: 'http://127.0.0.1:9/agency',
    HEALTH_API_URL: 'http://127.0.0.1:9/health',
    PAYMENT_CALLBACK_SECRET: randomBytes(24).toString('base64url'),
    // A throwaway key without the development policy, standing in for the agency's.
    SIGNING_P12_PATH: fixture('openssl3-aes-utf8-passphrase.p12'),
    SIGNING_P12_PASSPHRASE: 'mật khẩu thử',
    SIGNING_TRUST_ANCHORS: fixture('openssl3-aes-utf8-passphrase.crt.pem'),
    ...overrides,
  };
}
