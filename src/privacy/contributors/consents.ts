import type { ConsentLog } from '../consent-log.ts';
import type { PersonalDataContributor } from '../contributors.ts';

export interface ConsentContributorOptions {
  /** How long consent records are kept after an erasure (configuration: PRIVACY_KEEP_CONSENT_RECORDS_DAYS). */
  retainMs: number;
}

/**
 * Consent records: exported as they are; on erasure a "withdrawn" entry is appended and the record is kept
 * for the configured period only, as proof that what was processed before was consented to (the controller
 * must be able to show consent, Law 91/2025/QH15; Decree 13/2023 asked for a record that can be printed or
 * copied, domain notes §5.1).
 */
export function consentContributor(
  log: ConsentLog,
  options: ConsentContributorOptions,
): PersonalDataContributor {
  return {
    name: 'consents',
    async export(subject) {
      const accounts = [];
      for (const address of subject.accounts) {
        const entries = await log.list(address);
        if (entries.length > 0) accounts.push({ account: address, decisions: entries });
      }
      return accounts.length > 0 ? accounts : null;
    },
    async erase(subject, { t, now, lang, requestId }) {
      let withdrawn = 0;
      for (const address of subject.accounts) {
        const entries = await log.list(address);
        const last = entries.at(-1);
        if (!last) continue;
        if (last.decision !== 'withdrawn') {
          await log.record(address, {
            decision: 'withdrawn',
            version: last.version,
            at: now.toISOString(),
            lang,
            purpose: `erasure ${requestId}`,
          });
        }
        await log.keep(address, options.retainMs);
        withdrawn++;
      }
      if (withdrawn === 0) return { erased: [], kept: [] };
      const until = new Date(now.getTime() + options.retainMs).toISOString().slice(0, 10);
      return {
        erased: [t('privacy:erased.consentWithdrawn')],
        kept: [{ what: t('privacy:kept.consents.what'), why: t('privacy:kept.consents.why'), until }],
      };
    },
  };
}
