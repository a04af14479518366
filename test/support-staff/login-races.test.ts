import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/main.ts';
import { startTestApp } from '../support/app.ts';
import { PASSWORD, staffMember } from './staff-client.ts';

type TestApp = App & { baseUrl: string };
const ALWAYS_OPEN = { STAFF_OFFICE_HOURS: 'mon-sun 00:00-24:00' };

/** One login POST as a browser would send it, optionally through a proxy that names the client's address. */
async function login(
  app: TestApp,
  username: string,
  password: string,
  forwardedFor?: string,
): Promise<number> {
  const res = await fetch(`${app.baseUrl}/staff/api/login`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
    },
    body: JSON.stringify({ username, password }),
  });
  await res.arrayBuffer();
  return res.status;
}

/** Answers that reached the password check: a refusal by the limits is 429. */
const checked = (statuses: number[]) => statuses.filter((s) => s !== 429).length;

describe('staff login under parallel guessing', () => {
  let app: TestApp;
  afterEach(async () => {
    await app.close();
  });

  it('checks at most the per-user limit of 20 parallel guesses for one name, from 20 addresses', async () => {
    app = await startTestApp({ env: { ...ALWAYS_OPEN, TRUST_PROXY: '1', STAFF_LOGIN_LIMIT_PER_USER: '5' } });
    await staffMember(app, 'lan', 'staff');
    const statuses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        login(app, 'lan', i === 15 ? PASSWORD : `doan-sai-${i}`, `203.0.113.${i + 1}`),
      ),
    );
    expect(checked(statuses)).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(15);
  });

  it('checks at most the per-address limit of 20 parallel guesses from one address', async () => {
    app = await startTestApp({ env: { ...ALWAYS_OPEN, STAFF_LOGIN_LIMIT_PER_IP: '5' } });
    const statuses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => login(app, `nguoi-${i}`, 'doan-sai')),
    );
    expect(checked(statuses)).toBeLessThanOrEqual(5);
  });
});

describe('client addresses behind a reverse proxy (TRUST_PROXY)', () => {
  let app: TestApp;
  afterEach(async () => {
    await app.close();
  });

  it('by default ignores X-Forwarded-For, so a client cannot dodge its limit by naming another address', async () => {
    app = await startTestApp({ env: { ...ALWAYS_OPEN, STAFF_LOGIN_LIMIT_PER_IP: '3' } });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push(await login(app, `nguoi-${i}`, 'x', `198.51.100.${i + 1}`));
    expect(statuses).toEqual([401, 401, 401, 429]);
  });

  it('with TRUST_PROXY gives each client behind the proxy its own limit: one cannot lock out a colleague', async () => {
    app = await startTestApp({
      env: { ...ALWAYS_OPEN, STAFF_LOGIN_LIMIT_PER_IP: '3', TRUST_PROXY: '127.0.0.1' },
    });
    await staffMember(app, 'lan', 'staff');
    const attacker = [];
    for (let i = 0; i < 4; i++) attacker.push(await login(app, `nguoi-${i}`, 'x', '198.51.100.7'));
    expect(attacker).toEqual([401, 401, 401, 429]);
    expect(await login(app, 'lan', PASSWORD, '198.51.100.8')).toBe(200);
  });
});
