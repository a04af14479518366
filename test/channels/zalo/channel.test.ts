import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ZaloTokens } from '../../../src/channels/zalo/tokens.ts';
import { type FakeZalo, startFakeZalo } from '../../../src/dev/fake-zalo.ts';
import { createLogger } from '../../../src/log.ts';
import type { App } from '../../../src/main.ts';
import { MemoryStore } from '../../../src/store/memory.ts';
import { captureLogs, startTestApp } from '../../support/app.ts';
import { textEvent as signedText, startZaloTestApp, zaloEnv } from '../../support/zalo.ts';

const ZALO = {
  appId: '1234567890123',
  appSecret: 'app-secret-for-the-fake',
  oaSecretKey: 'oa-secret-key-for-the-fake',
  refreshToken: 'first-refresh-token',
};

async function until<T>(check: () => T | undefined | false, what: string, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function textEvent(userId: string, text: string, msgId: string) {
  return {
    event_name: 'user_send_text',
    sender: { id: userId },
    recipient: { id: 'oa-1' },
    user_id_by_app: `app-${userId}`,
    message: { text, msg_id: msgId },
  };
}

function texts(messages: Record<string, unknown>[]): string[] {
  return messages.map((m) => String(m.text ?? ''));
}

describe('Zalo channel', () => {
  let zalo: FakeZalo;
  let app: App & { baseUrl: string };

  beforeEach(async () => {
    zalo = await startFakeZalo(ZALO);
    app = await startTestApp({
      env: {
        ZALO_APP_ID: ZALO.appId,
        ZALO_APP_SECRET: ZALO.appSecret,
        ZALO_OA_SECRET_KEY: ZALO.oaSecretKey,
        ZALO_REFRESH_TOKEN: ZALO.refreshToken,
        ZALO_API_ROOT: zalo.apiRoot,
        ZALO_OAUTH_ROOT: zalo.apiRoot,
        ZALO_ZNS_API_ROOT: zalo.apiRoot,
      },
    });
  });
  afterEach(async () => {
    await app.close();
    await zalo.close();
  });

  function post(body: string, headers: Record<string, string>) {
    return fetch(`${app.baseUrl}/zalo/webhook`, { method: 'POST', headers, body });
  }
  function deliver(event: Record<string, unknown>) {
    const signed = zalo.sign(event);
    return post(signed.body, signed.headers);
  }

  it('acknowledges a signed message at once and answers with the greeting and the consent buttons', async () => {
    const res = await deliver(textEvent('u-501', 'xin chào', 'm-1'));
    expect(res.status).toBe(200);
    const sent = await until(() => zalo.sent('u-501').length > 0 && zalo.sent('u-501'), 'the answer');
    expect(texts(sent).join('\n')).toContain('Tôi là Hoso');
    const withButtons = sent.find((m) => m.attachment) as {
      attachment: { payload: { buttons: { type: string; payload: string }[] } };
    };
    expect(withButtons.attachment.payload.buttons.map((b) => b.payload)).toEqual([
      '#hoso:consent:accept',
      '#hoso:consent:decline',
    ]);
    expect(zalo.refreshes).toBe(1);
  });

  it('takes a tapped button (its hidden query) as the action', async () => {
    await deliver(textEvent('u-502', 'xin chào', 'm-2'));
    await until(() => zalo.sent('u-502').length > 0, 'the greeting');
    const before = zalo.sent('u-502').length;
    await deliver(textEvent('u-502', '#hoso:consent:accept', 'm-3'));
    const after = await until(() => zalo.sent('u-502').length > before && zalo.sent('u-502'), 'the answer');
    expect(texts(after.slice(before)).join('\n')).not.toContain('Tôi là Hoso');
  });

  it('refuses a forged signature, a stale timestamp and another app with 401, and acts on none of them', async () => {
    const signed = zalo.sign(textEvent('u-503', 'xin chào', 'm-4'));
    const forged = await post(signed.body, {
      ...signed.headers,
      'x-zevent-signature': `mac=${'0'.repeat(64)}`,
    });
    expect(forged.status).toBe(401);
    const unsigned = await post(signed.body, { 'content-type': 'application/json' });
    expect(unsigned.status).toBe(401);
    const stale = await deliver({
      ...textEvent('u-503', 'xin chào', 'm-5'),
      timestamp: String(Date.now() - 3_600_000),
    });
    expect(stale.status).toBe(401);
    const otherApp = await deliver({ ...textEvent('u-503', 'xin chào', 'm-6'), app_id: '999999999' });
    expect(otherApp.status).toBe(401);
    // A later genuine message is the first thing answered.
    await deliver(textEvent('u-503', 'xin chào', 'm-7'));
    await until(() => zalo.sent('u-503').length > 0, 'the answer');
    expect(texts(zalo.sent('u-503')).filter((t) => t.includes('Tôi là Hoso'))).toHaveLength(1);
  });

  it('acts once on a redelivered message', async () => {
    const signed = zalo.sign(textEvent('u-504', 'xin chào', 'm-8'));
    const first = await post(signed.body, signed.headers);
    const again = await post(signed.body, signed.headers);
    expect([first.status, again.status]).toEqual([200, 200]);
    await until(() => zalo.sent('u-504').length > 0, 'the answer');
    await new Promise((r) => setTimeout(r, 500));
    expect(texts(zalo.sent('u-504')).filter((t) => t.includes('Tôi là Hoso'))).toHaveLength(1);
  });

  it('refuses a malformed body and a 5 MB body, and keeps serving', async () => {
    const bad = await post('{not json', { 'content-type': 'application/json' });
    expect(bad.status).toBe(400);
    const huge = await post(
      JSON.stringify({ event_name: 'user_send_text', pad: 'x'.repeat(5 * 1024 * 1024) }),
      {
        'content-type': 'application/json',
      },
    ).catch(() => undefined);
    expect(huge === undefined || huge.status === 413).toBe(true);
    const ok = await deliver(textEvent('u-505', 'xin chào', 'm-9'));
    expect(ok.status).toBe(200);
  });

  it('renews an expired token in the middle of a send and retries that send once', async () => {
    await deliver(textEvent('u-506', 'xin chào', 'm-10'));
    await until(() => zalo.sent('u-506').length > 0, 'the greeting');
    zalo.expireToken();
    const before = zalo.sent('u-506').length;
    await app.notifier.send({ channel: 'zalo', userId: 'u-506' }, [{ type: 'text', text: 'Hồ sơ đã xong.' }]);
    expect(texts(zalo.sent('u-506').slice(before))).toEqual(['Hồ sơ đã xong.']);
    expect(zalo.rejected.map((r) => r.error)).toContain(-216);
    expect(zalo.refreshes).toBe(2);
  });

  it('splits a long text at sentence ends', async () => {
    await deliver(textEvent('u-507', 'xin chào', 'm-11'));
    await until(() => zalo.sent('u-507').length > 0, 'the greeting');
    const before = zalo.sent('u-507').length;
    const sentence = 'Đây là một câu trong thông báo dài của cơ quan. ';
    const long = sentence.repeat(100).trim();
    await app.notifier.send({ channel: 'zalo', userId: 'u-507' }, [{ type: 'text', text: long }]);
    const parts = texts(zalo.sent('u-507').slice(before));
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(2000);
      expect(p.endsWith('.')).toBe(true);
    }
    expect(parts.join(' ')).toBe(long);
  });

  it('pages more choices than one button template holds, dropping none', async () => {
    await deliver(textEvent('u-508', 'xin chào', 'm-12'));
    await until(() => zalo.sent('u-508').length > 0, 'the greeting');
    const before = zalo.sent('u-508').length;
    const buttons = Array.from({ length: 7 }, (_, i) => ({
      label: `Lựa chọn ${i + 1}`,
      action: `pick:${i + 1}`,
    }));
    await app.notifier.send({ channel: 'zalo', userId: 'u-508' }, [
      { type: 'text', text: 'Chọn một:', buttons },
    ]);
    const pages = zalo.sent('u-508').slice(before) as {
      text: string;
      attachment: { payload: { buttons: { payload: string }[] } };
    }[];
    expect(pages).toHaveLength(2);
    expect(pages[0]!.text).toBe('Chọn một:');
    expect(pages.flatMap((p) => p.attachment.payload.buttons.map((b) => b.payload))).toEqual(
      buttons.map((b) => `#hoso:${b.action}`),
    );
  });

  it('sends a picture through upload/image and a PDF through upload/file', async () => {
    await deliver(textEvent('u-509', 'xin chào', 'm-13'));
    await until(() => zalo.sent('u-509').length > 0, 'the greeting');
    const png = await app.files.put(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10]), {
      filename: 'vietqr.png',
      mimeType: 'image/png',
    });
    const pdf = await app.files.put(new TextEncoder().encode('%PDF-1.7\n%%EOF'), {
      filename: 'trich-luc.pdf',
      mimeType: 'application/pdf',
    });
    const before = zalo.sent('u-509').length;
    await app.notifier.send({ channel: 'zalo', userId: 'u-509' }, [
      { type: 'document', fileId: png, filename: 'vietqr.png', mimeType: 'image/png', caption: 'Quét mã' },
      { type: 'document', fileId: pdf, filename: 'trich-luc.pdf', mimeType: 'application/pdf' },
    ]);
    const uploads = zalo.calls.filter((c) => c.path.startsWith('/v2.0/oa/upload/'));
    expect(uploads.map((u) => [u.path, u.file?.filename])).toEqual([
      ['/v2.0/oa/upload/image', 'vietqr.png'],
      ['/v2.0/oa/upload/file', 'trich-luc.pdf'],
    ]);
    const [photo, file] = zalo.sent('u-509').slice(before) as {
      attachment: { type: string; payload: Record<string, unknown> };
    }[];
    expect(photo!.attachment.payload.template_type).toBe('media');
    expect(file!.attachment.type).toBe('file');
  });

  it('holds a message for a follower outside the window and gives it with the answer to their next message', async () => {
    await deliver(textEvent('u-510', 'xin chào', 'm-14'));
    await until(() => zalo.sent('u-510').length > 0, 'the greeting');
    zalo.outsideWindow.add('u-510');
    await app.notifier.send({ channel: 'zalo', userId: 'u-510' }, [
      { type: 'text', text: 'Kết quả hồ sơ đã có.' },
    ]);
    expect(await app.zalo!.window('u-510')).toMatchObject({ held: 1 });
    zalo.outsideWindow.delete('u-510');
    const before = zalo.sent('u-510').length;
    await deliver(textEvent('u-510', 'xin chào', 'm-15'));
    const after = await until(
      () => texts(zalo.sent('u-510').slice(before)).includes('Kết quả hồ sơ đã có.') && zalo.sent('u-510'),
      'the held message',
    );
    expect(texts(after.slice(before)).join('\n')).toContain('Hoso có tin gửi anh/chị');
    // Once given, it is no longer waiting.
    let held = 1;
    await until(() => {
      void app.zalo!.window('u-510').then((w) => {
        held = w.held;
      });
      return held === 0;
    }, 'the held list to empty');
  });

  it('knows a follower who never wrote is outside the window, and holds rather than sends', async () => {
    await app.notifier.send({ channel: 'zalo', userId: 'u-511' }, [{ type: 'text', text: 'Thông báo.' }]);
    expect(zalo.sent('u-511')).toHaveLength(0);
    expect(await app.zalo!.window('u-511')).toMatchObject({ inside: false, held: 1 });
  });
});

