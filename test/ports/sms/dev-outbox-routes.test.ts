import { afterEach, describe, expect, inject, it } from 'vitest';
import type { App } from '../../../src/main.ts';
import type { OutboxMessage } from '../../../src/ports/sms/dev-outbox.ts';
import { startTestApp } from '../../support/app.ts';
import { productionEnv } from '../../support/production-env.ts';

describe('GET /api/dev/outbox', () => {
  let app: App & { baseUrl: string };
  afterEach(async () => {
    await app.close();
  });

  it('lists the dev SMS newest first, and filters by phone in any written form', async () => {
    app = await startTestApp({ memory: true });
    await app.identity.devOutbox!.send('0901000001', 'Hoso: mã xác thực của anh/chị là 123456');
    await app.identity.devOutbox!.send('0901000002', 'Hoso: mã xác thực của anh/chị là 654321');
    const all = (await (await fetch(`${app.baseUrl}/api/dev/outbox`)).json()) as {
      messages: OutboxMessage[];
    };
    expect(all.messages.map((m) => m.phoneMasked)).toEqual(['090*****02', '090*****01']);
    const res = await fetch(`${app.baseUrl}/api/dev/outbox?phone=${encodeURIComponent('+84 901 000 001')}`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const one = (await res.json()) as { messages: OutboxMessage[] };
    expect(one.messages).toHaveLength(1);
    expect(one.messages[0]).toMatchObject({ phone: '0901000001', text: expect.stringContaining('123456') });
  });

  it('does not exist in production', async () => {
    app = await startTestApp({
      env: productionEnv({ REDIS_URL: inject('redisUrl') }),
    });
    const res = await fetch(`${app.baseUrl}/api/dev/outbox`);
    expect(res.status).toBe(404);
    expect(app.identity.devOutbox).toBeUndefined();
  });
});
