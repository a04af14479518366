import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpSmsSender } from '../../../src/ports/sms/http.ts';
import { SmsError } from '../../../src/ports/sms/sender.ts';
import { type FakeSmsGateway, startFakeSmsGateway } from '../fakes/sms-gateway.ts';

/** Quick retries, but a timeout no ordinary answer reaches on a loaded machine; the timeout test uses its own. */
const fast = { timeoutMs: 10_000, backoffMs: 10, maxBackoffMs: 20 };
let gateway: FakeSmsGateway;
let sms: HttpSmsSender;

beforeEach(async () => {
  gateway = await startFakeSmsGateway({ token: 'tok' });
  sms = new HttpSmsSender({ baseUrl: gateway.url, token: 'tok', sender: 'HOSO', retry: fast });
});

afterEach(async () => {
  await gateway.close();
});

async function refusal(promise: Promise<unknown>): Promise<SmsError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SmsError);
    return error as SmsError;
  }
  throw new Error('expected an SmsError');
}

describe('HttpSmsSender against a gateway speaking the contract', () => {
  it('posts the message in E.164 with the brand name and the token', async () => {
    await sms.send('0901 000 001', 'Hoso: mã xác thực của anh/chị là 123456');
    expect(gateway.delivered).toEqual([
      {
        to: '+84901000001',
        text: 'Hoso: mã xác thực của anh/chị là 123456',
        sender: 'HOSO',
        idempotencyKey: expect.any(String),
      },
    ]);
    expect(gateway.requests[0]!.headers.authorization).toBe('Bearer tok');
  });

  it('retries a 5xx with the same idempotency key, so the message goes out once', async () => {
    gateway.script({ status: 503 }, { status: 500 });
    await sms.send('0901000001', 'x');
    expect(gateway.requests).toHaveLength(3);
    expect(new Set(gateway.requests.map((r) => r.headers['idempotency-key'])).size).toBe(1);
    expect(gateway.delivered).toHaveLength(1);
  });

  it('gives each message its own idempotency key', async () => {
    await sms.send('0901000001', 'x');
    await sms.send('0901000001', 'x');
    expect(gateway.delivered).toHaveLength(2);
  });

  it('does not retry a 4xx refusal', async () => {
    const wrong = new HttpSmsSender({ baseUrl: gateway.url, token: 'bad', retry: fast });
    const error = await refusal(wrong.send('0901000001', 'x'));
    expect(error).toMatchObject({ code: 'HOSO_ERR_SMS_REJECTED', status: 401 });
    expect(gateway.requests).toHaveLength(1);
  });

  it('reports the gateway unavailable after timeouts on every attempt', async () => {
    // Answers that come only when the fake closes, so every attempt times out whatever the machine's speed.
    gateway.script(...Array.from({ length: 3 }, () => ({ status: 202, delayMs: 10 * 60_000 })));
    const impatient = new HttpSmsSender({
      baseUrl: gateway.url,
      token: 'tok',
      sender: 'HOSO',
      retry: { ...fast, timeoutMs: 1_000 },
    });
    const error = await refusal(impatient.send('0901000001', 'x'));
    expect(error.code).toBe('HOSO_ERR_SMS_UNAVAILABLE');
    expect(gateway.requests).toHaveLength(3);
  });

  it('reports 5xx on every attempt as unavailable', async () => {
    gateway.script({ status: 502 }, { status: 502 }, { status: 502 });
    expect((await refusal(sms.send('0901000001', 'x'))).code).toBe('HOSO_ERR_SMS_UNAVAILABLE');
  });

  it('refuses a number that is not a Vietnamese mobile before calling the gateway', async () => {
    const error = await refusal(sms.send('02438251234', 'x'));
    expect(error.code).toBe('HOSO_ERR_SMS_REJECTED');
    expect(error.message).not.toContain('02438251234');
    expect(gateway.requests).toHaveLength(0);
  });
});
