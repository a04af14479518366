import type { Feature, TurnContext } from '../context.ts';
import { foldVietnamese } from '../nlu/fold.ts';
import type { Intent } from '../nlu/schema.ts';
import { mainMenuButtons } from './menu.ts';

const MISSES_BEFORE_STAFF = 3;
const BACK = /^(quay lai|tro lai|back|go back)$/;

function showMenu(ctx: TurnContext, key = 'menu.prompt'): void {
  ctx.reply(ctx.t(key), mainMenuButtons(ctx.t, ctx.lang));
}

function setLanguage(ctx: TurnContext, lang: 'vi' | 'en'): void {
  ctx.session.lang = lang;
  ctx.session.langChosen = true;
  ctx.reply(ctx.t('language.changed'));
  showMenu(ctx);
}

/** Understood messages reset the count of misses that leads to offering staff. */
const countMisses: Feature['middleware'] = [
  async (ctx, next) => {
    await next();
    if (ctx.intent !== 'unknown') ctx.session.misses = 0;
  },
];

/** Cancel and language work from anywhere, even in the middle of a flow. */
const globalCommands: Feature['middleware'] = [
  async (ctx, next) => {
    const typedCancel = ctx.inbound.text !== undefined && ctx.intent === 'cancel';
    // "quay lại" inside a flow means one step back; the flow decides (or passes, and it cancels below).
    if (typedCancel && ctx.session.flow && BACK.test(foldVietnamese(ctx.inbound.text!))) return next();
    if (ctx.inbound.action === 'cancel' || typedCancel) {
      ctx.intent = 'cancel';
      if (ctx.session.flow) {
        ctx.endFlow();
        showMenu(ctx, 'cancelled');
      } else {
        showMenu(ctx, 'nothingToCancel');
      }
      return;
    }
    if (ctx.inbound.text !== undefined && ctx.intent === 'change_language' && !ctx.session.flow) {
      const wanted = ctx.understanding?.entities.lang;
      if (wanted) return setLanguage(ctx, wanted);
    }
    await next();
  },
];

async function greeting(ctx: TurnContext): Promise<void> {
  const firstContact = ctx.session.turns <= 1;
  if (firstContact && !ctx.session.consent) {
    ctx.reply(ctx.t('welcome'));
    await ctx.startFlow('consent');
    return;
  }
  ctx.reply(ctx.t(firstContact ? 'welcome' : 'welcomeBack'));
  showMenu(ctx);
}

async function unknown(ctx: TurnContext): Promise<void> {
  // A new citizen whose first words we did not understand is still greeted properly.
  if (ctx.session.turns <= 1 && !ctx.session.consent) return greeting(ctx);
  ctx.session.misses += 1;
  if (ctx.session.misses >= MISSES_BEFORE_STAFF) {
    ctx.reply(ctx.t('unknownOfferStaff'), [
      { label: ctx.t('offerStaffButton'), action: 'intent:talk_to_staff' },
      { label: ctx.t('backToMenu'), action: 'intent:help' },
    ]);
    return;
  }
  showMenu(ctx, 'unknown');
}

/** Greeting, help, thanks, language, cancel and "not understood": the conversation's frame. */
export const coreFeature: Feature = {
  name: 'core',
  middleware: [...countMisses, ...globalCommands],
  intents: {
    greeting,
    help: async (ctx) => {
      ctx.reply(ctx.t('help'));
      showMenu(ctx);
    },
    thanks: async (ctx) => ctx.reply(ctx.t('thanks')),
    cancel: async (ctx) => {
      const active = ctx.session.flow !== undefined;
      ctx.endFlow();
      showMenu(ctx, active ? 'cancelled' : 'nothingToCancel');
    },
    change_language: async (ctx) => {
      const wanted = ctx.understanding?.entities.lang;
      if (wanted) return setLanguage(ctx, wanted);
      ctx.reply(ctx.t('language.ask'), [
        { label: ctx.t('language.vi'), action: 'lang:vi' },
        { label: ctx.t('language.en'), action: 'lang:en' },
      ]);
    },
    unknown,
  },
  actions: {
    lang: async (ctx, payload) => setLanguage(ctx, payload === 'en' ? 'en' : 'vi'),
    menu: async (ctx) => showMenu(ctx),
  },
};

/** Services whose flows arrive with later work answer honestly that they are not open yet. */
const NOT_YET_OPEN: Intent[] = [
  'link_identity',
  'criminal_record',
  'health_record',
  'request_status',
  'fees_info',
  'documents_info',
  'processing_time_info',
  'talk_to_staff',
  'privacy_export',
  'privacy_delete',
];

export const notYetOpenFeature: Feature = {
  name: 'not-yet-open',
  intents: Object.fromEntries(
    NOT_YET_OPEN.map((intent) => [
      intent,
      async (ctx: TurnContext) => {
        ctx.reply(ctx.t(`notOpen.${intent}`), [{ label: ctx.t('backToMenu'), action: 'menu' }]);
      },
    ]),
  ),
};
