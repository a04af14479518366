import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ConversationHandler } from '../conversation/handle-inbound.ts';
import type { Notifier } from '../conversation/notifier.ts';
import type { TurnLogger } from '../dialogue/context.ts';
import type { Address } from '../dialogue/message.ts';
import type { Lang, Translator } from '../i18n.ts';
import { PopulationRegistryError } from '../ports/population/registry.ts';
import type { IdentityService } from './linking.ts';
import {
  OIDC_CALLBACK_PATH,
  OIDC_START_PATH,
  type OidcCompletion,
  OidcError,
  type OidcLinker,
  type OidcLogin,
} from './oidc.ts';
import { fail, type ParseProblem } from './parse/result.ts';

export interface OidcRoutesOptions {
  oidc: OidcLinker;
  service: IdentityService;
  /** The chat turn that tells the citizen (and resumes what they were doing) runs through the handler. */
  handle: ConversationHandler;
  notifier: Notifier;
  translator: Translator;
  log: TurnLogger;
  /** Mark the browser-binding cookie Secure (PUBLIC_URL is https). */
  secureCookies: boolean;
  now?: () => Date;
}

/** The chat action the callback sends to the conversation once the login is recorded. */
export const OIDC_DONE_ACTION = 'link:oidc-done';

const COOKIE_PREFIX = 'hoso_oidc_';

/**
 * What a successful provider login means for the chat account: linked (after the same checks as SMS
 * linking), re-verified (a fresh login of the citizen already linked), or refused with a reason.
 */
export async function completeOidcLogin(
  login: OidcLogin,
  service: IdentityService,
  now: Date,
): Promise<OidcCompletion> {
  const mode = login.record.mode;
  const refused = (problem: ParseProblem): OidcCompletion => ({ mode, status: 'refused', problem });
  let citizen: Awaited<ReturnType<IdentityService['registry']['findByCitizenId']>>;
  try {
    citizen = await service.registry.findByCitizenId(login.citizenId);
  } catch (error) {
    if (!(error instanceof PopulationRegistryError)) throw error;
    return refused({ code: error.code, key: error.key, params: {} });
  }
  if (!citizen) return refused(fail('HOSO_ERR_OIDC_NOT_IN_REGISTRY').error);
  if (mode === 'refresh') {
    const link = await service.links.accountLink(login.address);
    if (!link || link.citizenKey !== service.links.citizenKeyOf(citizen.id)) {
      return refused(fail('HOSO_ERR_OIDC_OTHER_CITIZEN').error);
    }
    await service.links.markVerified(login.address, now);
    return { mode, status: 'verified', citizenKey: link.citizenKey, level: link.level, levelAssumed: false };
  }
  const refusal = service.eligibility(citizen, now);
  if (refusal) return refused(refusal);
  const { citizenKey } = await service.link(login.address, citizen, 'oidc', now, login.level);
  return { mode, status: 'linked', citizenKey, level: login.level, levelAssumed: login.levelAssumed };
}

