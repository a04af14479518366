import { randomUUID } from 'node:crypto';
import { parsePhone } from '../../identity/parse/phone.ts';
import {
  DEFAULT_RETRY_POLICY,
  RequestFailedError,
  type RetryPolicy,
  requestWithRetry,
} from '../request-with-retry.ts';
import { SmsError, type SmsSender } from './sender.ts';

/** Speaks the contract in ./CONTRACT.md. */
export interface HttpSmsSenderOptions {
  /** e.g. `https://sms.example.vn/v1` — `/messages` is appended. */
  baseUrl: string;
  token?: string;
  /** The registered brand name shown as the sender, if the gateway needs one. */
  sender?: string;
  retry?: Partial<RetryPolicy>;
}

export class HttpSmsSender implements SmsSender {
  private readonly url: string;
  private readonly headers: Record<string, string>;
  private readonly sender: string | undefined;
  private readonly retry: RetryPolicy;

  constructor(options: HttpSmsSenderOptions) {
    this.url = `${options.baseUrl.replace(/\/+$/, '')}/messages`;
    this.headers = { 'content-type': 'application/json', accept: 'application/json' };
    if (options.token) this.headers.authorization = `Bearer ${options.token}`;
    this.sender = options.sender;
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  }

  async send(phone: string, text: string): Promise<void> {
    const parsed = parsePhone(phone);
    if (!parsed.ok)
      throw new SmsError('HOSO_ERR_SMS_REJECTED', `not a Vietnamese mobile number (${parsed.error.code})`);
    // The same key on every retry lets the gateway drop a duplicate when an answer was lost, not the message.
    const idempotencyKey = randomUUID();
    const body = JSON.stringify({
      to: parsed.value.e164,
      text,
      ...(this.sender ? { sender: this.sender } : {}),
    });
    let answer: Awaited<ReturnType<typeof requestWithRetry>>;
    try {
      answer = await requestWithRetry(
        this.url,
        { method: 'POST', headers: { ...this.headers, 'idempotency-key': idempotencyKey }, body },
        this.retry,
      );
    } catch (error) {
      if (error instanceof RequestFailedError) {
        throw new SmsError('HOSO_ERR_SMS_UNAVAILABLE', error.message, { cause: error });
      }
      throw error;
    }
    const { response, attempts } = answer;
    // The answer's body (`{ id }`) is informative only: a 2xx means the gateway took the message.
    await response.arrayBuffer().catch(() => undefined);
    if (response.status >= 500) {
      throw new SmsError(
        'HOSO_ERR_SMS_UNAVAILABLE',
        `SMS gateway answered ${response.status} after ${attempts} attempts`,
        {
          status: response.status,
        },
      );
    }
    if (response.status < 200 || response.status >= 300) {
      throw new SmsError('HOSO_ERR_SMS_REJECTED', `SMS gateway refused the message with ${response.status}`, {
        status: response.status,
      });
    }
  }
}