describe('Zalo tokens', () => {
  it('two processes racing to renew make one refresh, and both get the new token', async () => {
    const zalo = await startFakeZalo(ZALO);
    try {
      zalo.refreshDelayMs = 300;
      const records = new MemoryStore();
      const locks = new MemoryStore();
      const make = () =>
        new ZaloTokens({
          appId: ZALO.appId,
          appSecret: ZALO.appSecret,
          initialRefreshToken: ZALO.refreshToken,
          oauthRoot: zalo.apiRoot,
          records,
          locks,
          seal: (p) => Buffer.from(p).toString('base64'),
          open: (s) => Buffer.from(s, 'base64').toString(),
          log: createLogger({ level: 'silent' }),
        });
      const [a, b] = await Promise.all([make().accessToken(), make().accessToken()]);
      expect(zalo.refreshes).toBe(1);
      expect(a).toBe(zalo.accessToken());
      expect(b).toBe(a);
      expect(await records.get('zalo:tokens')).not.toContain(a);
    } finally {
      await zalo.close();
    }
  });
});

describe('Zalo channel start-up and personal data', () => {
  it('is off, and says so, when nothing is configured', async () => {
    const logs = captureLogs();
    const app = await startTestApp({ memory: true, logs });
    try {
      expect(app.zalo).toBeUndefined();
      expect(logs.lines.join('\n')).toContain('zalo channel off');
      const res = await fetch(`${app.baseUrl}/zalo/webhook`, { method: 'POST', body: '{}' });
      expect(res.status).toBe(404);
    } finally {
      await app.close();
    }
  });

  it('starts while Zalo cannot be reached, and still acknowledges deliveries', async () => {
    const zalo = await startFakeZalo(ZALO);
    const root = zalo.apiRoot;
    await zalo.close();
    // Nothing listens at the configured address now.
    const app = await startTestApp({ memory: true, env: zaloEnv(root) });
    try {
      const health = await fetch(`${app.baseUrl}/healthz`);
      expect(health.status).toBeLessThan(500);
      const signed = zalo.sign(textEvent('u-601', 'xin chào', 'm-601'));
      const res = await fetch(`${app.baseUrl}/zalo/webhook`, {
        method: 'POST',
        headers: signed.headers,
        body: signed.body,
      });
      expect(res.status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('exports what it keeps for a follower and erases it with the conversation', async () => {
    const z = await startZaloTestApp({ memory: true });
    try {
      await z.deliver(signedText('u-602', 'xin chào'));
      await z.app.notifier.send({ channel: 'zalo', userId: 'u-602' }, [{ type: 'text', text: 'Tin chờ.' }]);
      z.zalo.outsideWindow.add('u-602');
      await z.app.notifier.send({ channel: 'zalo', userId: 'u-602' }, [{ type: 'text', text: 'Tin chờ.' }]);
      const subject = { accounts: [{ channel: 'zalo' as const, userId: 'u-602' }] };
      const contributors = z.app.identity.personalData.contributors();
      const exported = await contributors.find((c) => c.name === 'zalo')!.export(subject);
      expect(exported).toMatchObject([{ account: { userId: 'u-602' }, messagesWaiting: 1 }]);
      const t = z.app.translator.t('vi');
      await contributors
        .find((c) => c.name === 'conversations')!
        .erase(subject, { lang: 'vi', t, now: new Date(), requestId: 'req-1' });
      expect(await contributors.find((c) => c.name === 'zalo')!.export(subject)).toBeNull();
    } finally {
      await z.close();
    }
  });
});
