import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signatureHeader } from '../channels/zalo/signature.ts';

export interface ZaloCall {
  path: string;
  /** JSON body, or the text fields of a multipart upload. */
  json: Record<string, unknown>;
  file?: { filename: string; mimeType: string; bytes: Buffer };
  accessToken?: string;
}

export interface FakeZaloOptions {
  appId: string;
  appSecret: string;
  oaSecretKey: string;
  /** The refresh token the OA was set up with. */
  refreshToken: string;
}

export interface FakeZalo {
  /** Serves the OA API, the OAuth token endpoint and ZNS alike (set ZALO_API_ROOT, ZALO_OAUTH_ROOT… to it). */
  apiRoot: string;
  /** Accepted calls (message/cs, uploads, ZNS), in order. */
  calls: ZaloCall[];
  /** Calls answered with an error code. */
  rejected: (ZaloCall & { error: number })[];
  /** Messages delivered to a follower through message/cs. */
  sent(userId?: string): Record<string, unknown>[];
  refreshes: number;
  /** The access token Zalo currently accepts. */
  accessToken(): string | undefined;
  /** Makes the current access token expire: the next call gets -216, as Zalo answers. */
  expireToken(): void;
  /** Followers Zalo refuses consultation messages to (-213, outside the interaction window). */
  outsideWindow: Set<string>;
  /** Makes the OAuth refresh slow, to let two processes race. */
  refreshDelayMs: number;
  /** A file a follower sent: its URL, as Zalo puts in user_send_image / user_send_file. */
  addFile(bytes: Uint8Array, name: string): string;
  /** Signs a webhook delivery as Zalo does; `timestamp` defaults to now. */
  sign(event: Record<string, unknown>): { body: string; headers: Record<string, string> };
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage, limit = 20 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > limit) throw new Error('too large');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * A local HTTP server speaking the Zalo OA Open API contract: token refresh (OAuth v4, single-use refresh
 * tokens), message/cs (v3), upload/image and upload/file (v2), ZNS message/template, with Zalo's error codes
 * for a rejected token (-216) and a follower outside the window (-213). Lives in src/dev: the benchmark drives it too.
 */
