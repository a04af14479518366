import type { BlobStore } from '../files/types.ts';
import type { ErasureOutcome, PersonalDataContributor } from '../privacy/contributors.ts';
import type { KeyValueStore } from '../store/types.ts';
import { FINAL_STATES } from './schema.ts';
import type { RequestService } from './service.ts';

export interface RequestsContributorOptions {
  /** How long the record of a fee paid is kept after an erasure (PRIVACY_KEEP_PAYMENT_RECORDS_DAYS). */
  paymentRecordRetainMs: number;
}

/**
 * The citizen's requests for "send me my data" and "delete my data": exported whole (facts,
 * decision, states, documents by name); erased with their uploaded documents and issued extracts. Kept: the
 * record of a fee collected — the request code, amount, time and transaction, without the person — for the
 * accounting retention period (Law on Accounting 88/2015/QH13, Art. 41), and the issued-document registry's
 * masked entry, so that an extract already handed to someone can still be checked.
 */
export function requestsContributor(
  requests: RequestService,
  files: BlobStore,
  kv: KeyValueStore,
  options: RequestsContributorOptions,
): PersonalDataContributor {
  return {
    name: 'requests',
    async export(subject) {
      if (!subject.citizenKey) return null;
      const records = await requests.listForCitizen(subject.citizenKey, 1000);
      if (records.length === 0) return null;
      return records.map((r) => ({
        code: r.code,
        service: r.service,
        state: r.state,
        createdAt: r.createdAt,
        updatedAt: r.updatedAt,
        subject: r.subject,
        facts: r.facts,
        decision: r.decision,
        ruleSetVersion: r.ruleSetVersion,
        documents: r.documents.map((d) => ({ code: d.code, filename: d.filename })),
        payment: r.payment,
        agency: r.agency,
        result: r.result && {
          documentId: r.result.documentId,
          filename: r.result.filename,
          issuedAt: r.result.issuedAt,
        },
        history: r.history,
      }));
    },
    async erase(subject, { t, now }) {
      if (!subject.citizenKey) return { erased: [], kept: [] };
      const records = await requests.listForCitizen(subject.citizenKey, 10_000);
      let payments = 0;
      for (const r of records) {
        for (const d of r.documents) await files.delete(d.fileId);
        if (r.result) await files.delete(r.result.fileId);
        if (r.payment?.paidAt) {
          payments++;
          const entry = {
            code: r.code,
            amount: r.payment.amount,
            paidAt: r.payment.paidAt,
            provider: r.payment.provider,
            transactionId: r.payment.transactionId,
          };
          await kv.set(`payments:ledger:${r.code}`, JSON.stringify(entry), {
            ttlMs: options.paymentRecordRetainMs,
          });
        }
      }
      const codes = await requests.repo.eraseCitizen(subject.citizenKey);
      if (codes.length === 0) return { erased: [], kept: [] };
      const inProgress = records.filter((r) => !FINAL_STATES.includes(r.state) && r.agency).length;
      const erased = [t('requests:privacy.erased', { count: codes.length })];
      if (inProgress > 0) erased.push(t('requests:privacy.inProgress', { count: inProgress }));
      const until = new Date(now.getTime() + options.paymentRecordRetainMs).toISOString().slice(0, 10);
      const kept: ErasureOutcome['kept'] = [];
      if (payments > 0)
        kept.push({
          what: t('requests:privacy.kept.payments.what', { count: payments }),
          why: t('requests:privacy.kept.payments.why'),
          until,
        });
      const issued = records.filter((r) => r.result).length;
      // The issued-document registry holds no clear personal data (masked name and ID) and lets whoever holds
      // an extract check it is genuine: the entry stays, no longer tied to the citizen's requests or accounts.
      if (issued > 0)
        kept.push({
          what: t('requests:privacy.kept.documents.what', { count: issued }),
          why: t('requests:privacy.kept.documents.why'),
          until: null,
        });
      return { erased, kept };
    },
  };
}
