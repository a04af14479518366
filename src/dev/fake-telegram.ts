import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  method: string;
  json: Record<string, unknown>;
  /** Attached files of a multipart call, by field name. */
  files: Record<string, { filename: string; bytes: Buffer }>;
}

export interface FakeTelegram {
  apiRoot: string;
  calls: RecordedCall[];
  /** Calls answered with a failure on purpose (failNext). */
  rejected: RecordedCall[];
  /** Calls of one method, in order. */
  sent(method?: string): RecordedCall[];
  /** Make the next N calls of a method fail with an HTTP status (429 tests auto-retry). */
  failNext(method: string, status: number, times?: number, retryAfter?: number): void;
  /** Queues an update for a bot that long-polls (`getUpdates`); a waiting poll answers at once. */
  queueUpdate(update: { update_id: number }): void;
  /** A file the "user" sent: served by getFile and GET /file/bot<token>/<path>; returns its file_id. */
  addFile(bytes: Uint8Array, filename: string): string;
  close(): Promise<void>;
}

export const FAKE_BOT_INFO = {
  id: 7000000001,
  is_bot: true as const,
  first_name: 'Hoso',
  username: 'hoso_test_bot',
  can_join_groups: false,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
};

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** A multipart parser tolerant of grammY's unquoted filenames (`filename=phieu.pdf`). */
function parseMultipart(
  body: Buffer,
  boundary: string,
): RecordedCall['json'] & { __files: RecordedCall['files'] } {
  const json: Record<string, unknown> = {};
  const files: RecordedCall['files'] = {};
  const delimiter = Buffer.from(`--${boundary}`);
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    const part = body.subarray(start + delimiter.length + 2, next - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    const headers = part.subarray(0, headerEnd).toString('utf8');
    const content = part.subarray(headerEnd + 4);
    const name = /name="?([^";\r\n]+)"?/.exec(headers)?.[1];
    const filename = /filename="?([^";\r\n]+)"?/.exec(headers)?.[1];
    if (name) {
      if (filename) files[name] = { filename, bytes: Buffer.from(content) };
      else {
        const value = content.toString('utf8');
        try {
          json[name] = JSON.parse(value);
        } catch {
          json[name] = value;
        }
      }
    }
    start = next;
  }
  return Object.assign(json, { __files: files });
}

/**
 * A local HTTP server speaking the Telegram Bot API (POST /bot<token>/<method>), recording every call.
 * Lives in src/dev (not test/) because the benchmark drives it too.
 */