/** `GET /auth/oidc/start/:state` (the link shown in chat) and `GET /auth/oidc/callback` (the redirect URI). */
export function oidcRoutes(options: OidcRoutesOptions): FastifyPluginAsync {
  const { oidc, service, translator, log } = options;
  const now = options.now ?? (() => new Date());
  const provider = oidc.settings.providerName;

  function page(reply: FastifyReply, status: number, lang: Lang, body: string): FastifyReply {
    const t = translator.t(lang);
    const html = `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(t('identity:oidcPage.title'))}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;line-height:1.5}</style>
</head><body><h1>Hoso</h1><p data-testid="oidc-result">${escapeHtml(body)}</p><p>${escapeHtml(t('identity:oidcPage.back'))}</p></body></html>`;
    return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
  }

  async function tellChat(address: Address, completion: OidcCompletion): Promise<void> {
    try {
      await oidc.recordCompletion(address, completion);
      const result = await options.handle({
        channel: address.channel,
        userId: address.userId,
        action: OIDC_DONE_ACTION,
      });
      if (result.messages.length > 0) await options.notifier.send(address, result.messages);
    } catch (err) {
      // The page still tells the citizen; the chat hears it on their next message at the latest.
      log.warn(
        { channel: address.channel, err: (err as Error).message },
        'OIDC result not pushed to the chat',
      );
    }
  }

  return async (app) => {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.get(
      `${OIDC_START_PATH}/:state`,
      { schema: { params: z.object({ state: z.string().max(128) }) } },
      async (request, reply) => {
        try {
          const { authorizationUrl, browserSecret, record } = await oidc.begin(request.params.state);
          const cookie = [
            `${COOKIE_PREFIX}${request.params.state.slice(0, 8)}=${browserSecret}`,
            `Path=${OIDC_CALLBACK_PATH}`,
            'HttpOnly',
            'SameSite=Lax',
            `Max-Age=${Math.round(oidc.settings.linkTtlMs / 1000)}`,
            ...(options.secureCookies ? ['Secure'] : []),
          ].join('; ');
          log.info({ channel: record.channel, mode: record.mode }, 'OIDC login started');
          return reply
            .header('set-cookie', cookie)
            .header('cache-control', 'no-store')
            .redirect(authorizationUrl.href, 302);
        } catch (error) {
          if (!(error instanceof OidcError)) throw error;
          log.warn({ code: error.code, err: error.message }, 'OIDC start refused');
          const t = translator.t('vi');
          return page(
            reply,
            error.code === 'HOSO_ERR_OIDC_UNAVAILABLE' ? 503 : 410,
            'vi',
            t(error.key, { provider }),
          );
        }
      },
    );

    r.get(OIDC_CALLBACK_PATH, async (request, reply) => {
      const url = new URL(request.url, oidc.settings.redirectUri);
      const state = url.searchParams.get('state') ?? '';
      const secret = readCookie(request.headers.cookie, `${COOKIE_PREFIX}${state.slice(0, 8)}`);
      void reply.header(
        'set-cookie',
        `${COOKIE_PREFIX}${state.slice(0, 8)}=; Path=${OIDC_CALLBACK_PATH}; HttpOnly; SameSite=Lax; Max-Age=0`,
      );
      let login: OidcLogin;
      try {
        login = await oidc.finish(url, secret);
      } catch (error) {
        if (!(error instanceof OidcError)) throw error;
        log.warn({ code: error.code, err: error.message }, 'OIDC callback refused');
        const lang = error.record?.lang ?? 'vi';
        if (error.record) {
          await tellChat(
            { channel: error.record.channel, userId: error.record.userId },
            {
              mode: error.record.mode,
              status: 'refused',
              problem: { code: error.code, key: error.key, params: { provider } },
            },
          );
        }
        const status =
          error.code === 'HOSO_ERR_OIDC_FAILED' || error.code === 'HOSO_ERR_OIDC_UNAVAILABLE' ? 502 : 400;
        return page(reply, status, lang, translator.t(lang)(error.key, { provider }));
      }
      const completion = await completeOidcLogin(login, service, now());
      log.info(
        {
          channel: login.address.channel,
          mode: completion.mode,
          outcome: completion.status,
          ...(completion.status === 'refused'
            ? { code: completion.problem.code }
            : { level: completion.level }),
        },
        'OIDC login completed',
      );
      if (completion.status !== 'refused' && completion.levelAssumed) {
        log.warn(
          { claim: oidc.settings.levelClaim },
          'OIDC ID token carries no assurance level; level 1 assumed',
        );
      }
      await tellChat(login.address, completion);
      const t = translator.t(login.record.lang);
      const body =
        completion.status === 'refused'
          ? t(completion.problem.key, { provider, ...completion.problem.params })
          : t(`identity:oidcPage.${completion.status}`, { provider });
      return page(reply, 200, login.record.lang, body);
    });
  };
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
