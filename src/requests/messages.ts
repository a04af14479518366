import type { TFunction } from 'i18next';
import type { Outbound } from '../dialogue/message.ts';
import { formatDate, formatDateTime, formatVnd } from '../i18n.ts';
import type { RequestRecord, RequestState } from './schema.ts';

/** The service's name in the citizen's language (the catalog's title later; a generic word for others). */
export function serviceName(t: TFunction, service: string): string {
  return t(`requests:service.${service}`, { defaultValue: t('requests:service.other') });
}

/** What the citizen is told when their request reaches a state (text, and the document once issued). */
export function statusMessages(record: RequestRecord, state: RequestState, t: TFunction): Outbound[] {
  const lang = record.lang;
  const base = { code: record.code, service: serviceName(t, record.service) };
  const text = (body: string): Outbound => ({ type: 'text', text: body });
  switch (state) {
    case 'paid':
      return [
        text(t('requests:notify.paid', { ...base, amount: formatVnd(record.payment?.amount ?? 0, lang) })),
      ];
    case 'submitted': {
      const args = {
        ...base,
        at: formatDateTime(record.agency?.submittedAt ?? record.updatedAt, lang),
        agencyRef: record.agency?.ref ?? '—',
      };
      return [
        text(
          record.agency?.expectedBy
            ? t('requests:notify.submittedExpected', {
                ...args,
                expected: formatDate(record.agency.expectedBy, lang),
              })
            : t('requests:notify.submitted', args),
        ),
      ];
    }
    case 'processing':
      return [text(t('requests:notify.processing', base))];
    case 'issued': {
      if (!record.result) return [text(t('requests:notify.issued', base))];
      return [
        text(t('requests:notify.issued', base)),
        {
          type: 'document',
          fileId: record.result.fileId,
          filename: record.result.filename,
          mimeType: 'application/pdf',
          caption: t('requests:notify.documentCaption', base),
        },
      ];
    }
    case 'rejected':
      return [
        text(
          t('requests:notify.rejected', {
            ...base,
            reason: (record.rejection?.reason ?? '—').replace(/[.\s]+$/, ''),
          }),
        ),
      ];
    case 'failed':
      return [text(t('requests:notify.failed', base))];
    default:
      return [];
  }
}
