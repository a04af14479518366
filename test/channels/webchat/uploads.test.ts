import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../../support/app.ts';
import { WebchatClient } from '../../support/webchat-client.ts';

describe('the web chat upload route', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let client: WebchatClient;
  beforeAll(async () => {
    app = await startTestApp({ memory: true });
    client = new WebchatClient(app.baseUrl);
    await client.start();
  });
  afterAll(async () => {
    await app.close();
  });

  const upload = (init: RequestInit, sessionId = client.sessionId) =>
    fetch(`${app.baseUrl}/api/webchat/uploads?sessionId=${sessionId}`, { method: 'POST', ...init });

  it('refuses a file without the session’s token, and stores nothing', async () => {
    const body = new FormData();
    body.append('file', new Blob([Buffer.from('%PDF-1.7')]), 'a.pdf');
    const res = await upload({ body, headers: { authorization: 'Bearer not-the-token' } });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
      'HOSO_ERR_WEBCHAT_UNAUTHORIZED',
    );
  });

  it('says clearly when the body is not a multipart form, in the conversation’s language', async () => {
    await client.say('English please');
    const res = await upload({
      body: JSON.stringify({ file: 'x' }),
      headers: { authorization: `Bearer ${client.token}`, 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    const error = ((await res.json()) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('HOSO_ERR_UPLOAD_NOT_MULTIPART');
    expect(error.message).not.toMatch(/anh\/chị/);
  });

  it('refuses a malformed session id before anything else', async () => {
    const res = await upload({ body: new FormData() }, 'short');
    expect(res.status).toBe(400);
  });
});
