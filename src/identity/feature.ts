import { z } from 'zod';
import type { Feature, Flow, TurnContext } from '../dialogue/context.ts';
import { hasConsent, requireConsent } from '../dialogue/features/consent.ts';
import { mainMenuButtons } from '../dialogue/features/menu.ts';
import type { Address, Button } from '../dialogue/message.ts';
import { IntentSchema } from '../dialogue/nlu/schema.ts';
import { defineSlice } from '../dialogue/session.ts';
import { formatDateTime } from '../i18n.ts';
import type { Citizen } from '../ports/population/citizen.ts';
import { PopulationRegistryError } from '../ports/population/registry.ts';
import { SmsError } from '../ports/sms/sender.ts';
import type { DataCipher } from '../privacy/crypto.ts';
import { maskCitizenId } from '../privacy/mask.ts';
import { offerStaff } from '../support/escalation.ts';
import type { IdentityService } from './linking.ts';
import type { AssuranceLevel, LinkedAccount, LinkMethod } from './links.ts';
import type { OidcCompletion, OidcLinker } from './oidc.ts';
import { otpProblem, parseOtpCode } from './otp.ts';
import { parseCitizenId } from './parse/citizen-id.ts';
import { parseVietnameseDate, vietnamToday } from './parse/date.ts';
import { fail, type ParseProblem } from './parse/result.ts';

/**
 * Linking in chat: after consent, ID number → date of birth → match in the population registry
 * → one-time code by SMS to the phone on record (or, on Telegram, the account's own shared phone number) →
 * linked at the registry's assurance level. With OIDC configured the citizen may log in with the provider
 * instead. Other modules use `ctx.services.identity` (below) to know who the citizen is.
 */

export interface LinkedIdentity {
  citizenKey: string;
  /** From the population registry, fetched now (the ID number is in `citizen.id`: never log or store it). */
  citizen: Citizen;
  /** The assurance level of this account's link: the registry's VNeID level, or the OIDC provider's claim. */
  level: AssuranceLevel;
  method: LinkMethod;
  linkedAt: string;
  /** Last proof of possession (link, or a fresh code for a sensitive step). */
  verifiedAt: string;
  /** The children the registry records for this citizen (for acting on behalf of a child under 14). */
  children(): Promise<Citizen[]>;
}

export interface ResumeOptions {
  /** Start this flow afterwards instead of re-dispatching the current intent. */
  resumeFlow?: { id: string; args?: Record<string, unknown> };
}

export interface IdentityApi {
  linked(ctx: TurnContext): Promise<LinkedIdentity | undefined>;
  /** True when linked; otherwise starts linking (after consent) and resumes the current intent afterwards. */
  requireLink(ctx: TurnContext, options?: ResumeOptions): Promise<boolean>;
  /**
   * For sensitive steps (health data, Form 2): true when the link was proven recently enough; otherwise asks a
   * fresh code (or links first) and resumes the current intent afterwards. `reason` picks the explanation
   * (`identity:fresh.reasons.<reason>`: `health_data`, `form2`, or anything else for a generic one).
   */
  requireFreshLink(ctx: TurnContext, reason: string, options?: ResumeOptions): Promise<boolean>;
}

declare module '../dialogue/context.ts' {
  interface Services {
    /** Always present in the app (main.ts); optional so engine tests of other modules need not wire it. */
    identity?: IdentityApi;
  }
}

export interface IdentityFeatureDeps {
  service: IdentityService;
  cipher: DataCipher;
  oidc?: OidcLinker;
  /** A link older than this asks for a fresh code before a sensitive step. */
  freshLinkMaxAgeMs: number;
}

export const LINK_FLOW = 'link';

const PendingSchema = z.object({
  mode: z.enum(['link', 'refresh']),
  /** The ID number typed so far, encrypted and bound to this chat account. */
  idEnc: z.string().optional(),
  resume: IntentSchema.optional(),
  resumeFlow: z.object({ id: z.string(), args: z.record(z.string(), z.unknown()).optional() }).optional(),
  reason: z.string().optional(),
});
type Pending = z.infer<typeof PendingSchema>;

