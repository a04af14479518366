import { createHash, randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import { z } from 'zod';
import type { Address } from '../dialogue/message.ts';
import { ChannelSchema } from '../dialogue/message.ts';
import { LangSchema } from '../i18n.ts';
import { PersonalIdSchema } from '../ports/population/citizen.ts';
import { constantTimeEqual } from '../privacy/crypto.ts';
import type { KeyValueStore } from '../store/types.ts';
import type { AssuranceLevel } from './links.ts';
import type { ParseProblem } from './parse/result.ts';

/**
 * Linking through a licensed electronic-authentication provider (Decree 69/2024 Art. 18–19, domain notes §2.3)
 * speaking OpenID Connect: authorisation-code flow with PKCE, `state` and `nonce`. The chat gets a short link
 * to `/auth/oidc/start/<state>`; the state, the PKCE verifier and the nonce stay on the server, are bound to
 * the chat account that asked and to the browser that opened the link, expire, and work once.
 */

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  /** `${PUBLIC_URL}/auth/oidc/callback` */
  redirectUri: string;
  /** Where chat links point: `${PUBLIC_URL}` */
  publicUrl: string;
  scope: string;
  /** The ID token (or userinfo) claim holding the 12-digit personal ID number. */
  idClaim: string;
  /** The claim holding the assurance level ("2", 2, "loa-2", "urn:…:2"). */
  levelClaim: string;
  /** Shown to citizens: "Đăng nhập VNeID". */
  providerName: string;
  /** Plain-HTTP issuers (a local test provider); never in production. */
  allowInsecure: boolean;
  linkTtlMs: number;
}

export const OIDC_START_PATH = '/auth/oidc/start';
export const OIDC_CALLBACK_PATH = '/auth/oidc/callback';

const StateRecordSchema = z.object({
  channel: ChannelSchema,
  userId: z.string().min(1),
  lang: LangSchema,
  mode: z.enum(['link', 'refresh']),
  verifier: z.string(),
  nonce: z.string(),
  createdAt: z.string(),
  /** sha256 of the cookie set by the start route: the callback must come from that browser. */
  browser: z.string().optional(),
});
export type OidcStateRecord = z.infer<typeof StateRecordSchema>;

export type OidcErrorCode =
  | 'HOSO_ERR_OIDC_LINK_EXPIRED'
  | 'HOSO_ERR_OIDC_OTHER_BROWSER'
  | 'HOSO_ERR_OIDC_DENIED'
  | 'HOSO_ERR_OIDC_FAILED'
  | 'HOSO_ERR_OIDC_NO_ID'
  | 'HOSO_ERR_OIDC_UNAVAILABLE';

/** A failed OIDC step: `code` picks the message, `record` (when known) says which chat to tell. */
export class OidcError extends Error {
  readonly key: string;
  constructor(
    readonly code: OidcErrorCode,
    message: string,
    readonly record?: OidcStateRecord,
    options: { cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'OidcError';
    this.key = `identity:errors.${code}`;
  }
}

export interface OidcLogin {
  record: OidcStateRecord;
  address: Address;
  citizenId: string;
  level: AssuranceLevel;
  /** True when the provider asserted no level and the lowest was assumed. */
  levelAssumed: boolean;
}

/** What the callback achieved, waiting for the chat turn that tells the citizen (single use). */
export type OidcCompletion = { mode: 'link' | 'refresh' } & (
  | { status: 'linked' | 'verified'; citizenKey: string; level: AssuranceLevel; levelAssumed: boolean }
  | { status: 'refused'; problem: ParseProblem }
);

const STATE_PATTERN = /^[A-Za-z0-9_-]{32,64}$/;

export class OidcLinker {
  private configuration: Promise<oidc.Configuration> | undefined;

  constructor(
    readonly settings: OidcSettings,
    private readonly kv: KeyValueStore,
  ) {}

