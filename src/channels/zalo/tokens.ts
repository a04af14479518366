import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { TurnLogger } from '../../dialogue/context.ts';
import type { KeyValueStore } from '../../store/types.ts';

const TOKENS_KEY = 'zalo:tokens';
const LOCK_KEY = 'zalo:token-refresh';
/** A token this close to its end is renewed before use rather than sent to be refused. */
const EARLY_MS = 60_000;

const StoredTokensSchema = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1),
  expiresAt: z.number(),
});
type StoredTokens = z.infer<typeof StoredTokensSchema>;

/** Zalo's answer to a refresh (OAuth v4): expires_in arrives as a string of seconds. */
const RefreshAnswerSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: z.union([z.string(), z.number()]).transform(Number),
});

export class ZaloTokenError extends Error {
  readonly code = 'HOSO_ERR_CHANNEL_UNAVAILABLE';
}

export interface ZaloTokensOptions {
  appId: string;
  appSecret: string;
  /** The refresh token given at setup; used until Zalo hands out the next one (each is good for one use). */
  initialRefreshToken: string;
  oauthRoot: string;
  /** Where the pair is kept, sealed: the durable records. */
  records: KeyValueStore;
  /** Where the cluster-wide refresh lock lives: Redis (or memory). */
  locks: KeyValueStore;
  seal: (plain: string, context: string) => string;
  open: (sealed: string, context: string) => string;
  log: TurnLogger;
  now?: () => number;
}

/**
 * The OA's access/refresh pair. Zalo's refresh token is single-use, so two processes refreshing at once would
 * leave one with a dead token: exactly one process refreshes (under a lock), the others wait for its result.
 */
export class ZaloTokens {
  private readonly now: () => number;
  private cached: StoredTokens | undefined;

  constructor(private readonly options: ZaloTokensOptions) {
    this.now = options.now ?? Date.now;
  }

  /** A usable access token, refreshed first when there is none or it is about to end. */
  async accessToken(): Promise<string> {
    const stored = await this.load();
    if (stored && stored.expiresAt - EARLY_MS > this.now()) return stored.accessToken;
    return this.refresh(stored?.accessToken);
  }

  /**
   * Renews the pair because `rejected` was refused (or is old). If another process already renewed it,
   * its token is returned without a second refresh.
   */
  async refresh(rejected: string | undefined): Promise<string> {
    const deadline = this.now() + 20_000;
    for (;;) {
      const lockToken = randomUUID();
      if (await this.options.locks.set(LOCK_KEY, lockToken, { ttlMs: 15_000, nx: true })) {
        try {
          const current = await this.load(true);
          if (current && current.accessToken !== rejected && current.expiresAt - EARLY_MS > this.now()) {
            return current.accessToken;
          }
          const next = await this.callRefresh(current?.refreshToken ?? this.options.initialRefreshToken);
          await this.save(next);
          this.options.log.info({}, 'zalo access token renewed');
          return next.accessToken;
        } finally {
          await this.options.locks.delIfEquals(LOCK_KEY, lockToken);
        }
      }
      // Someone else is renewing: wait for their pair rather than spend the refresh token twice.
      await new Promise((r) => setTimeout(r, 100));
      const current = await this.load(true);
      if (current && current.accessToken !== rejected && current.expiresAt - EARLY_MS > this.now()) {
        return current.accessToken;
      }
      if (this.now() > deadline) throw new ZaloTokenError('timed out waiting for the Zalo token refresh');
    }
  }

  private async callRefresh(refreshToken: string): Promise<StoredTokens> {
    const res = await fetch(`${this.options.oauthRoot}/v4/oa/access_token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        secret_key: this.options.appSecret,
      },
      body: new URLSearchParams({
        refresh_token: refreshToken,
        app_id: this.options.appId,
        grant_type: 'refresh_token',
      }).toString(),
      signal: AbortSignal.timeout(10_000),
    }).catch((err: unknown) => {
      throw new ZaloTokenError(`Zalo OAuth unreachable: ${String(err)}`);
    });
    const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    const parsed = RefreshAnswerSchema.safeParse(body);
    if (!res.ok || !parsed.success) {
      throw new ZaloTokenError(
        `Zalo refused the token refresh (HTTP ${res.status}, error ${String(body.error ?? '?')})`,
      );
    }
    return {
      accessToken: parsed.data.access_token,
      refreshToken: parsed.data.refresh_token,
      expiresAt: this.now() + parsed.data.expires_in * 1000,
    };
  }

  private async load(fresh = false): Promise<StoredTokens | undefined> {
    if (this.cached && !fresh && this.cached.expiresAt - EARLY_MS > this.now()) return this.cached;
    const sealed = await this.options.records.get(TOKENS_KEY);
    if (!sealed) return undefined;
    try {
      this.cached = StoredTokensSchema.parse(JSON.parse(this.options.open(sealed, TOKENS_KEY)));
      return this.cached;
    } catch (err) {
      this.options.log.warn(
        { err: String(err) },
        'stored zalo tokens unreadable; refreshing from configuration',
      );
      return undefined;
    }
  }

  private async save(tokens: StoredTokens): Promise<void> {
    this.cached = tokens;
    await this.options.records.set(TOKENS_KEY, this.options.seal(JSON.stringify(tokens), TOKENS_KEY));
  }
}
