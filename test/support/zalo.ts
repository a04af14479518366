import { type FakeZalo, startFakeZalo } from '../../src/dev/fake-zalo.ts';
import type { App } from '../../src/main.ts';
import { startTestApp, type TestAppOptions } from './app.ts';

export const ZALO = {
  appId: '1234567890123',
  appSecret: 'app-secret-for-the-fake',
  oaSecretKey: 'oa-secret-key-for-the-fake',
  refreshToken: 'first-refresh-token',
};

export function zaloEnv(apiRoot: string): Record<string, string> {
  return {
    ZALO_APP_ID: ZALO.appId,
    ZALO_APP_SECRET: ZALO.appSecret,
    ZALO_OA_SECRET_KEY: ZALO.oaSecretKey,
    ZALO_REFRESH_TOKEN: ZALO.refreshToken,
    ZALO_API_ROOT: apiRoot,
    ZALO_OAUTH_ROOT: apiRoot,
    ZALO_ZNS_API_ROOT: apiRoot,
  };
}

export async function until<T>(check: () => T | undefined | false, what: string, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface ZaloTestApp {
  app: App & { baseUrl: string };
  zalo: FakeZalo;
  /** Delivers a signed event and waits until its turn has run; returns what the OA sent meanwhile. */
  deliver(event: Record<string, unknown>): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

let seq = 0;

export async function startZaloTestApp(options: TestAppOptions = {}): Promise<ZaloTestApp> {
  const zalo = await startFakeZalo(ZALO);
  const app = await startTestApp({ ...options, env: { ...zaloEnv(zalo.apiRoot), ...options.env } });
  return {
    app,
    zalo,
    async deliver(event) {
      const before = zalo.calls.length;
      const withId = event.message
        ? { ...event, message: { msg_id: `msg-${process.pid}-${++seq}`, ...(event.message as object) } }
        : event;
      const signed = zalo.sign(withId);
      const res = await fetch(`${app.baseUrl}/zalo/webhook`, {
        method: 'POST',
        headers: signed.headers,
        body: signed.body,
      });
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
      // The event's pending mark is removed once its turn has run and its answer was sent.
      let pending = 1;
      await until(() => {
        void app.store.keys('zalo:pending:').then((k) => {
          pending = k.length;
        });
        return pending === 0;
      }, 'the turn');
      return zalo.calls
        .slice(before)
        .filter((c) => c.path === '/v3.0/oa/message/cs')
        .map((c) => c.json.message as Record<string, unknown>);
    },
    async close() {
      await app.close();
      await zalo.close();
    },
  };
}

export function textEvent(userId: string, text: string) {
  return {
    event_name: 'user_send_text',
    sender: { id: userId },
    recipient: { id: 'oa-1' },
    message: { text },
  };
}

/** The buttons of the OA's button templates among sent messages, as label and action. */
export function zaloButtons(
  messages: Record<string, unknown>[],
): { label: string; action: string; payload: string }[] {
  return messages.flatMap((m) => {
    const buttons =
      (m.attachment as { payload?: { buttons?: { title: string; payload: unknown }[] } } | undefined)?.payload
        ?.buttons ?? [];
    return buttons
      .filter((b) => typeof b.payload === 'string')
      .map((b) => ({
        label: b.title,
        payload: b.payload as string,
        action: (b.payload as string).replace(/^#hoso:/, ''),
      }));
  });
}