  /** Stores a fresh state for this chat account and returns the short link the chat shows. */
  async createLink(
    address: Address,
    lang: 'vi' | 'en',
    mode: 'link' | 'refresh',
    now: Date,
  ): Promise<string> {
    const state = oidc.randomState();
    const record: OidcStateRecord = {
      channel: address.channel,
      userId: address.userId,
      lang,
      mode,
      verifier: oidc.randomPKCECodeVerifier(),
      nonce: oidc.randomNonce(),
      createdAt: now.toISOString(),
    };
    await this.kv.set(stateKey(state), JSON.stringify(record), { ttlMs: this.settings.linkTtlMs });
    return `${this.settings.publicUrl}${OIDC_START_PATH}/${state}`;
  }

  /**
   * The start route: binds the state to this browser (the returned cookie value) and gives the provider's
   * authorisation URL. A start link opens once.
   */
  async begin(
    state: string,
  ): Promise<{ authorizationUrl: URL; browserSecret: string; record: OidcStateRecord }> {
    const record = await this.load(state);
    if (!record || record.browser) {
      throw new OidcError('HOSO_ERR_OIDC_LINK_EXPIRED', 'unknown, expired or already opened OIDC link');
    }
    const config = await this.config();
    const browserSecret = randomBytes(24).toString('base64url');
    const ttl = await this.kv.pttl(stateKey(state));
    await this.kv.set(stateKey(state), JSON.stringify({ ...record, browser: sha256(browserSecret) }), {
      ttlMs: ttl > 0 ? ttl : this.settings.linkTtlMs,
    });
    const authorizationUrl = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.settings.redirectUri,
      scope: this.settings.scope,
      state,
      nonce: record.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(record.verifier),
      code_challenge_method: 'S256',
      // A shared computer may still hold someone else's provider session: always ask who is there.
      prompt: 'login',
      ui_locales: record.lang,
    });
    return { authorizationUrl, browserSecret, record };
  }

  /** The callback: consumes the state (single use), checks the browser, exchanges the code, reads the claims. */
  async finish(currentUrl: URL, browserSecret: string | undefined): Promise<OidcLogin> {
    const state = currentUrl.searchParams.get('state') ?? '';
    const record = await this.consume(state);
    if (!record) throw new OidcError('HOSO_ERR_OIDC_LINK_EXPIRED', 'unknown, expired or already used state');
    if (!record.browser || !browserSecret || !constantTimeEqual(sha256(browserSecret), record.browser)) {
      throw new OidcError(
        'HOSO_ERR_OIDC_OTHER_BROWSER',
        'callback from a browser that did not open the link',
        record,
      );
    }
    const error = currentUrl.searchParams.get('error');
    if (error) {
      throw new OidcError(
        error === 'access_denied' ? 'HOSO_ERR_OIDC_DENIED' : 'HOSO_ERR_OIDC_FAILED',
        `provider answered ${error}`,
        record,
      );
    }
    const config = await this.config(record);
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(config, currentUrl, {
        pkceCodeVerifier: record.verifier,
        expectedState: state,
        expectedNonce: record.nonce,
        idTokenExpected: true,
      });
    } catch (cause) {
      throw new OidcError('HOSO_ERR_OIDC_FAILED', `code exchange failed: ${describe(cause)}`, record, {
        cause,
      });
    }
    let claims: Record<string, unknown> = { ...(tokens.claims() ?? {}) };
    if (claimAt(claims, this.settings.idClaim) === undefined) {
      // Some providers keep personal claims out of the ID token; userinfo carries them for the same subject.
      try {
        const info = await oidc.fetchUserInfo(
          config,
          tokens.access_token,
          String(claims.sub ?? oidc.skipSubjectCheck),
        );
        claims = { ...info, ...claims };
      } catch (cause) {
        throw new OidcError('HOSO_ERR_OIDC_FAILED', `userinfo failed: ${describe(cause)}`, record, { cause });
      }
    }
    const citizenId = PersonalIdSchema.safeParse(String(claimAt(claims, this.settings.idClaim) ?? ''));
    if (!citizenId.success) {
      throw new OidcError(
        'HOSO_ERR_OIDC_NO_ID',
        `claim ${this.settings.idClaim} is missing or not a 12-digit ID number`,
        record,
      );
    }
    const rawLevel = claimAt(claims, this.settings.levelClaim);
    return {
      record,
      address: { channel: record.channel, userId: record.userId },
      citizenId: citizenId.data,
      level: parseAssuranceLevel(rawLevel) ?? 1,
      levelAssumed: parseAssuranceLevel(rawLevel) === undefined,
    };
  }

  async recordCompletion(address: Address, completion: OidcCompletion): Promise<void> {
    await this.kv.set(completionKey(address), JSON.stringify(completion), { ttlMs: this.settings.linkTtlMs });
  }

  async takeCompletion(address: Address): Promise<OidcCompletion | undefined> {
    const raw = await this.kv.get(completionKey(address));
    if (!raw || !(await this.kv.delIfEquals(completionKey(address), raw))) return undefined;
    return JSON.parse(raw) as OidcCompletion;
  }

  private async load(state: string): Promise<OidcStateRecord | undefined> {
    if (!STATE_PATTERN.test(state)) return undefined;
    const raw = await this.kv.get(stateKey(state));
    const parsed = raw ? StateRecordSchema.safeParse(JSON.parse(raw)) : undefined;
    return parsed?.success ? parsed.data : undefined;
  }

  private async consume(state: string): Promise<OidcStateRecord | undefined> {
    if (!STATE_PATTERN.test(state)) return undefined;
    const raw = await this.kv.get(stateKey(state));
    // Only the request that deletes it may use it, so a replayed callback finds nothing.
    if (!raw || !(await this.kv.delIfEquals(stateKey(state), raw))) return undefined;
    const parsed = StateRecordSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  }

  /** Discovery once, lazily (a turn never waits on the provider); a failure is retried on the next use. */
  private config(record?: OidcStateRecord): Promise<oidc.Configuration> {
    if (!this.configuration) {
      const { issuer, clientId, clientSecret, allowInsecure } = this.settings;
      this.configuration = oidc
        .discovery(
          new URL(issuer),
          clientId,
          undefined,
          clientSecret ? oidc.ClientSecretBasic(clientSecret) : oidc.None(),
          { ...(allowInsecure ? { execute: [oidc.allowInsecureRequests] } : {}), timeout: 10 },
        )
        .catch((cause: unknown) => {
          this.configuration = undefined;
          throw new OidcError('HOSO_ERR_OIDC_UNAVAILABLE', `discovery failed: ${describe(cause)}`, record, {
            cause,
          });
        });
    }
    return this.configuration;
  }
}

/** "2", 2, "loa-2", "urn:vn:vneid:level:2" → 2; levels above 2 count as 2 (VNeID accounts have two). */
export function parseAssuranceLevel(value: unknown): AssuranceLevel | undefined {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '';
  const match = /(\d+)\s*$/.exec(text);
  if (!match) return undefined;
  const n = Number(match[1]);
  return n >= 2 ? 2 : n === 1 ? 1 : 0;
}

/** A claim by name, or a dotted path into a nested claim ("vneid.citizen_id"). */
function claimAt(claims: Record<string, unknown>, path: string): unknown {
  if (path in claims) return claims[path];
  return path
    .split('.')
    .reduce<unknown>(
      (v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined),
      claims,
    );
}

function stateKey(state: string): string {
  // The state is random and single use, but a hash keeps even that out of the key space.
  return `oidc:state:${sha256(state)}`;
}

function completionKey(address: Address): string {
  return `oidc:done:${address.channel}:${address.userId}`;
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return code ? `${error.name} ${String(code)}: ${error.message}` : `${error.name}: ${error.message}`;
  }
  return String(error);
}
