/**
 * Errors of the extracts module. Each carries a stable code; the user-facing text lives in the locales under
 * `errors.<code>` (the lead's i18n), the message here is for operators and logs.
 */
export const EXTRACT_ERROR_CODES = [
  'HOSO_ERR_EXTRACT_INVALID_INPUT',
  'HOSO_ERR_EXTRACT_UNSUPPORTED_CHARACTER',
  'HOSO_ERR_EXTRACT_VISIT_NOT_FOUND',
  'HOSO_ERR_SIGNING_KEY_UNREADABLE',
  'HOSO_ERR_SIGNING_KEY_MISSING',
  'HOSO_ERR_KEYS_EXIST',
  'HOSO_ERR_SIGNING_KEY_DEVELOPMENT',
  'HOSO_ERR_DOCUMENT_NOT_FOUND',
  'HOSO_ERR_DOCUMENT_ALREADY_REVOKED',
  'HOSO_ERR_REGISTRY_UNAVAILABLE',
] as const;

export type ExtractErrorCode = (typeof EXTRACT_ERROR_CODES)[number];

export class ExtractError extends Error {
  override readonly name = 'ExtractError';
  readonly messageKey: string;

  constructor(
    readonly code: ExtractErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.messageKey = `errors.${code}`;
  }
}
