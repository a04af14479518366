import { randomUUID } from 'node:crypto';
import { type FakeServer, json, startFakeServer } from './http-fake.ts';

/**
 * Speaks src/ports/sms/CONTRACT.md: POST /messages {to, text, sender?} → 202 {id}; a repeated Idempotency-Key
 * returns the first id and does not count as a second message.
 */
export interface FakeSmsGateway extends FakeServer {
  delivered: { to: string; text: string; sender?: string; idempotencyKey: string }[];
}

export async function startFakeSmsGateway(options: { token?: string } = {}): Promise<FakeSmsGateway> {
  const delivered: FakeSmsGateway['delivered'] = [];
  const seen = new Map<string, string>();
  const server = await startFakeServer((req, res) => {
    if (options.token && req.headers.authorization !== `Bearer ${options.token}`) {
      return json(res, 401, { error: 'unauthorized' });
    }
    if (req.method !== 'POST' || req.path !== '/messages') return json(res, 404, { error: 'not found' });
    const key = String(req.headers['idempotency-key'] ?? '');
    let body: { to?: unknown; text?: unknown; sender?: unknown };
    try {
      body = JSON.parse(req.body);
    } catch {
      return json(res, 400, { error: 'invalid JSON' });
    }
    if (
      typeof body.to !== 'string' ||
      !/^\+84\d{9}$/.test(body.to) ||
      typeof body.text !== 'string' ||
      !key
    ) {
      return json(res, 422, { error: 'invalid message' });
    }
    const previous = seen.get(key);
    if (previous) return json(res, 202, { id: previous });
    const id = randomUUID();
    seen.set(key, id);
    delivered.push({
      to: body.to,
      text: body.text,
      ...(typeof body.sender === 'string' ? { sender: body.sender } : {}),
      idempotencyKey: key,
    });
    json(res, 202, { id });
  });
  return Object.assign(server, { delivered });
}
