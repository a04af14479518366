import { randomUUID } from 'node:crypto';
import type { TurnContext } from '../../dialogue/context.ts';
import { mainMenuButtons } from '../../dialogue/features/menu.ts';
import type { Button } from '../../dialogue/message.ts';
import type { BlobStore } from '../../files/types.ts';
import { formatDate, formatDateTime, formatVnd } from '../../i18n.ts';
import type { LinkedIdentity } from '../../identity/feature.ts';
import { normaliseRequestCode } from '../code.ts';
import { RequestError } from '../errors.ts';
import { serviceName, statusMessages } from '../messages.ts';
import { feeOf, type RequestRecord } from '../schema.ts';
import type { RequestService } from '../service.ts';
import { paymentMessages } from './filing.ts';

/**
 * `request_status`: the citizen's requests with their state and dates, one request by its code,
 * and what can be done from there (pay, receive the result again). A code that is not theirs reads exactly
 * like a code that does not exist.
 */
export function createStatusIntents(deps: {
  requests: RequestService;
  act: (payload: string) => string;
  devPayments: boolean;
  files: BlobStore;
}) {
  const { requests, act } = deps;

  async function linkedFor(ctx: TurnContext): Promise<LinkedIdentity | undefined> {
    const identity = ctx.services.identity;
    if (!identity) return undefined;
    if (!(await identity.requireLink(ctx))) return undefined;
    return identity.linked(ctx);
  }

  async function owned(ctx: TurnContext, typed: string): Promise<RequestRecord | undefined> {
    const linked = await linkedFor(ctx);
    if (!linked) return undefined;
    const code = normaliseRequestCode(typed);
    const record = code ? await requests.get(code) : undefined;
    if (!record || record.citizenKey !== linked.citizenKey) {
      ctx.reply(ctx.t('requests:errors.HOSO_ERR_REQUEST_NOT_FOUND'), [
        { label: ctx.t('requests:status.mine'), action: 'intent:request_status' },
      ]);
      return undefined;
    }
    return record;
  }

  function detail(ctx: TurnContext, record: RequestRecord): { text: string; buttons: Button[] } {
    const lines = [
      ctx.t('requests:status.title', { code: record.code, service: serviceName(ctx.t, record.service) }),
      ctx.t('requests:status.state', { state: ctx.t(`requests:state.${record.state}`) }),
      ctx.t('requests:status.created', { at: formatDateTime(record.createdAt, ctx.lang) }),
      ctx.t('requests:status.updated', { at: formatDateTime(record.updatedAt, ctx.lang) }),
    ];
    const buttons: Button[] = [];
    if (record.agency?.expectedBy && (record.state === 'submitted' || record.state === 'processing'))
      lines.push(ctx.t('requests:status.expected', { date: formatDate(record.agency.expectedBy, ctx.lang) }));
    if (record.state === 'awaiting_payment') {
      lines.push(
        ctx.t('requests:status.feeDue', {
          amount: formatVnd(record.payment?.amount ?? feeOf(record.decision), ctx.lang),
        }),
      );
      buttons.push({ label: ctx.t('requests:status.pay'), action: act(`pay:${record.code}`) });
    }
    if (record.state === 'rejected' && record.rejection)
      lines.push(ctx.t('requests:status.rejection', { reason: record.rejection.reason }));
    if (record.state === 'issued' && record.result)
      buttons.push({ label: ctx.t('requests:status.resend'), action: act(`result:${record.code}`) });
    buttons.push({ label: ctx.t('requests:status.mine'), action: 'intent:request_status' });
    return { text: lines.join('\n'), buttons };
  }

  async function show(ctx: TurnContext, typed: string): Promise<void> {
    const record = await owned(ctx, typed);
    if (!record) return;
    const { text, buttons } = detail(ctx, record);
    ctx.reply(text, buttons);
  }

  async function intent(ctx: TurnContext): Promise<void> {
    const linked = await linkedFor(ctx);
    if (!linked) {
      if (!ctx.services.identity) ctx.reply(ctx.t('notOpen.request_status'));
      return;
    }
    const code = ctx.understanding?.entities.request_id;
    if (code) return show(ctx, code);
    const records = await requests.listForCitizen(linked.citizenKey, 10);
    if (records.length === 0) {
      ctx.reply(ctx.t('requests:status.none'), mainMenuButtons(ctx.t, ctx.lang));
      return;
    }
    const lines = [
      ctx.t('requests:status.list'),
      ...records.map((r) =>
        ctx.t('requests:status.item', {
          code: r.code,
          service: serviceName(ctx.t, r.service),
          state: ctx.t(`requests:state.${r.state}`),
          at: formatDate(r.updatedAt, ctx.lang),
        }),
      ),
    ];
    ctx.reply(
      lines.join('\n'),
      records.slice(0, 5).map((r) => ({ label: r.code, action: act(`status:${r.code}`) })),
    );
  }

  async function showPayment(ctx: TurnContext, typed: string): Promise<void> {
    const record = await owned(ctx, typed);
    if (!record) return;
    if (record.state !== 'awaiting_payment') return show(ctx, record.code);
    const { payment } = await requests.confirm(record.code);
    if (!payment) return show(ctx, record.code);
    for (const m of await paymentMessages(ctx, record, payment, deps)) ctx.reply(m);
  }

  /** Development only: the embedded payment provider's "mark as paid", from the chat. */
  async function devPay(ctx: TurnContext, typed: string): Promise<void> {
    if (!deps.devPayments) {
      ctx.reply(ctx.t('requests:payment.devUnavailable'));
      return;
    }
    const record = await owned(ctx, typed);
    if (!record) return;
    try {
      await requests.markPaid(record.code, {
        amount: record.payment?.amount ?? feeOf(record.decision),
        provider: 'dev',
        transactionId: `DEV-${randomUUID()}`,
      });
      ctx.reply(ctx.t('requests:payment.devPaid', { code: record.code }));
    } catch (error) {
      if (!(error instanceof RequestError)) throw error;
      ctx.reply(ctx.t(error.messageKey));
    }
  }

  async function resendResult(ctx: TurnContext, typed: string): Promise<void> {
    const record = await owned(ctx, typed);
    if (!record) return;
    if (record.state !== 'issued' || !record.result) return show(ctx, record.code);
    for (const m of statusMessages(record, 'issued', ctx.t).slice(1)) ctx.reply(m);
  }

  return { intent, show, showPayment, devPay, resendResult };
}
