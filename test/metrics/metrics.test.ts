import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app.ts';
import { WebchatClient } from '../support/webchat-client.ts';

const TOKEN = 'metrics-token-for-the-test-0123456789';

describe('/metrics', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  beforeAll(async () => {
    app = await startTestApp({ memory: true, env: { METRICS_TOKEN: TOKEN } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('refuses a scrape without the bearer token', async () => {
    expect((await fetch(`${app.baseUrl}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${app.baseUrl}/metrics`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
  });

  it('counts turns by channel, errors by code, and shows the rule set in force per service', async () => {
    const client = new WebchatClient(app.baseUrl);
    await client.start();
    await client.say('xin chao');
    await fetch(`${app.baseUrl}/api/webchat/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"sessionId": 5}',
    });
    await fetch(`${app.baseUrl}/api/payments/callback`, { method: 'POST', body: '{}' });
    const res = await fetch(`${app.baseUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(/hoso_turns_total\{channel="webchat",outcome="ok"\} [2-9]/);
    expect(text).toMatch(/hoso_turn_duration_seconds_count\{channel="webchat"\} [2-9]/);
    expect(text).toMatch(/hoso_errors_total\{code="HOSO_ERR_BAD_REQUEST"\} 1/);
    expect(text).toMatch(/hoso_rule_set_info\{service="lltp",version="[^"]+"\} 1/);
    expect(text).toMatch(/hoso_webhook_refusals_total\{webhook="payments",reason="[A-Za-z0-9_]+"\} 1/);
    expect(text).toContain('hoso_tickets_waiting 0');
    expect(text).toContain('hoso_sla_breaches 0');
  });
});
