import type { Feature, Flow, TurnContext } from '../dialogue/context.ts';
import { mainMenuButtons } from '../dialogue/features/menu.ts';
import type { Address, Button } from '../dialogue/message.ts';
import { foldVietnamese } from '../dialogue/nlu/fold.ts';
import type { BlobStore } from '../files/types.ts';
import { formatDate, formatDateTime, vietnamDate } from '../i18n.ts';
import type { DataSubject, PersonalDataRegistry } from './contributors.ts';
import type { ErasureService } from './erasure.ts';
import { buildPersonalDataExport } from './export.ts';

/**
 * The citizen's rights in chat (Law 91/2025/QH15, Decree 356/2025/NĐ-CP): `privacy_export` sends everything
 * held as a JSON file; `privacy_delete` ("xóa dữ liệu", "hủy liên kết", "rút lại đồng ý") asks to confirm,
 * acknowledges at once and erases through a job that reports back.
 */
export interface PrivacyFeatureDeps {
  registry: PersonalDataRegistry;
  erasure: ErasureService;
  files: BlobStore;
  subjectOf(address: Address): Promise<DataSubject>;
  /** Unlinks only this chat account from its citizen (the lighter choice offered before erasing). */
  unlink(address: Address): Promise<boolean>;
  /** Shown in the confirmation: the promised completion limit, in days. */
  completeWithinDays: number;
}

export const PRIVACY_FLOW = 'privacy';

const YES = /^(dong y|co|ok|oke|yes|xac nhan|xoa|xoa di|dung vay|chac chan|confirm|delete|vang)$/;
const NO = /^(khong|ko|k|no|thoi|giu lai|khong xoa|keep)$/;

export function createPrivacyFeature(deps: PrivacyFeatureDeps): Feature {
  function menu(ctx: TurnContext, key = 'menu.prompt'): void {
    ctx.reply(ctx.t(key), mainMenuButtons(ctx.t, ctx.lang));
  }

  async function exportData(ctx: TurnContext): Promise<void> {
    const subject = await deps.subjectOf(ctx.address);
    const { document, failed } = await buildPersonalDataExport(deps.registry, subject, {
      now: ctx.now,
      log: ctx.log,
    });
    const bytes = new TextEncoder().encode(`${JSON.stringify(document, null, 2)}\n`);
    const filename = `hoso-du-lieu-ca-nhan-${vietnamDate(ctx.now)}.json`;
    const fileId = await deps.files.put(bytes, { filename, mimeType: 'application/json' });
    ctx.log.info(
      { channel: ctx.address.channel, sections: Object.keys(document.data).length, failed },
      'personal data exported',
    );
    ctx.reply(ctx.t(subject.citizenKey ? 'privacy:export.intro' : 'privacy:export.introNotLinked'));
    ctx.reply({
      type: 'document',
      fileId,
      filename,
      mimeType: 'application/json',
      caption: ctx.t('privacy:export.caption', { at: formatDateTime(ctx.now, ctx.lang) }),
    });
    if (failed.length > 0) ctx.reply(ctx.t('privacy:export.partial', { sections: failed.join(', ') }));
    ctx.reply(ctx.t('privacy:export.rights'), [
      { label: ctx.t('privacy:delete.askButton'), action: 'intent:privacy_delete' },
      { label: ctx.t('backToMenu'), action: 'menu' },
    ]);
  }

  async function askToConfirm(ctx: TurnContext): Promise<void> {
    const subject = await deps.subjectOf(ctx.address);
    ctx.session.flow = { id: PRIVACY_FLOW, step: 'confirm', data: {}, startedAt: ctx.now.toISOString() };
    const buttons: Button[] = [{ label: ctx.t('privacy:delete.confirm'), action: 'privacy:erase' }];
    if (subject.citizenKey)
      buttons.push({ label: ctx.t('privacy:delete.unlinkOnly'), action: 'privacy:unlink' });
    buttons.push({ label: ctx.t('privacy:delete.keep'), action: 'privacy:keep' });
    ctx.reply(
      ctx.t(subject.citizenKey ? 'privacy:delete.ask' : 'privacy:delete.askNotLinked', {
        count: subject.accounts.length,
        days: deps.completeWithinDays,
      }),
      buttons,
    );
  }

  async function erase(ctx: TurnContext): Promise<void> {
    ctx.endFlow();
    const subject = await deps.subjectOf(ctx.address);
    const { record, job } = await deps.erasure.request(subject, ctx.address, ctx.lang, ctx.now);
    ctx.enqueue(job);
    ctx.log.info(
      {
        requestId: record.requestId,
        accounts: subject.accounts.length,
        linked: subject.citizenKey !== undefined,
      },
      'erasure requested',
    );
    ctx.reply(
      ctx.t('privacy:delete.acknowledged', {
        ref: record.requestId,
        at: formatDateTime(ctx.now, ctx.lang),
        deadline: formatDate(record.deadline, ctx.lang),
      }),
    );
  }

  const privacyFlow: Flow = {
    id: PRIVACY_FLOW,
    async start(ctx) {
      await askToConfirm(ctx);
    },
    async onInput(ctx) {
      const folded = foldVietnamese(ctx.inbound.text ?? '');
      if (YES.test(folded)) return void (await erase(ctx));
      if (NO.test(folded)) {
        ctx.endFlow();
        return void menu(ctx, 'privacy:delete.kept');
      }
      if (ctx.intent === 'privacy_delete') return void (await askToConfirm(ctx));
      if (ctx.intent !== 'unknown') {
        ctx.endFlow();
        return 'pass';
      }
      ctx.reply(ctx.t('privacy:delete.pleaseChoose'));
    },
    async onAction(ctx, payload) {
      if (payload === 'erase') {
        // A confirmation button from an old message still needs the question to be current.
        if (ctx.session.flow?.id !== PRIVACY_FLOW) return askToConfirm(ctx);
        return erase(ctx);
      }
      if (ctx.session.flow?.id === PRIVACY_FLOW) ctx.endFlow();
      if (payload === 'unlink') {
        const done = await deps.unlink(ctx.address);
        ctx.log.info({ channel: ctx.address.channel, done }, 'identity unlinked from the privacy menu');
        return menu(ctx, done ? 'privacy:delete.unlinked' : 'privacy:delete.notLinked');
      }
      menu(ctx, 'privacy:delete.kept');
    },
  };

  return {
    name: 'privacy',
    flows: [privacyFlow],
    intents: {
      privacy_export: exportData,
      privacy_delete: (ctx) => ctx.startFlow(PRIVACY_FLOW),
    },
  };
}