export async function startFakeZalo(options: FakeZaloOptions): Promise<FakeZalo> {
  const calls: ZaloCall[] = [];
  const rejected: (ZaloCall & { error: number })[] = [];
  const files = new Map<string, Buffer>();
  let refreshToken = options.refreshToken;
  let access: string | undefined;
  const state = { refreshes: 0, refreshDelayMs: 0 };
  const outsideWindow = new Set<string>();
  let attachmentSeq = 1;

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const send = (status: number, body: unknown) => {
      res.statusCode = status;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(body));
    };
    try {
      if (req.method === 'GET' && url.pathname.startsWith('/files/')) {
        const file = files.get(url.pathname.slice('/files/'.length));
        res.statusCode = file ? 200 : 404;
        res.end(file ?? 'Not Found');
        return;
      }
      const body = await readBody(req);
      if (url.pathname === '/v4/oa/access_token') {
        const form = new URLSearchParams(body.toString('utf8'));
        if (req.headers.secret_key !== options.appSecret || form.get('app_id') !== options.appId) {
          send(200, {
            error: -14002,
            error_name: 'Invalid app',
            error_description: 'app id or secret is wrong',
          });
          return;
        }
        if (form.get('grant_type') !== 'refresh_token' || form.get('refresh_token') !== refreshToken) {
          // Zalo's refresh tokens are good for one use: a second use of the same one is refused.
          send(200, {
            error: -14014,
            error_name: 'Invalid refresh token',
            error_description: 'refresh token is invalid',
          });
          return;
        }
        if (state.refreshDelayMs > 0) await new Promise((r) => setTimeout(r, state.refreshDelayMs));
        state.refreshes++;
        access = `access-${randomBytes(12).toString('hex')}`;
        refreshToken = `refresh-${randomBytes(12).toString('hex')}`;
        send(200, { access_token: access, refresh_token: refreshToken, expires_in: '90000' });
        return;
      }
      const token = typeof req.headers.access_token === 'string' ? req.headers.access_token : undefined;
      let call: ZaloCall;
      const type = req.headers['content-type'] ?? '';
      if (type.startsWith('multipart/form-data')) {
        const form = await new Request('http://fake/', {
          method: 'POST',
          headers: { 'content-type': type },
          body,
        }).formData();
        const f = form.get('file');
        call = {
          path: url.pathname,
          json: {},
          ...(f instanceof File
            ? { file: { filename: f.name, mimeType: f.type, bytes: Buffer.from(await f.arrayBuffer()) } }
            : {}),
          ...(token ? { accessToken: token } : {}),
        };
      } else {
        call = {
          path: url.pathname,
          json: body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {},
          ...(token ? { accessToken: token } : {}),
        };
      }
      if (!token || token !== access) {
        rejected.push({ ...call, error: -216 });
        send(200, { error: -216, message: 'Access token is invalid' });
        return;
      }
      if (url.pathname === '/v3.0/oa/message/cs') {
        const recipient = (call.json.recipient as { user_id?: string } | undefined)?.user_id;
        if (!recipient || !call.json.message) {
          rejected.push({ ...call, error: -201 });
          send(200, { error: -201, message: 'Parameters are invalid' });
          return;
        }
        if (outsideWindow.has(recipient)) {
          rejected.push({ ...call, error: -213 });
          send(200, { error: -213, message: 'User has not interacted with the OA in the allowed time' });
          return;
        }
        calls.push(call);
        send(200, {
          error: 0,
          message: 'Success',
          data: { message_id: randomBytes(8).toString('hex'), user_id: recipient },
        });
        return;
      }
      if (url.pathname === '/v2.0/oa/upload/image' || url.pathname === '/v2.0/oa/upload/file') {
        if (!call.file) {
          send(200, { error: -201, message: 'file is missing' });
          return;
        }
        calls.push(call);
        const id = `att-${attachmentSeq++}`;
        send(200, {
          error: 0,
          message: 'Success',
          data: url.pathname.endsWith('image') ? { attachment_id: id } : { token: id },
        });
        return;
      }
      if (url.pathname === '/message/template') {
        calls.push(call);
        send(200, { error: 0, message: 'Success', data: { msg_id: randomBytes(8).toString('hex') } });
        return;
      }
      send(404, { error: -1, message: 'Not Found' });
    } catch {
      send(400, { error: -201, message: 'Bad request' });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const apiRoot = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    apiRoot,
    calls,
    rejected,
    sent: (userId) =>
      calls
        .filter((c) => c.path === '/v3.0/oa/message/cs')
        .filter((c) => userId === undefined || (c.json.recipient as { user_id: string }).user_id === userId)
        .map((c) => c.json.message as Record<string, unknown>),
    get refreshes() {
      return state.refreshes;
    },
    accessToken: () => access,
    expireToken() {
      access = `expired-${randomBytes(4).toString('hex')}`;
    },
    outsideWindow,
    get refreshDelayMs() {
      return state.refreshDelayMs;
    },
    set refreshDelayMs(ms: number) {
      state.refreshDelayMs = ms;
    },
    addFile(bytes, name) {
      const id = `${randomBytes(6).toString('hex')}-${name}`;
      files.set(id, Buffer.from(bytes));
      return `${apiRoot}/files/${id}`;
    },
    sign(event) {
      const withTime = { timestamp: String(Date.now()), app_id: options.appId, ...event };
      const body = JSON.stringify(withTime);
      return {
        body,
        headers: {
          'content-type': 'application/json',
          'x-zevent-signature': signatureHeader(
            options.appId,
            body,
            String(withTime.timestamp),
            options.oaSecretKey,
          ),
        },
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
