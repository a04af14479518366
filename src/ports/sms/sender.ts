/** Sends a text message to a Vietnamese mobile number (`0xxxxxxxxx`). */
export interface SmsSender {
  send(phone: string, text: string): Promise<void>;
}

export type SmsErrorCode = 'HOSO_ERR_SMS_UNAVAILABLE' | 'HOSO_ERR_SMS_REJECTED';

/** The message could not be handed over. The citizen is told to try again later; the log gets the detail. */
export class SmsError extends Error {
  readonly code: SmsErrorCode;
  readonly key = 'identity:errors.HOSO_ERR_SMS_UNAVAILABLE';
  readonly status: number | undefined;
  constructor(code: SmsErrorCode, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'SmsError';
    this.code = code;
    this.status = options.status;
  }
}
