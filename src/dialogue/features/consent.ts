import { createHash } from 'node:crypto';
import { z } from 'zod';
import { formatDateTime } from '../../i18n.ts';
import type { ConsentLog } from '../../privacy/consent-log.ts';
import type { Feature, Flow, TurnContext } from '../context.ts';
import { foldVietnamese } from '../nlu/fold.ts';
import { IntentSchema } from '../nlu/schema.ts';
import { mainMenuButtons } from './menu.ts';

/** Bump when the notice's meaning changes: every citizen is then asked again. */
export const CONSENT_VERSION = 'consent-2026-01';

declare module '../context.ts' {
  interface Services {
    consent: { log: ConsentLog; retentionDays: number };
  }
}

export function hasConsent(ctx: TurnContext): boolean {
  return ctx.session.consent?.decision === 'accepted' && ctx.session.consent.version === CONSENT_VERSION;
}

/**
 * Flows that collect personal data call this first. Without a current consent it shows the notice and
 * returns false; the pending intent resumes once the citizen agrees.
 */
export async function requireConsent(
  ctx: TurnContext,
  options: { resumeFlow?: { id: string; args?: Record<string, unknown> } } = {},
): Promise<boolean> {
  if (hasConsent(ctx)) return true;
  await ctx.startFlow('consent', { resume: ctx.intent, ...options });
  return false;
}

const ResumeFlowSchema = z.object({ id: z.string(), args: z.record(z.string(), z.unknown()).optional() });

function notice(ctx: TurnContext): string {
  return ctx.t('consent.notice', { retentionDays: ctx.services.consent.retentionDays });
}

async function decide(ctx: TurnContext, decision: 'accepted' | 'declined'): Promise<void> {
  const resume = IntentSchema.safeParse(ctx.session.flow?.data.resume);
  const resumeFlow = ResumeFlowSchema.safeParse(ctx.session.flow?.data.resumeFlow);
  const shown = notice(ctx);
  const record = { decision, version: CONSENT_VERSION, at: ctx.now.toISOString() };
  ctx.session.consent = record;
  ctx.endFlow();
  await ctx.services.consent.log.record(ctx.address, {
    ...record,
    lang: ctx.lang,
    textSha256: createHash('sha256').update(shown).digest('hex'),
  });
  if (decision === 'declined') {
    ctx.reply(ctx.t('consent.declined'), mainMenuButtons(ctx.t, ctx.lang));
    return;
  }
  ctx.reply(ctx.t('consent.accepted', { at: formatDateTime(ctx.now, ctx.lang) }));
  if (resumeFlow.success) await ctx.startFlow(resumeFlow.data.id, resumeFlow.data.args);
  else if (resume.success && resume.data !== 'greeting') await ctx.dispatch(resume.data);
  else ctx.reply(ctx.t('menu.prompt'), mainMenuButtons(ctx.t, ctx.lang));
}

const YES = /^(dong y|co|ok|oke|okay|yes|i agree|agree|dy|co dong y|uh|u|vang|da)$/;
const NO = /^(khong|khong dong y|ko|k|no|i do not agree|disagree|tu choi)$/;

export const consentFlow: Flow = {
  id: 'consent',
  async start(ctx, args) {
    ctx.session.flow = {
      id: 'consent',
      step: 'notice',
      data: {
        ...(args?.resume ? { resume: args.resume } : {}),
        ...(args?.resumeFlow ? { resumeFlow: args.resumeFlow } : {}),
      },
      startedAt: ctx.now.toISOString(),
    };
    if (args?.resume) ctx.reply(ctx.t('consent.required'));
    ctx.reply(notice(ctx), [
      { label: ctx.t('consent.accept'), action: 'consent:accept' },
      { label: ctx.t('consent.decline'), action: 'consent:decline' },
    ]);
  },
  async onInput(ctx) {
    const folded = foldVietnamese(ctx.inbound.text ?? '');
    if (YES.test(folded) || NO.test(folded)) {
      await decide(ctx, YES.test(folded) ? 'accepted' : 'declined');
      return;
    }
    // Anything else is a question, not an answer: answer it and keep the notice pending.
    if (ctx.intent !== 'unknown') return 'pass';
    ctx.reply(ctx.t('consent.pleaseChoose'), [
      { label: ctx.t('consent.accept'), action: 'consent:accept' },
      { label: ctx.t('consent.decline'), action: 'consent:decline' },
    ]);
  },
  async onAction(ctx, payload) {
    if (payload === 'accept') return decide(ctx, 'accepted');
    if (payload === 'decline') return decide(ctx, 'declined');
  },
};

export const consentFeature: Feature = { name: 'consent', flows: [consentFlow] };
