import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, EnvSchema, loadConfig } from '../src/config.ts';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('configuration', () => {
  it('starts on embedded defaults with nothing set', () => {
    const cfg = loadConfig({});
    expect(cfg).toMatchObject({ PORT: 3000, DEFAULT_LANG: 'vi', production: false });
    expect(cfg.REDIS_URL).toBeUndefined();
    expect(cfg.publicUrl).toBe('http://127.0.0.1:3000');
  });

  it('stops on a bad value with a message naming the variable', () => {
    expect(problems({ PORT: 'eighty' })[0]).toMatch(/^PORT: /);
    expect(problems({ REDIS_URL: 'not a url' })[0]).toMatch(/^REDIS_URL: /);
    expect(problems({ TELEGRAM_BOT_TOKEN: 'abc' })[0]).toMatch(
      /^TELEGRAM_BOT_TOKEN: expected a Bot API token/,
    );
    expect(problems({ TELEGRAM_THROTTLE: 'maybe' })[0]).toMatch(/^TELEGRAM_THROTTLE: /);
  });

  it('refuses the in-memory store in production', () => {
    expect(problems({ NODE_ENV: 'production', PUBLIC_URL: 'https://hoso.example.vn' })).toContain(
      'REDIS_URL: production refuses the in-memory store, which loses every session on restart',
    );
  });

  it('trusts no proxy unless told, and reads a hop count or a list of proxy addresses', () => {
    expect(loadConfig({}).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).TRUST_PROXY).toBe('10.0.0.0/8,127.0.0.1');
    expect(problems({ TRUST_PROXY: 'yes please' })[0]).toMatch(/^TRUST_PROXY: /);
    expect(problems({ TRUST_PROXY: '10.0.0.0/40' })[0]).toMatch(/^TRUST_PROXY: /);
  });

  it('refuses a plain http public address in production', () => {
    expect(problems({ NODE_ENV: 'production', PUBLIC_URL: 'http://hoso.example.vn' })).toContain(
      'PUBLIC_URL: production needs an https address, never http://',
    );
    expect(problems({ NODE_ENV: 'production', PUBLIC_URL: 'https://hoso.example.vn' })).not.toContain(
      'PUBLIC_URL: production needs an https address, never http://',
    );
  });

  it('requires a secret token with a Telegram webhook', () => {
    expect(
      problems({
        TELEGRAM_BOT_TOKEN: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ',
        TELEGRAM_WEBHOOK_URL: 'https://x.vn/tg',
      }),
    ).toEqual(['TELEGRAM_WEBHOOK_SECRET: required when TELEGRAM_WEBHOOK_URL is set']);
  });

  it('documents every variable it reads in .env.example', () => {
    const example = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
    const documented = new Set([...example.matchAll(/^([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
    const read = Object.keys(EnvSchema.shape);
    expect(read.filter((name) => !documented.has(name))).toEqual([]);
    expect([...documented].filter((name) => !read.includes(name as string))).toEqual([]);
  });
});
