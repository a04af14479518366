import type { TFunction } from 'i18next';
import type { Address } from '../dialogue/message.ts';
import type { Lang } from '../i18n.ts';

/**
 * Data-subject rights (Law 91/2025/QH15, Decree 356/2025/NĐ-CP; domain notes §5, rules P1–P3): every module
 * that holds personal data registers a contributor, so that "send me my data" and "delete my data" reach all
 * of it. Hoso's own parts (identity links, consents, conversations) register first; requests, support tickets
 * and the rest register theirs at start-up.
 */

/** Whose data: the citizen (when the chat account is linked) and every chat account that is theirs. */
export interface DataSubject {
  /** `cipher.keyedHash(ID number)` when linked; how modules index what they hold about a citizen. */
  citizenKey?: string;
  /** The account that asked first, then the others linked to the same citizen. */
  accounts: Address[];
}

/** Something kept after an erasure because a law requires it, said in the citizen's language. */
export interface Retained {
  what: string;
  why: string;
  /** ISO date until which it is kept, or null when the period runs from a later event. */
  until: string | null;
}

export interface ErasureOutcome {
  /** What was erased, in the citizen's language ("2 linked chat accounts"). */
  erased: string[];
  kept: Retained[];
}

export interface ErasureContext {
  lang: Lang;
  /** Fixed to `lang`; contributors keep their sentences in their own locale namespace. */
  t: TFunction;
  now: Date;
  /** The erasure request's id, for records that must show it was carried out. */
  requestId: string;
}

export interface PersonalDataContributor {
  /** The section name in the export ("identity", "requests"…). */
  name: string;
  /** Everything this module holds about the subject, as JSON. Never throws for "nothing held": return null. */
  export(subject: DataSubject): Promise<unknown>;
  /** Erases it (idempotent: a retried job calls it again) and says what had to be kept, and why. */
  erase(subject: DataSubject, context: ErasureContext): Promise<ErasureOutcome>;
}

export class DuplicateContributorError extends Error {
  readonly code = 'HOSO_ERR_PRIVACY_CONTRIBUTOR_TWICE';
}

export class PersonalDataRegistry {
  private readonly list: PersonalDataContributor[] = [];

  register(contributor: PersonalDataContributor): void {
    if (this.list.some((c) => c.name === contributor.name)) {
      throw new DuplicateContributorError(`personal-data contributor ${contributor.name} registered twice`);
    }
    this.list.push(contributor);
  }

  /** In registration order (export order). */
  contributors(): readonly PersonalDataContributor[] {
    return this.list;
  }

  /**
   * Erasure order: the latest registered first, so domain modules still find the identity link and the
   * conversation (registered first) while they erase their own records.
   */
  erasureOrder(): readonly PersonalDataContributor[] {
    return [...this.list].reverse();
  }
}
