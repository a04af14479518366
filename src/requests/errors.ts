/**
 * Errors of the request lifecycle a caller can meet, each with a stable code and a message key in the
 * `requests` locale namespace.
 */
export type RequestErrorCode =
  | 'HOSO_ERR_REQUEST_NOT_FOUND'
  | 'HOSO_ERR_REQUEST_ILLEGAL_TRANSITION'
  | 'HOSO_ERR_REQUEST_INVALID'
  | 'HOSO_ERR_REQUEST_BUSY'
  | 'HOSO_ERR_PAYMENT_AMOUNT_MISMATCH'
  | 'HOSO_ERR_PAYMENT_NOT_EXPECTED';

export class RequestError extends Error {
  readonly messageKey: string;
  constructor(
    readonly code: RequestErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'RequestError';
    this.messageKey = `requests:errors.${code}`;
  }
}

/** A state change the lifecycle does not allow (e.g. issuing a request that was never paid). */
export class IllegalTransitionError extends RequestError {
  constructor(
    readonly requestCode: string,
    readonly from: string,
    readonly to: string,
  ) {
    super('HOSO_ERR_REQUEST_ILLEGAL_TRANSITION', `request ${requestCode} cannot go from ${from} to ${to}`, {
      from,
      to,
    });
    this.name = 'IllegalTransitionError';
  }
}