export async function startFakeTelegram(): Promise<FakeTelegram> {
  const calls: RecordedCall[] = [];
  const rejected: RecordedCall[] = [];
  const failures = new Map<string, { status: number; times: number; retryAfter: number }>();
  let messageId = 1;
  // Long polling: updates wait here until a getUpdates with a higher offset confirms them, as Telegram does.
  let pending: { update_id: number }[] = [];
  const pollers = new Set<() => void>();
  async function getUpdates(json: Record<string, unknown>): Promise<unknown[]> {
    const offset = Number(json.offset ?? 0);
    const limit = Number(json.limit ?? 100);
    const timeoutMs = Number(json.timeout ?? 0) * 1000;
    pending = pending.filter((u) => u.update_id >= offset);
    if (pending.length === 0 && timeoutMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, timeoutMs);
        function done() {
          clearTimeout(timer);
          pollers.delete(done);
          resolve();
        }
        pollers.add(done);
      });
    }
    return pending.filter((u) => u.update_id >= offset).slice(0, limit);
  }
  const stored = new Map<string, { path: string; bytes: Uint8Array }>();
  const server: Server = createServer(async (req, res) => {
    const download = /^\/file\/bot[^/]+\/(.+)$/.exec(req.url ?? '');
    if (download && req.method === 'GET') {
      const file = [...stored.values()].find((f) => f.path === download[1]);
      res.statusCode = file ? 200 : 404;
      res.end(file ? Buffer.from(file.bytes) : 'Not Found');
      return;
    }
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '');
    const body = await readBody(req);
    res.setHeader('content-type', 'application/json');
    if (!match) {
      res.statusCode = 404;
      res.end(JSON.stringify({ ok: false, error_code: 404, description: 'Not Found' }));
      return;
    }
    const method = match[2]!;
    const type = req.headers['content-type'] ?? '';
    let json: Record<string, unknown> = {};
    let files: RecordedCall['files'] = {};
    if (type.startsWith('multipart/form-data')) {
      const boundary = /boundary=([^;]+)/.exec(type)?.[1] ?? '';
      const { __files, ...rest } = parseMultipart(body, boundary);
      json = rest;
      // grammY sends a file as `attach://<id>` in the field and the bytes in a part named <id>.
      for (const [field, value] of Object.entries(rest)) {
        const ref =
          typeof value === 'string' && value.startsWith('attach://') ? __files[value.slice(9)] : undefined;
        if (ref) files[field] = ref;
      }
      files = { ...__files, ...files };
    } else if (body.length > 0) {
      json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    }
    const failure = failures.get(method);
    if (failure && failure.times > 0) {
      failure.times--;
      rejected.push({ method, json, files });
      res.statusCode = failure.status;
      res.end(
        JSON.stringify({
          ok: false,
          error_code: failure.status,
          description:
            failure.status === 429
              ? 'Too Many Requests: retry after 1'
              : failure.status < 500
                ? 'Bad Request'
                : 'Internal Server Error',
          ...(failure.status === 429 ? { parameters: { retry_after: failure.retryAfter } } : {}),
        }),
      );
      return;
    }
    calls.push({ method, json, files });
    const chat = { id: Number(json.chat_id ?? 0), type: 'private' };
    let result: unknown = true;
    if (method === 'getMe') result = FAKE_BOT_INFO;
    else if (method === 'getUpdates') result = await getUpdates(json);
    else if (method === 'getFile') {
      const file = stored.get(String(json.file_id));
      if (!file) {
        res.statusCode = 400;
        res.end(JSON.stringify({ ok: false, error_code: 400, description: 'Bad Request: invalid file_id' }));
        return;
      }
      result = {
        file_id: json.file_id,
        file_unique_id: `u${json.file_id}`,
        file_size: file.bytes.length,
        file_path: file.path,
      };
    } else if (method.startsWith('send')) {
      result = { message_id: messageId++, date: Math.floor(Date.now() / 1000), chat, text: json.text };
    }
    res.end(JSON.stringify({ ok: true, result }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    apiRoot: `http://127.0.0.1:${port}`,
    calls,
    rejected,
    sent: (method) => (method ? calls.filter((c) => c.method === method) : calls),
    failNext(method, status, times = 1, retryAfter = 1) {
      failures.set(method, { status, times, retryAfter });
    },
    addFile(bytes, filename) {
      const id = `file${stored.size + 1}_${Math.random().toString(36).slice(2, 10)}`;
      stored.set(id, { path: `documents/${id}/${filename}`, bytes });
      return id;
    },
    queueUpdate(update) {
      pending.push(update);
      for (const wake of [...pollers]) wake();
    },
    close: () =>
      new Promise<void>((r) => {
        for (const wake of [...pollers]) wake();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

let updateCounter = 100_000;

/** A private-chat text message update as Telegram sends it. */
export function textUpdate(chatId: number, text: string, updateId = ++updateCounter) {
  const command = text.startsWith('/') ? text.split(' ')[0]! : undefined;
  return {
    update_id: updateId,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: 'private' as const, first_name: 'Lan' },
      from: { id: chatId, is_bot: false, first_name: 'Lan', language_code: 'vi' },
      text,
      ...(command ? { entities: [{ type: 'bot_command' as const, offset: 0, length: command.length }] } : {}),
    },
  };
}

/** A button press (callback query) update. */
export function callbackUpdate(chatId: number, data: string, updateId = ++updateCounter) {
  return {
    update_id: updateId,
    callback_query: {
      id: `cb${updateId}`,
      chat_instance: 'ci',
      data,
      from: { id: chatId, is_bot: false, first_name: 'Lan', language_code: 'vi' },
      message: {
        message_id: 1,
        date: Math.floor(Date.now() / 1000),
        chat: { id: chatId, type: 'private' as const, first_name: 'Lan' },
        text: '…',
      },
    },
  };
}

/**
 * A shared contact, as Telegram sends it after the "share my phone number" keyboard button (`own`: the
 * sender's own account, so `user_id` is theirs) or when a contact card of someone else is forwarded.
 */
export function contactUpdate(chatId: number, phone: string, own: boolean, updateId = ++updateCounter) {
  return {
    update_id: updateId,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: 'private' as const, first_name: 'Lan' },
      from: { id: chatId, is_bot: false, first_name: 'Lan', language_code: 'vi' },
      contact: {
        phone_number: phone,
        first_name: 'Lan',
        ...(own ? { user_id: chatId } : { user_id: chatId + 1 }),
      },
    },
  };
}

/** A document (a photo or a PDF sent as a file) in a private chat, as Telegram sends it. */
export function documentUpdate(
  chatId: number,
  file: { fileId: string; filename: string; mimeType: string; size: number },
  updateId = ++updateCounter,
) {
  return {
    update_id: updateId,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: 'private' as const, first_name: 'Lan' },
      from: { id: chatId, is_bot: false, first_name: 'Lan', language_code: 'vi' },
      document: {
        file_id: file.fileId,
        file_unique_id: `u${file.fileId}`,
        file_name: file.filename,
        mime_type: file.mimeType,
        file_size: file.size,
      },
    },
  };
}
