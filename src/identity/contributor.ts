import type { PersonalDataContributor } from '../privacy/contributors.ts';
import { maskCitizenId } from '../privacy/mask.ts';
import type { IdentityLinks } from './links.ts';

/**
 * Identity links in the data-subject export and erasure. The ID number is exported masked: the export travels
 * through a chat app, and the citizen knows their own number. Erasure unlinks every account and deletes the
 * encrypted ID.
 */
export function identityContributor(links: IdentityLinks): PersonalDataContributor {
  return {
    name: 'identity',
    async export(subject) {
      if (!subject.citizenKey) return null;
      const record = await links.citizen(subject.citizenKey);
      if (!record) return null;
      const id = await links.citizenId(subject.citizenKey);
      return {
        citizenId: id ? maskCitizenId(id) : null,
        citizenIdStorage: 'encrypted (AES-256-GCM); looked up by a keyed hash (HMAC-SHA256)',
        firstLinkedAt: record.createdAt,
        linkedAccounts: record.accounts.map((a) => ({
          account: a.address,
          method: a.method,
          assuranceLevel: a.level,
          linkedAt: a.linkedAt,
          lastVerifiedAt: a.verifiedAt,
        })),
        note: 'Hoso keeps no copy of the population registry: name, date of birth and phone are looked up when needed.',
      };
    },
    async erase(subject, { t }) {
      let count = 0;
      if (subject.citizenKey) count += (await links.forget(subject.citizenKey)).length;
      for (const address of subject.accounts) if (await links.unlink(address)) count++;
      return { erased: count > 0 ? [t('identity:erasure.links', { count })] : [], kept: [] };
    },
  };
}
