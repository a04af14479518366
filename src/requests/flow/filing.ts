import type { TurnContext } from '../../dialogue/context.ts';
import type { Outbound } from '../../dialogue/message.ts';
import type { BlobStore } from '../../files/types.ts';
import { formatVnd } from '../../i18n.ts';
import type { LinkedIdentity } from '../../identity/feature.ts';
import { birthProvinceByCode } from '../../identity/provinces.ts';
import { bankName } from '../../payments/banks.ts';
import type { PaymentInstructions } from '../../payments/port.ts';
import { renderQrPng } from '../../payments/qr-image.ts';
import type { Citizen } from '../../ports/population/citizen.ts';
import type { Decision } from '../../rules/decision.ts';
import { getterFor } from '../../rules/facts.ts';
import type { RequestRecord, Subject } from '../schema.ts';
import type { ConfirmResult, RequestService } from '../service.ts';
import type { Draft } from './draft.ts';

/** The person the extract is about: the citizen, or the child of theirs picked; undefined for anyone else. */
export async function subjectOf(draft: Draft, linked: LinkedIdentity): Promise<Citizen | undefined> {
  if (draft.child) return (await linked.children()).find((c) => c.id === draft.child!.id);
  const relation = getterFor('subject.relation')(draft.facts);
  return relation === undefined || relation === 'self' ? linked.citizen : undefined;
}

/** What the agency needs to find the person, from the population registry (Form 2 adds the family names). */
export function requestSubject(citizen: Citizen): Subject {
  const birthplace = citizen.placeOfBirthProvinceCode
    ? birthProvinceByCode(citizen.placeOfBirthProvinceCode)?.name
    : undefined;
  return {
    citizenId: citizen.id,
    fullName: citizen.fullName,
    dateOfBirth: citizen.dateOfBirth,
    gender: citizen.gender,
    nationality: citizen.nationality,
    ...(birthplace ? { placeOfBirth: birthplace } : {}),
    residence: citizen.residenceProvince,
    fatherName: citizen.fatherName,
    motherName: citizen.motherName,
    spouseName: citizen.spouseName,
  };
}

/**
 * Creates the request record (facts, decision and pinned rule set) and confirms it. When this resolves, the
 * submission job (or the wait for payment) is stored, so the citizen may be told.
 */
export async function fileRequest(input: {
  ctx: TurnContext;
  draft: Draft;
  decision: Decision;
  linked: LinkedIdentity;
  requests: RequestService;
}): Promise<ConfirmResult> {
  const { ctx, draft, decision, linked, requests } = input;
  const subject = await subjectOf(draft, linked);
  if (!subject) throw new Error('the request is about nobody Hoso can identify');
  const { trace: _trace, ...snapshot } = decision;
  const record = await requests.create({
    service: draft.service,
    ...(draft.filingKey ? { filingKey: draft.filingKey } : {}),
    citizenKey: linked.citizenKey,
    address: ctx.address,
    lang: ctx.lang,
    subject: requestSubject(subject),
    // The decision date goes with the facts, so the agency and an audit read what was decided, for when.
    facts: { ...draft.facts, on: decision.on },
    decision: snapshot,
    documents: draft.documents.flatMap((d) =>
      d.fileId && d.filename && d.mimeType
        ? [{ code: d.code, fileId: d.fileId, filename: d.filename, mimeType: d.mimeType }]
        : [],
    ),
  });
  return requests.confirm(record.code);
}

/** How to pay: the amount, the account and the transfer content, the VietQR code, and (dev) "mark as paid". */
export async function paymentMessages(
  ctx: TurnContext,
  record: RequestRecord,
  payment: PaymentInstructions,
  deps: { files: BlobStore; devPayments: boolean },
): Promise<Outbound[]> {
  const png = await renderQrPng(payment.qrPayload);
  const filename = `vietqr-${record.code}.png`;
  const fileId = await deps.files.put(png, { filename, mimeType: 'image/png' });
  const messages: Outbound[] = [
    {
      type: 'text',
      text: ctx.t('requests:payment.instructions', {
        code: record.code,
        amount: formatVnd(payment.amount, ctx.lang),
        account: payment.account,
        accountName: payment.accountName ?? ctx.t('requests:payment.accountNameUnknown'),
        bank: bankName(payment.bankBin) ?? payment.bankBin,
        bankBin: payment.bankBin,
        reference: payment.reference,
      }),
    },
    {
      type: 'document',
      fileId,
      filename,
      mimeType: 'image/png',
      caption: ctx.t('requests:payment.qrCaption', { code: record.code }),
    },
  ];
  if (deps.devPayments) {
    messages.push({
      type: 'text',
      text: ctx.t('requests:payment.devHint'),
      buttons: [{ label: ctx.t('requests:payment.devPay'), action: `request:devpay:${record.code}` }],
    });
  }
  return messages;
}
