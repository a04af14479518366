import { vietnamDate } from '../i18n.ts';
import { readFact } from '../ports/agency/simulated.ts';
import {
  AgencyError,
  type AgencyPort,
  type AgencyStatus,
  type AgencySubmission,
  HEALTH_GROUPS,
  type SubmitAnswer,
} from '../ports/agency/types.ts';
import { type HealthRecords, HealthRecordsError, HealthScopeSchema } from '../ports/health/schema.ts';

/**
 * The e-health-book extract goes through the same pipeline as an agency request, but its "back office" is the
 * health-records system: filing is immediate, and the status call fetches the shareable part of the book
 * (never stored by Hoso) and hands it on to be rendered. Scope and groups come from the request's facts
 * (`request.scope`, `request.visitId`, `request.groups`).
 */
export class HealthRecordsFulfilment implements AgencyPort {
  constructor(
    private readonly health: HealthRecords,
    private readonly options: { now?: () => Date } = {},
  ) {}

  async submit(submission: AgencySubmission): Promise<SubmitAnswer> {
    // The health-records system files it under Hoso's own code, which already reads SKDT-….
    return { agencyRef: submission.code, state: 'received' };
  }

  async status(agencyRef: string, submission: AgencySubmission): Promise<AgencyStatus> {
    const now = this.options.now?.() ?? new Date();
    const base = { agencyRef, updatedAt: now.toISOString() };
    const choice = HealthScopeSchema.safeParse({
      scope: readFact(submission.facts, 'request.scope') ?? 'summary',
      ...(typeof readFact(submission.facts, 'request.visitId') === 'string'
        ? { visitId: readFact(submission.facts, 'request.visitId') }
        : {}),
    });
    if (!choice.success) {
      return { ...base, state: 'rejected', rejection: { code: 'bad_scope', reason: choice.error.message } };
    }
    const groupsFact = readFact(submission.facts, 'request.groups');
    const groups = Array.isArray(groupsFact)
      ? HEALTH_GROUPS.filter((g) => groupsFact.includes(g))
      : [...HEALTH_GROUPS];
    let book: Awaited<ReturnType<HealthRecords['getBook']>>;
    try {
      book = await this.health.getBook(submission.subject.citizenId, choice.data);
    } catch (error) {
      if (error instanceof HealthRecordsError && error.code === 'HOSO_ERR_HEALTH_VISIT_NOT_FOUND') {
        return { ...base, state: 'rejected', rejection: { code: 'visit_not_found', reason: error.message } };
      }
      const retryable = !(error instanceof HealthRecordsError) || error.code !== 'HOSO_ERR_HEALTH_REJECTED';
      throw new AgencyError(
        retryable ? 'HOSO_ERR_AGENCY_UNAVAILABLE' : 'HOSO_ERR_AGENCY_REJECTED',
        `health records: ${(error as Error).message}`,
        undefined,
        { cause: error },
      );
    }
    if (!book) {
      return {
        ...base,
        state: 'rejected',
        rejection: {
          code: 'no_health_book',
          reason: 'the health-records system has no book for this person',
        },
      };
    }
    return {
      ...base,
      state: 'issued',
      result: {
        kind: 'health_record',
        issueDate: vietnamDate(now),
        issuePlace: 'Hà Nội',
        // Domain §4.1: the data comes from facilities through Vietnam Social Security; the MoH sets the standard.
        authority: { name: 'Sổ sức khỏe điện tử', parent: 'Bộ Y tế' },
        subject: {
          fullName: submission.subject.fullName,
          dateOfBirth: submission.subject.dateOfBirth,
          ...(submission.subject.gender ? { gender: submission.subject.gender } : {}),
          idDocument: { kind: 'cccd', number: submission.subject.citizenId },
        },
        choice: {
          scope: choice.data.scope,
          groups: groups.length > 0 ? groups : [...HEALTH_GROUPS],
          ...(choice.data.visitId ? { visitId: choice.data.visitId } : {}),
        },
        record: book,
      },
    };
  }
}
