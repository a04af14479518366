import type { ZaloTokens } from './tokens.ts';

/** Zalo answers HTTP 200 with `error` non-zero on failure; these codes mean the access token is no good. */
export const TOKEN_REJECTED_CODES = new Set([-216, -124]);
/**
 * These mean the follower is outside the window in which the OA may send consultation messages
 * (-213: has not interacted recently / not a follower; -230: no interaction in the last 7 days).
 */
export const OUTSIDE_WINDOW_CODES = new Set([-213, -230]);

export class ZaloApiError extends Error {
  readonly code = 'HOSO_ERR_CHANNEL_UNAVAILABLE';
  constructor(
    message: string,
    readonly zaloError: number,
  ) {
    super(message);
  }
}

export class ZaloOutsideWindowError extends ZaloApiError {}

export interface ZaloApi {
  /** POST JSON to a path under the API root (e.g. /v3.0/oa/message/cs); returns `data`. */
  post(path: string, body: unknown): Promise<Record<string, unknown>>;
  /** Multipart upload of one file (field `file`), for /v2.0/oa/upload/image or /upload/file. */
  upload(
    path: string,
    bytes: Uint8Array,
    filename: string,
    mimeType: string,
  ): Promise<Record<string, unknown>>;
}

/** The OA Open API with the access token in its header; a refused token is renewed and the call made once more. */
export function createZaloApi(apiRoot: string, tokens: ZaloTokens): ZaloApi {
  async function call(path: string, init: (token: string) => RequestInit): Promise<Record<string, unknown>> {
    let token = await tokens.accessToken();
    for (let attempt = 1; ; attempt++) {
      const res = await fetch(`${apiRoot}${path}`, { ...init(token), signal: AbortSignal.timeout(30_000) });
      const body = (await res.json().catch(() => ({ error: -1, message: `HTTP ${res.status}` }))) as {
        error?: number;
        message?: string;
        data?: Record<string, unknown>;
      };
      const error = Number(body.error ?? (res.ok ? 0 : -1));
      if (error === 0 && res.ok) return body.data ?? {};
      if (TOKEN_REJECTED_CODES.has(error) && attempt === 1) {
        token = await tokens.refresh(token);
        continue;
      }
      const message = `Zalo ${path} failed: error ${error} ${body.message ?? ''}`.trim();
      if (OUTSIDE_WINDOW_CODES.has(error)) throw new ZaloOutsideWindowError(message, error);
      throw new ZaloApiError(message, error);
    }
  }
  return {
    post: (path, body) =>
      call(path, (token) => ({
        method: 'POST',
        headers: { 'content-type': 'application/json', access_token: token },
        body: JSON.stringify(body),
      })),
    upload: (path, bytes, filename, mimeType) =>
      call(path, (token) => {
        const form = new FormData();
        form.append('file', new Blob([Buffer.from(bytes)], { type: mimeType }), filename);
        return { method: 'POST', headers: { access_token: token }, body: form };
      }),
  };
}
