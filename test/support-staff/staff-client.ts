import type { App } from '../../src/main.ts';
import { newStaffAccount, type StaffRole } from '../../src/support/staff/accounts.ts';

export interface ApiAnswer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T & { error?: { code: string; message: string } };
}

/** A staff member's browser, reduced to what the API sees: a cookie jar and the CSRF token. */
export class StaffClient {
  cookie = '';
  csrf = '';
  constructor(readonly baseUrl: string) {}

  async login(username: string, password: string): Promise<ApiAnswer> {
    const res = await this.request('POST', '/staff/api/login', { username, password }, { csrf: false });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0]!;
    if (res.status === 200) this.csrf = String(res.body.csrfToken);
    return res;
  }

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    options: { csrf?: boolean | string; cookie?: boolean } = {},
  ): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = {};
    if (options.cookie !== false && this.cookie) headers.cookie = this.cookie;
    if (method !== 'GET') headers['content-type'] = 'application/json';
    const csrf = options.csrf ?? true;
    if (method !== 'GET' && csrf !== false) headers['x-csrf-token'] = csrf === true ? this.csrf : csrf;
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(method !== 'GET' ? { body: JSON.stringify(body ?? {}) } : {}),
    });
    return {
      status: res.status,
      headers: res.headers,
      body: (await res.json().catch(() => ({}))) as ApiAnswer<T>['body'],
    };
  }

  get<T = Record<string, unknown>>(path: string) {
    return this.request<T>('GET', path);
  }

  post<T = Record<string, unknown>>(path: string, body?: unknown, options?: { csrf?: boolean | string }) {
    return this.request<T>('POST', path, body, options);
  }

  /** Opens a server-sent event stream with this client's cookie and collects its events. */
  events(path: string): { events: { event: string; data: unknown }[]; close: () => void } {
    const events: { event: string; data: unknown }[] = [];
    const controller = new AbortController();
    void (async () => {
      const res = await fetch(`${this.baseUrl}${path}`, {
        headers: { cookie: this.cookie },
        signal: controller.signal,
      });
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end !== -1) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = frame.split('\n');
          const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? 'message';
          const data = lines.find((l) => l.startsWith('data: '));
          if (data) events.push({ event, data: JSON.parse(data.slice(6)) });
          end = buffer.indexOf('\n\n');
        }
      }
    })().catch(() => undefined);
    return { events, close: () => controller.abort() };
  }
}

export const PASSWORD = 'mat-khau-rat-dai-2026';

/** Creates an account the way `hoso users add` does and logs a client in with it. */
export async function staffMember(
  app: App & { baseUrl: string },
  username: string,
  role: StaffRole,
  displayName?: string,
) {
  await app.support.accounts.save(
    await newStaffAccount({ username, role, password: PASSWORD, ...(displayName ? { displayName } : {}) }),
  );
  const client = new StaffClient(app.baseUrl);
  const res = await client.login(username, PASSWORD);
  if (res.status !== 200) throw new Error(`login of ${username} failed: ${res.status}`);
  return client;
}

/** Waits until a condition holds (an event arrived), polling briefly. */
export async function until<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}
