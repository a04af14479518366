import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../../src/main.ts';
import { startTestApp } from '../../support/app.ts';
import { textOf, WebchatClient } from '../../support/webchat-client.ts';

describe('web chat API', () => {
  let app: App & { baseUrl: string };
  let client: WebchatClient;
  beforeEach(async () => {
    app = await startTestApp();
    client = new WebchatClient(app.baseUrl);
  });
  afterEach(async () => {
    await app.close();
  });

  it('opens a session with a greeting and the consent buttons', async () => {
    const body = await client.start();
    expect(body.sessionId).toMatch(/^[\w-]{16,}$/);
    expect(body.token.length).toBeGreaterThan(30);
    expect(textOf(body.messages)).toContain('Tôi là Hoso');
    const last = body.messages.at(-1);
    expect(last?.type === 'text' && last.buttons?.map((b) => b.label)).toEqual(['Đồng ý', 'Không đồng ý']);
  });

  it('greets in English when the page asks for it', async () => {
    const body = await client.start('en');
    expect(textOf(body.messages)).toContain('I am Hoso');
  });

  it('answers text and button presses in the conversation', async () => {
    await client.start();
    const accepted = await client.press('consent:accept');
    expect(textOf(accepted)).toContain('Cảm ơn anh/chị đã đồng ý');
    const help = await client.say('tro giup');
    expect(textOf(help)).toContain('Hoso có thể giúp anh/chị');
  });

  it('refuses a message without the session token', async () => {
    await client.start();
    const r = await client.post({ text: 'xin chào' }, 'not-the-token-at-all');
    expect(r.status).toBe(401);
    expect(r.body.error?.code).toBe('HOSO_ERR_WEBCHAT_UNAUTHORIZED');
    expect(r.body.error?.message).toContain('tải lại trang');
  });

  it('refuses a malformed body with a coded 400, never a stack trace', async () => {
    await client.start();
    const r = await client.post({ text: '' });
    expect(r.status).toBe(400);
    expect(r.body.error?.code).toBe('HOSO_ERR_BAD_REQUEST');
    expect(JSON.stringify(r.body)).not.toContain('at ');
  });

  it('pushes later messages over server-sent events', async () => {
    await client.start();
    const stream = client.events();
    await new Promise((r) => setTimeout(r, 100));
    await app.notifier.send({ channel: 'webchat', userId: client.sessionId }, [
      { type: 'text', text: 'Hồ sơ LLTP-2026-000123 đã có kết quả.' },
    ]);
    await expect
      .poll(() => stream.messages.map((m) => (m.type === 'text' ? m.text : '')))
      .toContain('Hồ sơ LLTP-2026-000123 đã có kết quả.');
    stream.close();
  });

  it('replays messages pushed while the page was away when it reconnects', async () => {
    await client.start();
    await app.notifier.send({ channel: 'webchat', userId: client.sessionId }, [
      { type: 'text', text: 'Tin nhắn khi vắng mặt' },
    ]);
    const stream = client.events();
    await expect.poll(() => stream.messages.length).toBe(1);
    stream.close();
  });

  it('serves a document through a link that works once', async () => {
    await client.start();
    const fileId = await app.files.put(new TextEncoder().encode('%PDF-1.7 test'), {
      filename: 'phieu-lltp-LLTP-2026-000001.pdf',
      mimeType: 'application/pdf',
    });
    const stream = client.events();
    await new Promise((r) => setTimeout(r, 100));
    await app.notifier.send({ channel: 'webchat', userId: client.sessionId }, [
      { type: 'document', fileId, filename: 'phieu-lltp-LLTP-2026-000001.pdf', mimeType: 'application/pdf' },
    ]);
    await expect.poll(() => stream.messages.length).toBe(1);
    stream.close();
    const doc = stream.messages[0]!;
    expect(doc).toMatchObject({ type: 'document', filename: 'phieu-lltp-LLTP-2026-000001.pdf' });
    const url = doc.type === 'document' ? doc.url : '';
    const first = await fetch(url);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/pdf');
    expect(await first.text()).toBe('%PDF-1.7 test');
    const second = await fetch(url);
    expect(second.status).toBe(410);
  });

  it('serves the chat page at /', async () => {
    const res = await fetch(`${app.baseUrl}/`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<title>Hoso');
    expect(html).toContain('/app.js');
  });

  it('reports health and readiness with the store it uses', async () => {
    expect(await (await fetch(`${app.baseUrl}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${app.baseUrl}/readyz`)).json()).toEqual({
      status: 'ready',
      store: { kind: 'redis', ok: true },
    });
  });
});
