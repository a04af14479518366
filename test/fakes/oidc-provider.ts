import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import Provider, { type Adapter, type AdapterPayload } from 'oidc-provider';

/**
 * A real OpenID Connect provider (node-oidc-provider) on a local port, standing in for a licensed
 * e-authentication provider in front of VNeID. Its login page is a one-field form: the fixture account to
 * log in as. No consent screen: logging in grants the requested scopes, as a government provider would.
 */
export interface FakeOidcProviderOptions {
  port: number;
  /** Where the client is allowed to return: Hoso's `${PUBLIC_URL}/auth/oidc/callback`. */
  redirectUri: string;
  /** Fixture accounts by subject, with the claims the provider releases for them. */
  accounts: Record<string, Record<string, unknown>>;
  clientId?: string;
  clientSecret?: string;
}

export interface FakeOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Scopes that release the fixture claims. */
  scope: string;
  close(): Promise<void>;
}

export async function startOidcProvider(options: FakeOidcProviderOptions): Promise<FakeOidcProvider> {
  const issuer = `http://127.0.0.1:${options.port}`;
  const clientId = options.clientId ?? 'hoso-test';
  const clientSecret = options.clientSecret ?? 'hoso-test-secret-0123456789abcdef';
  const claimNames = [...new Set(Object.values(options.accounts).flatMap((c) => Object.keys(c)))];
  const provider = new Provider(issuer, {
    adapter: MemoryAdapter,
    jwks: { keys: [signingKey()] },
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [options.redirectUri],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    scopes: ['openid', 'vneid'],
    claims: { openid: ['sub'], vneid: claimNames },
    // Put the scope's claims in the ID token itself, as the bot reads them there first.
    conformIdTokenClaims: false,
    cookies: { keys: ['fake-oidc-cookie-key-0123456789'] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    pkce: { required: () => true },
    ttl: {
      Session: 600,
      Grant: 600,
      Interaction: 600,
      AccessToken: 600,
      IdToken: 600,
      AuthorizationCode: 60,
    },
    findAccount: async (_ctx, sub) => {
      const claims = options.accounts[sub];
      return claims ? { accountId: sub, claims: async () => ({ sub, ...claims }) } : undefined;
    },
  });

  async function interaction(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', issuer);
    const [, , uid, action] = url.pathname.split('/');
    if (req.method === 'GET' && !action) {
      await provider.interactionDetails(req, res);
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(
        `<!doctype html><title>VNeID (fake)</title><form method="post" action="/interaction/${uid}/login">` +
          '<input name="login"><button>Đăng nhập</button></form>' +
          `<a href="/interaction/${uid}/abort">Hủy</a>`,
      );
      return;
    }
    if (action === 'abort') {
      await provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'End-User aborted interaction' },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    if (req.method === 'POST' && action === 'login') {
      const form = new URLSearchParams(await readBody(req));
      const sub = form.get('login') ?? '';
      const details = await provider.interactionDetails(req, res);
      if (!options.accounts[sub]) {
        res.statusCode = 400;
        res.end('unknown account');
        return;
      }
      const grant = new provider.Grant({ accountId: sub, clientId: String(details.params.client_id) });
      grant.addOIDCScope(String(details.params.scope));
      grant.addOIDCClaims(claimNames);
      const grantId = await grant.save();
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: sub }, consent: { grantId } },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    res.statusCode = 404;
    res.end();
  }

  const callback = provider.callback();
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/interaction/')) {
      interaction(req, res).catch((err: Error) => {
        res.statusCode = 500;
        res.end(err.message);
      });
      return;
    }
    void callback(req, res);
  });
  await new Promise<void>((resolve) => server.listen(options.port, '127.0.0.1', resolve));
  return {
    issuer,
    clientId,
    clientSecret,
    scope: 'openid vneid',
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let key: Record<string, unknown> | undefined;
/** One RSA signing key per test file: generating one takes a few hundred milliseconds. */
function signingKey(): Record<string, unknown> {
  key ??= {
    ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
    kid: 'fake-oidc',
    use: 'sig',
    alg: 'RS256',
  };
  return key;
}

/** The provider's artefacts in a map (its own in-memory adapter works too, but warns on every start). */
class MemoryAdapter implements Adapter {
  private static readonly items = new Map<string, { payload: AdapterPayload; expiresAt: number }>();
  constructor(private readonly model: string) {}

  private key(id: string): string {
    return `${this.model}:${id}`;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    MemoryAdapter.items.set(this.key(id), { payload, expiresAt: Date.now() + expiresIn * 1000 });
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const item = MemoryAdapter.items.get(this.key(id));
    return item && item.expiresAt > Date.now() ? item.payload : undefined;
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return [...MemoryAdapter.items.values()].find((i) => i.payload.userCode === userCode)?.payload;
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return [...MemoryAdapter.items.entries()].find(
      ([k, i]) => k.startsWith(`${this.model}:`) && i.payload.uid === uid,
    )?.[1].payload;
  }

  async consume(id: string): Promise<void> {
    const item = MemoryAdapter.items.get(this.key(id));
    if (item) item.payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id: string): Promise<void> {
    MemoryAdapter.items.delete(this.key(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    for (const [k, i] of MemoryAdapter.items)
      if (i.payload.grantId === grantId) MemoryAdapter.items.delete(k);
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A browser with a cookie jar per origin that follows redirects by hand, so a test can stop where a person
 * would act (the provider's login form) and see every hop.
 */
export class TestBrowser {
  private readonly jars = new Map<string, Map<string, string>>();

  /** Forgets the cookies of one origin (another browser, as far as that site can tell). */
  clearCookies(origin: string): void {
    this.jars.delete(new URL(origin).origin);
  }

  /** Follows redirects from `url` until a page answers; returns that page. */
  async open(
    url: string,
    init: { method?: string; form?: Record<string, string> } = {},
  ): Promise<{ url: string; status: number; html: string }> {
    let next = url;
    let method = init.method ?? 'GET';
    let body = init.form ? new URLSearchParams(init.form).toString() : undefined;
    for (let hop = 0; hop < 20; hop++) {
      const origin = new URL(next).origin;
      const jar = this.jars.get(origin) ?? new Map<string, string>();
      this.jars.set(origin, jar);
      const res = await fetch(next, {
        method,
        redirect: 'manual',
        headers: {
          ...(jar.size > 0 ? { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
          ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        ...(body ? { body } : {}),
      });
      for (const cookie of res.headers.getSetCookie()) {
        const [pair = '', ...attributes] = cookie.split(';');
        const eq = pair.indexOf('=');
        const name = pair.slice(0, eq).trim();
        const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || pair.slice(eq + 1) === '';
        if (expired) jar.delete(name);
        else jar.set(name, pair.slice(eq + 1));
      }
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        await res.arrayBuffer();
        next = new URL(location, next).href;
        method = 'GET';
        body = undefined;
        continue;
      }
      return { url: next, status: res.status, html: await res.text() };
    }
    throw new Error('too many redirects');
  }

  /** Opens Hoso's start link and stops on the provider's login form. */
  async startLogin(startUrl: string): Promise<{ loginAction: string; abortUrl: string; status: number }> {
    const page = await this.open(startUrl);
    const action = /action="([^"]+)"/.exec(page.html)?.[1];
    const abort = /href="([^"]+\/abort)"/.exec(page.html)?.[1];
    if (!action || !abort) return { loginAction: '', abortUrl: '', status: page.status };
    return {
      loginAction: new URL(action, page.url).href,
      abortUrl: new URL(abort, page.url).href,
      status: page.status,
    };
  }

  /** The whole way: start link → provider login as `account` → Hoso's callback page. */
  async loginAs(startUrl: string, account: string): Promise<{ url: string; status: number; html: string }> {
    const { loginAction } = await this.startLogin(startUrl);
    if (!loginAction) throw new Error('the start link did not lead to the provider’s login form');
    return this.open(loginAction, { method: 'POST', form: { login: account } });
  }
}
