import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../../src/main.ts';
import { startTestApp } from '../../support/app.ts';
import { textOf, WebchatClient, type WireMessage } from '../../support/webchat-client.ts';

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
    const r = await client.post({ text: 42 });
    expect(r.status).toBe(400);
    expect(r.body.error?.code).toBe('HOSO_ERR_BAD_REQUEST');
    expect(JSON.stringify(r.body)).not.toContain('at ');
  });

  it('opens a session from a POST without any body, as a script would send it', async () => {
    const bare = await fetch(`${app.baseUrl}/api/webchat/sessions`, { method: 'POST' });
    expect(bare.status).toBe(200);
    expect(textOf(((await bare.json()) as { messages: WireMessage[] }).messages)).toContain('Tôi là Hoso');
    const emptyJson = await fetch(`${app.baseUrl}/api/webchat/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    expect(emptyJson.status).toBe(200);
    // Without a body, the browser's language chooses the greeting's.
    const english = await fetch(`${app.baseUrl}/api/webchat/sessions`, {
      method: 'POST',
      headers: { 'accept-language': 'en-GB,en;q=0.9' },
    });
    expect(((await english.json()) as { lang: string }).lang).toBe('en');
  });

  it('streams events to a script that sends the token in the Authorization header', async () => {
    await client.start();
    const controller = new AbortController();
    const res = await fetch(`${app.baseUrl}/api/webchat/events?sessionId=${client.sessionId}`, {
      headers: { authorization: `Bearer ${client.token}` },
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    controller.abort();
    const anonymous = await fetch(`${app.baseUrl}/api/webchat/events?sessionId=${client.sessionId}`);
    expect(anonymous.status).toBe(401);
  });

  it('follows the conversation into English: answers, and its errors, come in English', async () => {
    await client.start();
    await client.press('consent:accept');
    const switched = await client.post({ text: 'English please' });
    expect((switched.body as { lang?: string }).lang).toBe('en');
    const empty = await client.post({ text: '   ' });
    expect(empty.status).toBe(400);
    expect(empty.body.error).toEqual({
      code: 'HOSO_ERR_WEBCHAT_EMPTY_MESSAGE',
      message: 'The message is empty. Please type something and send it again.',
    });
    // Too long: said in the conversation's language, with no English validator details.
    const long = await client.post({ text: 'a'.repeat(4097) });
    expect(long.status).toBe(400);
    expect(long.body.error).toEqual({
      code: 'HOSO_ERR_WEBCHAT_TOO_LONG',
      message:
        'The message is longer than 4096 characters, so it was not sent. Please shorten it or split it into several messages.',
    });
    const upload = await fetch(`${app.baseUrl}/api/webchat/uploads?sessionId=${client.sessionId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${client.token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(upload.status).toBe(400);
    expect(((await upload.json()) as { error: unknown }).error).toEqual({
      code: 'HOSO_ERR_UPLOAD_NOT_MULTIPART',
      message: 'The file must be sent as multipart/form-data.',
    });
  });

  it('says a refusal in the browser’s language when the session is not known', async () => {
    const refuse = (acceptLanguage?: string) =>
      fetch(`${app.baseUrl}/api/webchat/messages`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: 'Bearer not-a-token-at-all',
          ...(acceptLanguage ? { 'accept-language': acceptLanguage } : {}),
        },
        body: JSON.stringify({ sessionId: 'AAAAAAAAAAAAAAAAAAAAAA', text: 'xin chào' }),
      }).then(async (r) => ((await r.json()) as { error: { code: string; message: string } }).error);
    expect(await refuse('en-US,en;q=0.8,vi;q=0.5')).toEqual({
      code: 'HOSO_ERR_WEBCHAT_UNAUTHORIZED',
      message: 'This chat session is not valid or has expired. Please reload the page to start a new one.',
    });
    expect((await refuse()).message).toContain('tải lại trang');
    const gone = await fetch(`${app.baseUrl}/api/webchat/files/${'x'.repeat(32)}`, {
      headers: { 'accept-language': 'en' },
    });
    expect(gone.status).toBe(410);
    expect(((await gone.json()) as { error: { message: string } }).error.message).toContain(
      'download link has expired',
    );
  });

  it('gives the page its own words in both languages', async () => {
    const texts = (await (await fetch(`${app.baseUrl}/api/webchat/texts`)).json()) as Record<
      string,
      Record<string, string>
    >;
    expect(texts.vi?.placeholder).toBe('Nhập tin nhắn…');
    expect(texts.en?.placeholder).toBe('Type a message…');
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

  it('serves a document again through the same link while it lives (a second tap, a second device)', async () => {
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
    expect(second.status).toBe(200);
    expect(await second.text()).toBe('%PDF-1.7 test');
  });

  it('serves the chat page at /', async () => {
    const res = await fetch(`${app.baseUrl}/`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/<title[^>]*>Hoso/);
    expect(html).toContain('/app.js');
  });

  it('reports health, and readiness of everything a turn needs: store, records, queue and rules', async () => {
    expect(await (await fetch(`${app.baseUrl}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${app.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: {
        store: { ok: true, kind: 'redis' },
        records: { ok: true, kind: 'postgres' },
        queue: { ok: true, kind: 'redis' },
        rules: { ok: true, services: expect.any(Number) },
      },
    });
  });
});
