import type { TurnLogger } from '../dialogue/context.ts';
import type { DataSubject, PersonalDataRegistry } from './contributors.ts';

export const EXPORT_FORMAT = 'hoso.personal-data-export.v1';

export interface PersonalDataExport {
  format: typeof EXPORT_FORMAT;
  generatedAt: string;
  controller: string;
  legalBasis: string;
  subject: { linked: boolean; accounts: DataSubject['accounts'] };
  /** One section per contributor; `null` when it holds nothing, `{ error }` when it could not answer now. */
  data: Record<string, unknown>;
}

/**
 * "Send me everything you hold about me" (right of access, Law 91/2025/QH15): every contributor's section in
 * one JSON document. A contributor that fails is named in the document instead of silently missing.
 */
export async function buildPersonalDataExport(
  registry: PersonalDataRegistry,
  subject: DataSubject,
  options: { now: Date; log: TurnLogger },
): Promise<{ document: PersonalDataExport; failed: string[] }> {
  const data: Record<string, unknown> = {};
  const failed: string[] = [];
  for (const contributor of registry.contributors()) {
    try {
      data[contributor.name] = (await contributor.export(subject)) ?? null;
    } catch (err) {
      failed.push(contributor.name);
      options.log.error({ contributor: contributor.name, err }, 'personal-data export section failed');
      data[contributor.name] = { error: 'could not be read now; ask again later' };
    }
  }
  return {
    document: {
      format: EXPORT_FORMAT,
      generatedAt: options.now.toISOString(),
      controller: 'Hoso',
      legalBasis: 'Law 91/2025/QH15 on Personal Data Protection; Decree 356/2025/NĐ-CP',
      subject: { linked: subject.citizenKey !== undefined, accounts: subject.accounts },
      data,
    },
    failed,
  };
}