/** The link in progress: nothing here is readable without the data key. */
const pendingSlice = defineSlice('identity', PendingSchema.optional(), () => undefined);

type Step = 'choose' | 'id' | 'dob' | 'code' | 'oidc';

const RESEND =
  /^(gui lai( ma)?( xac thuc)?( giup( toi| minh)?)?|gui ma moi|ma moi|resend( the)?( code)?|send (it )?again|new code)$/;
const LINKED_ACCOUNTS_EN = /^(show |list )?(my )?linked accounts?$/;

function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/gi, 'd')
    .toLowerCase()
    .replace(/[.!?,"“”]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function say(ctx: TurnContext, problem: ParseProblem, buttons?: Button[]): void {
  ctx.reply(ctx.t(problem.key, problem.params), buttons);
}

/** Keeps what the citizen just typed (an ID, a date, a code) out of the transcript kept for staff. */
function redactLastCitizenEntry(ctx: TurnContext, label: string): void {
  for (let i = ctx.transcript.length - 1; i >= 0; i--) {
    const entry = ctx.transcript[i];
    if (entry?.from === 'citizen') {
      entry.text = label;
      return;
    }
  }
}

/** Not an answer to our question: no digits at all, and the citizen clearly asked for something else. */
function asksSomethingElse(ctx: TurnContext): boolean {
  const text = ctx.inbound.text ?? '';
  return !/\d/.test(text) && ctx.intent !== 'unknown' && ctx.intent !== 'link_identity';
}

export function accountLabel(ctx: TurnContext, address: Address): string {
  const channel = ctx.t(`identity:channels.${address.channel}`);
  const tail = address.userId.slice(-4);
  return address.channel === 'terminal' ? channel : `${channel} …${tail}`;
}

function levelText(ctx: TurnContext, level: AssuranceLevel): string {
  return ctx.t(`identity:levels.${level}`);
}

export function createIdentityFeature(deps: IdentityFeatureDeps): { feature: Feature; api: IdentityApi } {
  const { service, cipher, oidc } = deps;
  const links = service.links;
  const providerName = oidc?.settings.providerName ?? 'VNeID';

  const pendingAad = (address: Address) => `pending-link:${address.channel}:${address.userId}`;

  function setStep(ctx: TurnContext, step: Step): void {
    ctx.session.flow = {
      id: LINK_FLOW,
      step,
      data: {},
      startedAt: ctx.session.flow?.id === LINK_FLOW ? ctx.session.flow.startedAt : ctx.now.toISOString(),
    };
  }

  function pending(ctx: TurnContext): Pending {
    return pendingSlice.get(ctx.session) ?? { mode: 'link' };
  }

  function finish(ctx: TurnContext): void {
    pendingSlice.set(ctx.session, undefined);
    if (ctx.session.flow?.id === LINK_FLOW) ctx.endFlow();
  }

  function menu(ctx: TurnContext, key = 'menu.prompt'): void {
    ctx.reply(ctx.t(key), mainMenuButtons(ctx.t, ctx.lang));
  }

  function methodButtons(ctx: TurnContext, only?: 'sms' | 'oidc'): Button[] {
    const buttons: Button[] = [];
    if (oidc && only !== 'sms')
      buttons.push({
        label: ctx.t('identity:link.methodOidc', { provider: providerName }),
        action: 'link:oidc',
      });
    if (only !== 'oidc') buttons.push({ label: ctx.t('identity:link.methodSms'), action: 'link:sms' });
    return buttons;
  }

  function codeButtons(ctx: TurnContext): Button[] {
    const buttons: Button[] = [];
    // Telegram's own contact and Zalo's user-info form both share the account owner's number.
    if (ctx.inbound.channel === 'telegram' || ctx.inbound.channel === 'zalo') {
      buttons.push({ label: ctx.t('identity:link.shareContact'), action: 'link:contact', kind: 'contact' });
    }
    buttons.push({ label: ctx.t('identity:link.resend'), action: 'link:resend' });
    // Confirming again may also go through the provider, whichever way the account was linked.
    if (pending(ctx).mode === 'refresh') buttons.push(...methodButtons(ctx, 'oidc'));
    return buttons;
  }

  /** The citizen the code or contact must prove: the one matched (linking) or the one linked (refresh). */
  async function pendingCitizen(ctx: TurnContext): Promise<Citizen | undefined> {
    const state = pending(ctx);
    if (state.mode === 'refresh') {
      const link = await links.accountLink(ctx.address);
      return link ? service.citizenFor(link.citizenKey) : undefined;
    }
    if (!state.idEnc) return undefined;
    return service.registry.findByCitizenId(cipher.decryptString(state.idEnc, pendingAad(ctx.address)));
  }

  async function sendCode(ctx: TurnContext, citizen: Citizen): Promise<void> {
    let outcome: Awaited<ReturnType<IdentityService['sendCode']>>;
    try {
      outcome = await service.sendCode(ctx.address, citizen, (code, minutes) =>
        ctx.t('identity:sms.otp', { code, minutes }),
      );
    } catch (error) {
      if (!(error instanceof SmsError)) throw error;
      ctx.log.warn({ code: error.code, status: error.status, err: error.message }, 'one-time code not sent');
      // At the code step "gửi lại mã" works once the gateway is back.
      setStep(ctx, 'code');
      ctx.reply(ctx.t(error.key), [{ label: ctx.t('identity:link.resend'), action: 'link:resend' }]);
      await offerStaff(ctx, 'flow_failed', error.code);
      return;
    }
    if (outcome.status === 'refused') {
      if (outcome.problem.code === 'HOSO_ERR_LINK_NO_PHONE') {
        say(ctx, outcome.problem);
        if (oidc) {
          ctx.reply(ctx.t('identity:link.tryOidc', { provider: providerName }), methodButtons(ctx, 'oidc'));
          setStep(ctx, 'choose');
        } else {
          finish(ctx);
        }
        return;
      }
      if (outcome.issue?.status === 'locked') {
        say(ctx, outcome.problem);
        finish(ctx);
        return;
      }
      setStep(ctx, 'code');
      say(ctx, outcome.problem, codeButtons(ctx));
      return;
    }
    setStep(ctx, 'code');
    const minutes = Math.round(service.otpPolicy.ttlMs / 60_000);
    const lines = [
      ctx.t('identity:link.codeSent', {
        phone: outcome.phoneMasked,
        minutes,
        digits: service.otpPolicy.digits,
      }),
    ];
    if (ctx.inbound.channel === 'telegram') lines.push(ctx.t('identity:link.orShareContact'));
    ctx.reply(lines.join('\n'), codeButtons(ctx));
  }

  async function askFreshCode(ctx: TurnContext): Promise<void> {
    const state = pending(ctx);
    const reason = ctx.t(`identity:fresh.reasons.${state.reason ?? 'default'}`, {
      defaultValue: ctx.t('identity:fresh.reasons.default'),
    });
    ctx.reply(
      ctx.t('identity:fresh.required', { reason, minutes: Math.round(deps.freshLinkMaxAgeMs / 60_000) }),
    );
    const citizen = await pendingCitizen(ctx);
    if (!citizen) {
      // The link or the registry record is gone: link again from the start.
      pendingSlice.set(ctx.session, { ...state, mode: 'link' });
      return askForId(ctx);
    }
    await sendCode(ctx, citizen);
  }

  function askForId(ctx: TurnContext): void {
    setStep(ctx, 'id');
    ctx.reply(ctx.t('identity:link.askId'));
  }

  async function onId(ctx: TurnContext, text: string): Promise<void> {
    redactLastCitizenEntry(ctx, ctx.t('identity:redacted.id'));
    const parsed = parseCitizenId(text, { today: vietnamToday(ctx.now) });
    if (!parsed.ok) {
      say(ctx, parsed.error);
      return;
    }
    const notes = parsed.warnings.map((w) => ctx.t(w.key, w.params));
    pendingSlice.set(ctx.session, {
      ...pending(ctx),
      idEnc: cipher.encrypt(parsed.value.id, pendingAad(ctx.address)),
    });
    setStep(ctx, 'dob');
    ctx.reply([...notes, ctx.t('identity:link.askDob')].join('\n'));
  }

  async function onDateOfBirth(ctx: TurnContext, text: string): Promise<void> {
    redactLastCitizenEntry(ctx, ctx.t('identity:redacted.dob'));
    const parsed = parseVietnameseDate(text, { today: vietnamToday(ctx.now) });
    if (!parsed.ok) {
      say(ctx, parsed.error);
      return;
    }
    const state = pending(ctx);
    if (!state.idEnc) return askForId(ctx);
    // Before any look-up: a refusal given after a match would tell that the ID and date of birth matched.
    const tooYoung = service.ageRefusal(parsed.value.iso, ctx.now);
    if (tooYoung) {
      say(ctx, tooYoung);
      finish(ctx);
      return;
    }
    const citizenId = cipher.decryptString(state.idEnc, pendingAad(ctx.address));
    let outcome: Awaited<ReturnType<IdentityService['match']>>;
    try {
      outcome = await service.match(ctx.address, citizenId, parsed.value.iso);
    } catch (error) {
      if (!(error instanceof PopulationRegistryError)) throw error;
      ctx.log.warn(
        { code: error.code, status: error.status, err: error.message },
        'population registry failed',
      );
      ctx.reply(ctx.t(error.key));
      await offerStaff(ctx, 'flow_failed', error.code);
      return;
    }
    if (outcome.status === 'refused') {
      ctx.log.warn({ channel: ctx.address.channel, code: outcome.problem.code }, 'identity look-up refused');
      say(ctx, outcome.problem);
      finish(ctx);
      menu(ctx);
      return;
    }
    if (outcome.status === 'no_match') {
      ctx.log.info({ channel: ctx.address.channel }, 'identity look-up did not match');
      return replyNoMatch(ctx, citizenId, parsed.value.iso);
    }
    if (!outcome.citizen.phone) {
      // Said as a mismatch, so the reply never confirms that this ID and date of birth are on record; staff
      // see it in the log and the reply lists the ways that need no code.
      ctx.log.warn(
        { channel: ctx.address.channel, code: 'HOSO_ERR_LINK_NO_PHONE' },
        'identity matched a record without a phone; answered as a mismatch',
      );
      return replyNoMatch(ctx, citizenId, parsed.value.iso);
    }
    await sendCode(ctx, outcome.citizen);
  }

  /** One reply for an unknown ID, a wrong date of birth, and a record no code can be sent for. */
  function replyNoMatch(ctx: TurnContext, citizenId: string, dateOfBirth: string): void {
    // Only the citizen's own two answers are compared here, never the registry: no hint of what is on record.
    const hints = parseCitizenId(citizenId, { dateOfBirth, today: vietnamToday(ctx.now) });
    const notes = hints.ok
      ? hints.warnings
          .filter((w) => w.code === 'HOSO_WARN_CCCD_BIRTH_YEAR_MISMATCH')
          .map((w) => ctx.t(w.key, w.params))
      : [];
    pendingSlice.set(ctx.session, { ...pending(ctx), idEnc: undefined });
    setStep(ctx, 'id');
    const noMatch = fail('HOSO_ERR_LINK_NO_MATCH').error;
    const otherWays = oidc
      ? ctx.t('identity:link.otherWaysOidc', { provider: providerName })
      : ctx.t('identity:link.otherWays');
    ctx.reply(
      [ctx.t(noMatch.key), ...notes, otherWays, ctx.t('identity:link.askIdAgain')].join('\n'),
      oidc ? methodButtons(ctx, 'oidc') : undefined,
    );
  }

  async function onCode(ctx: TurnContext, text: string): Promise<undefined | 'pass'> {
    if (RESEND.test(fold(text))) return void (await resend(ctx));
    if (asksSomethingElse(ctx)) return 'pass';
    redactLastCitizenEntry(ctx, ctx.t('identity:redacted.code'));
    const parsed = parseOtpCode(text, service.otpPolicy.digits);
    if (!parsed.ok) {
      say(ctx, parsed.error, codeButtons(ctx));
      return;
    }
    const citizen = await pendingCitizen(ctx);
    if (!citizen) {
      finish(ctx);
      ctx.reply(ctx.t('identity:link.startAgain'), methodButtons(ctx));
      return;
    }
    const check = await service.verifyCode(ctx.address, citizen.id, parsed.value);
    if (check.status === 'ok') return void (await complete(ctx, citizen, 'sms'));
    ctx.log.info({ channel: ctx.address.channel, outcome: check.status }, 'one-time code refused');
    // The OTP service keeps its own clock; its instants are read against the same one.
    const problem = otpProblem(check, Date.now())!;
    if (check.status === 'locked') {
      say(ctx, problem);
      finish(ctx);
      menu(ctx);
      return;
    }
    say(ctx, problem, codeButtons(ctx));
  }

  async function resend(ctx: TurnContext): Promise<void> {
    const citizen = ctx.session.flow?.id === LINK_FLOW ? await pendingCitizen(ctx) : undefined;
    if (!citizen) {
      ctx.reply(ctx.t('identity:link.nothingPending'), methodButtons(ctx));
      return;
    }
    await sendCode(ctx, citizen);
  }

  async function onContact(ctx: TurnContext): Promise<void> {
    const contact = ctx.inbound.contact!;
    if (ctx.session.flow?.step !== 'code') {
      ctx.reply(ctx.t('identity:link.contactNotNow'));
      return;
    }
    const citizen = await pendingCitizen(ctx);
    if (!citizen) {
      finish(ctx);
      ctx.reply(ctx.t('identity:link.startAgain'), methodButtons(ctx));
      return;
    }
    const outcome = await service.checkContact(ctx.address, citizen, contact);
    if (outcome.status === 'refused') {
      ctx.log.info({ channel: ctx.address.channel, code: outcome.problem.code }, 'shared contact refused');
      say(ctx, outcome.problem, codeButtons(ctx));
      return;
    }
    await complete(ctx, citizen, ctx.address.channel === 'zalo' ? 'zalo_contact' : 'telegram_contact');
  }

  async function complete(ctx: TurnContext, citizen: Citizen, method: LinkMethod): Promise<void> {
    const state = pending(ctx);
    finish(ctx);
    if (state.mode === 'refresh') {
      await links.markVerified(ctx.address, ctx.now);
      ctx.log.info({ channel: ctx.address.channel, method }, 'identity link re-verified');
      ctx.reply(ctx.t('identity:fresh.done'));
    } else {
      const { moved } = await service.link(ctx.address, citizen, method, ctx.now);
      ctx.log.info(
        { channel: ctx.address.channel, method, level: citizen.vneidLevel, moved },
        'identity linked',
      );
      confirmLinked(ctx, citizen, citizen.vneidLevel);
    }
    await resume(ctx, state);
  }

  function confirmLinked(ctx: TurnContext, citizen: Citizen, level: AssuranceLevel): void {
    ctx.reply(
      [
        ctx.t('identity:link.linked', {
          account: accountLabel(ctx, ctx.address),
          name: citizen.fullName,
          id: maskCitizenId(citizen.id),
        }),
        levelText(ctx, level),
      ].join('\n'),
    );
  }

  async function resume(ctx: TurnContext, state: Pending): Promise<void> {
    if (state.resumeFlow) return ctx.startFlow(state.resumeFlow.id, state.resumeFlow.args);
    if (state.resume && state.resume !== 'link_identity' && state.resume !== 'greeting')
      return ctx.dispatch(state.resume);
    if (state.mode === 'link') menu(ctx);
  }

  async function showAccounts(ctx: TurnContext): Promise<boolean> {
    const link = await links.accountLink(ctx.address);
    if (!link) return false;
    const record = await links.citizen(link.citizenKey);
    const citizen = await service.citizenFor(link.citizenKey);
    const accounts: LinkedAccount[] = record?.accounts ?? [];
    const isThis = (a: LinkedAccount) =>
      a.address.channel === ctx.address.channel && a.address.userId === ctx.address.userId;
    const lines = [
      ctx.t('identity:accounts.linkedTo', {
        name: citizen?.fullName ?? '—',
        id: citizen ? maskCitizenId(citizen.id) : '—',
      }),
      levelText(ctx, link.level),
      '',
      ctx.t('identity:accounts.title'),
      ...accounts.map((a, i) =>
        ctx.t('identity:accounts.item', {
          n: i + 1,
          account: accountLabel(ctx, a.address),
          at: formatDateTime(a.linkedAt, ctx.lang),
          method: ctx.t(`identity:methods.${a.method}`, { provider: providerName }),
          current: isThis(a) ? ctx.t('identity:accounts.current') : '',
        }),
      ),
    ];
    const buttons: Button[] = [{ label: ctx.t('identity:accounts.unlinkThis'), action: 'link:unlink-this' }];
    for (const a of accounts.filter((x) => !isThis(x)).slice(0, 8)) {
      buttons.push({
        label: ctx.t('identity:accounts.unlinkOther', { account: accountLabel(ctx, a.address) }),
        action: `link:unlink:${accountRef(a.address)}`,
      });
    }
    buttons.push({ label: ctx.t('backToMenu'), action: 'menu' });
    ctx.reply(lines.join('\n'), buttons);
    return true;
  }

  function accountRef(address: Address): string {
    return cipher.keyedHash(`account-ref\u0000${address.channel}:${address.userId}`).slice(0, 12);
  }

  async function unlink(ctx: TurnContext, ref: string | undefined): Promise<void> {
    const link = await links.accountLink(ctx.address);
    if (!link) {
      ctx.reply(ctx.t('identity:accounts.notLinked'), methodButtons(ctx));
      return;
    }
    let target: Address = ctx.address;
    if (ref) {
      const record = await links.citizen(link.citizenKey);
      const found = record?.accounts.find((a) => accountRef(a.address) === ref);
      if (!found) {
        ctx.reply(ctx.t('identity:accounts.alreadyGone'));
        return;
      }
      target = found.address;
    }
    await links.unlink(target);
    ctx.log.info({ channel: ctx.address.channel, other: ref !== undefined }, 'identity unlinked');
    ctx.reply(ctx.t('identity:accounts.unlinked', { account: accountLabel(ctx, target) }), [
      { label: ctx.t('backToMenu'), action: 'menu' },
    ]);
  }

  async function startOidc(ctx: TurnContext): Promise<void> {
    if (!oidc) return;
    if (!hasConsent(ctx)) {
      await requireConsent(ctx);
      return;
    }
    const state = ctx.session.flow?.id === LINK_FLOW ? pending(ctx) : { mode: 'link' as const };
    pendingSlice.set(ctx.session, state);
    setStep(ctx, 'oidc');
    const url = await oidc.createLink(ctx.address, ctx.lang, state.mode, ctx.now);
    ctx.reply(
      ctx.t('identity:oidc.openLink', {
        provider: providerName,
        url,
        minutes: Math.round(oidc.settings.linkTtlMs / 60_000),
      }),
      [
        {
          label: ctx.t('identity:oidc.openButton', { provider: providerName }),
          action: 'link:open',
          kind: 'url',
          url,
        },
        ...methodButtons(ctx, 'sms'),
      ],
    );
  }

  async function onOidcDone(ctx: TurnContext): Promise<void> {
    if (!oidc) return;
    const outcome: OidcCompletion | undefined = await oidc.takeCompletion(ctx.address);
    if (!outcome) return;
    const waiting = ctx.session.flow?.id === LINK_FLOW;
    const state: Pending = waiting ? pending(ctx) : { mode: outcome.mode };
    if (outcome.status === 'refused') {
      ctx.reply(ctx.t(outcome.problem.key, outcome.problem.params), waiting ? methodButtons(ctx) : undefined);
      return;
    }
    finish(ctx);
    if (outcome.status === 'verified') {
      ctx.reply(ctx.t('identity:fresh.done'));
    } else {
      const citizen = await service.citizenFor(outcome.citizenKey);
      if (citizen) confirmLinked(ctx, citizen, outcome.level);
      if (outcome.levelAssumed) ctx.reply(ctx.t('identity:oidc.levelAssumed', { provider: providerName }));
    }
    await resume(ctx, waiting ? state : { mode: outcome.mode });
  }

  const linkFlow: Flow = {
    id: LINK_FLOW,
    async start(ctx, args = {}) {
      if (!(await requireConsent(ctx))) return;
      const resume = IntentSchema.safeParse(args.resume);
      const resumeFlow = PendingSchema.shape.resumeFlow.safeParse(args.resumeFlow);
      const state: Pending = {
        mode: args.mode === 'refresh' ? 'refresh' : 'link',
        ...(resume.success ? { resume: resume.data } : {}),
        ...(resumeFlow.success && resumeFlow.data ? { resumeFlow: resumeFlow.data } : {}),
        ...(typeof args.reason === 'string' ? { reason: args.reason } : {}),
      };
      pendingSlice.set(ctx.session, state);
      if (state.mode === 'refresh') {
        setStep(ctx, 'code');
        return askFreshCode(ctx);
      }
      if (state.resume && state.resume !== 'link_identity') ctx.reply(ctx.t('identity:link.neededFirst'));
      if (typeof args.cccd === 'string') {
        setStep(ctx, 'id');
        return onId(ctx, args.cccd);
      }
      if (oidc) {
        setStep(ctx, 'choose');
        ctx.reply(ctx.t('identity:link.askMethod', { provider: providerName }), methodButtons(ctx));
        return;
      }
      askForId(ctx);
    },

    async onInput(ctx) {
      if (ctx.inbound.contact) return void (await onContact(ctx));
      const text = ctx.inbound.text;
      if (text === undefined) return 'pass';
      const step = ctx.session.flow?.step as Step;
      switch (step) {
        case 'choose':
        case 'oidc': {
          const folded = fold(text);
          if ((text.match(/\d/g) ?? []).length >= 9) {
            setStep(ctx, 'id');
            return void (await onId(ctx, text));
          }
          if (/vneid|dang nhap|oidc|log ?in/.test(folded) && oidc) return void (await startOidc(ctx));
          if (/\b(sms|cccd|can cuoc|ma)\b/.test(folded)) return void askForId(ctx);
          if (asksSomethingElse(ctx)) return 'pass';
          ctx.reply(
            ctx.t(step === 'oidc' ? 'identity:oidc.waiting' : 'identity:link.askMethod', {
              provider: providerName,
            }),
            methodButtons(ctx),
          );
          return;
        }
        case 'id':
          if (asksSomethingElse(ctx)) return 'pass';
          return void (await onId(ctx, text));
        case 'dob':
          if (asksSomethingElse(ctx)) return 'pass';
          return void (await onDateOfBirth(ctx, text));
        case 'code':
          return onCode(ctx, text);
        default:
          finish(ctx);
          return 'pass';
      }
    },

    async onAction(ctx, payload) {
      const [name, arg] = payload.split(':', 2) as [string, string | undefined];
      switch (name) {
        case 'oidc':
          return startOidc(ctx);
        case 'sms': {
          if (!hasConsent(ctx)) return void (await requireConsent(ctx));
          const state = ctx.session.flow?.id === LINK_FLOW ? pending(ctx) : { mode: 'link' as const };
          pendingSlice.set(ctx.session, state);
          if (state.mode === 'refresh') {
            setStep(ctx, 'code');
            const citizen = await pendingCitizen(ctx);
            if (citizen) return sendCode(ctx, citizen);
          }
          return askForId(ctx);
        }
        case 'resend':
          return resend(ctx);
        case 'contact':
          // Only Telegram turns this button into "share my number"; elsewhere it arrives as a plain press.
          ctx.reply(ctx.t('identity:link.contactTelegramOnly'));
          return;
        case 'oidc-done':
          return onOidcDone(ctx);
        case 'accounts':
          if (!(await showAccounts(ctx))) ctx.reply(ctx.t('identity:accounts.notLinked'), methodButtons(ctx));
          return;
        case 'unlink-this':
          return unlink(ctx, undefined);
        case 'unlink':
          return unlink(ctx, arg ?? '');
        default:
          return;
      }
    },
  };

  const feature: Feature = {
    name: 'identity',
    flows: [linkFlow],
    middleware: [
      async (ctx, next) => {
        const inLinkFlow = ctx.session.flow?.id === LINK_FLOW;
        if (ctx.inbound.contact && !inLinkFlow) {
          // The number is not kept: it was only ever useful to prove a link.
          ctx.reply(ctx.t('identity:link.contactOutsideFlow'));
          return;
        }
        if (
          !ctx.session.flow &&
          ctx.inbound.text !== undefined &&
          LINKED_ACCOUNTS_EN.test(fold(ctx.inbound.text))
        )
          ctx.intent = 'link_identity';
        await next();
        // A flow left by "hủy" or another request drops what it held.
        if (ctx.session.flow?.id !== LINK_FLOW) pendingSlice.set(ctx.session, undefined);
      },
    ],
    intents: {
      link_identity: async (ctx) => {
        if (await showAccounts(ctx)) return;
        const cccd = ctx.understanding?.entities.cccd;
        if (cccd) redactLastCitizenEntry(ctx, ctx.t('identity:redacted.id'));
        await ctx.startFlow(LINK_FLOW, cccd ? { cccd } : {});
      },
    },
  };

  const api: IdentityApi = {
    async linked(ctx) {
      const link = await links.accountLink(ctx.address);
      if (!link) return undefined;
      const citizen = await service.citizenFor(link.citizenKey);
      if (!citizen) {
        ctx.log.warn({ channel: ctx.address.channel }, 'linked citizen no longer in the population registry');
        return undefined;
      }
      await links.touch(ctx.address, link.citizenKey);
      const registry = service.registry;
      return {
        citizenKey: link.citizenKey,
        citizen,
        level: link.level,
        method: link.method,
        linkedAt: link.linkedAt,
        verifiedAt: link.verifiedAt,
        children: async () => (registry.findChildren ? registry.findChildren(citizen.id) : []),
      };
    },

    async requireLink(ctx, options = {}) {
      if (await links.accountLink(ctx.address)) return true;
      await ctx.startFlow(LINK_FLOW, { resume: ctx.intent, ...options });
      return false;
    },

    async requireFreshLink(ctx, reason, options = {}) {
      const link = await links.accountLink(ctx.address);
      if (!link) {
        await ctx.startFlow(LINK_FLOW, { resume: ctx.intent, reason, ...options });
        return false;
      }
      const age = ctx.now.getTime() - Date.parse(link.verifiedAt);
      if (age <= deps.freshLinkMaxAgeMs) return true;
      await ctx.startFlow(LINK_FLOW, { mode: 'refresh', resume: ctx.intent, reason, ...options });
      return false;
    },
  };

  return { feature, api };
}
