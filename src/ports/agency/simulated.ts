import { createHash } from 'node:crypto';
import { expectedDate } from '../../calendar/expected-date.ts';
import { vietnamDate } from '../../i18n.ts';
import type { KeyValueStore } from '../../store/types.ts';
import { extractSection, type JudicialRecords } from '../judicial/schema.ts';
import {
  AgencyError,
  type AgencyPort,
  type AgencyStatus,
  type AgencySubmission,
  AgencySubmissionSchema,
  type LltpResult,
  type SubmitAnswer,
} from './types.ts';

export interface SimulatedBackOfficeOptions {
  /** From filing to the result. A third of it the request waits as "received", then it is "processing". */
  processingDelayMs: number;
  /** Public holidays (YYYY-MM-DD), so a time in working days skips them as a real office would. */
  holidays?: ReadonlySet<string>;
  now?: () => Date;
}

interface Filed {
  agencyRef: string;
  submittedAt: string;
}

/** A fact given flat (`"request.form": 2`) or nested (`{ request: { form: 2 } }`). */
export function readFact(facts: Record<string, unknown>, path: string): unknown {
  if (path in facts) return facts[path];
  let node: unknown = facts;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

const NATIONALITY_NAMES: Record<string, string> = { VN: 'Việt Nam' };

/** The fictional head who signs the simulated back office's extracts. */
const SIMULATED_SIGNER = 'Trần Minh Khôi';

/** The purposes of the LLTP catalog (`request.purpose`) as the back office prints them on the extract. */
const PURPOSE_NAMES: Record<string, string> = {
  employment: 'Xin việc làm',
  business: 'Thành lập, quản lý doanh nghiệp',
  abroad: 'Du học, xin thị thực, định cư ở nước ngoài',
  personal: 'Để biết thông tin của bản thân',
  other: 'Mục đích khác',
};

/**
 * The embedded back office: accepts a request once per code (kept in the store, so every process and a
 * restart agree), lets it wait and be processed for a configurable time, then issues the extract from the
 * fictional judicial records. It keeps no personal data: the status call gets the submission again.
 */
export class SimulatedBackOffice implements AgencyPort {
  private readonly now: () => Date;

  constructor(
    private readonly kv: KeyValueStore,
    private readonly judicial: JudicialRecords,
    private readonly options: SimulatedBackOfficeOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  async submit(submission: AgencySubmission): Promise<SubmitAnswer> {
    const s = AgencySubmissionSchema.parse(submission);
    const filed: Filed = {
      agencyRef: `TN-${createHash('sha256').update(s.idempotencyKey).digest('hex').slice(0, 10).toUpperCase()}`,
      submittedAt: this.now().toISOString(),
    };
    // The idempotency key names the filing: a second filing with it gets the first one's answer.
    await this.kv.set(`agency:sim:${s.idempotencyKey}`, JSON.stringify(filed), { nx: true });
    const kept = JSON.parse(
      (await this.kv.get(`agency:sim:${s.idempotencyKey}`)) ?? JSON.stringify(filed),
    ) as Filed;
    const expectedBy = this.expectedBy(s, new Date(kept.submittedAt));
    return { agencyRef: kept.agencyRef, state: 'received', ...(expectedBy ? { expectedBy } : {}) };
  }

  async status(agencyRef: string, submission: AgencySubmission): Promise<AgencyStatus> {
    const raw = await this.kv.get(`agency:sim:${submission.idempotencyKey}`);
    const filed = raw ? (JSON.parse(raw) as Filed) : undefined;
    if (!filed || filed.agencyRef !== agencyRef) {
      throw new AgencyError('HOSO_ERR_AGENCY_UNKNOWN_REF', `no submission ${agencyRef}`, 404);
    }
    const now = this.now();
    const elapsed = now.getTime() - Date.parse(filed.submittedAt);
    const base = { agencyRef, updatedAt: now.toISOString() };
    if (submission.service !== 'lltp') {
      return {
        ...base,
        state: 'rejected',
        rejection: {
          code: 'service_not_handled',
          reason: `this back office does not handle ${submission.service}`,
        },
      };
    }
    if (elapsed < this.options.processingDelayMs / 3) return { ...base, state: 'received' };
    if (elapsed < this.options.processingDelayMs) return { ...base, state: 'processing' };
    return { ...base, state: 'issued', result: await this.lltpResult(submission, now) };
  }

  private async lltpResult(s: AgencySubmission, now: Date): Promise<LltpResult> {
    const form = Number(readFact(s.facts, 'request.form') ?? 1) === 2 ? 2 : 1;
    const purpose = readFact(s.facts, 'request.purpose');
    // Founding or managing an enterprise needs the ban section (Law 28/2009 Art. 42(3)): the back office
    // looks the bans up for that purpose even when the box was not ticked.
    const banRequested =
      readFact(s.facts, 'request.managementBanRequested') === true || purpose === 'business';
    const record = await this.judicial.lookup(s.subject.citizenId);
    const section = extractSection(record, form, banRequested);
    const authority =
      typeof s.decision.authority === 'string' && s.decision.authority.length > 0
        ? { name: s.decision.authority }
        : { name: 'Cục Hồ sơ nghiệp vụ', parent: 'Bộ Công an' };
    const serial = createHash('sha256').update(`number:${s.code}`).digest().readUInt16BE(0);
    return {
      kind: 'lltp',
      form,
      documentNumber: `${1000 + (serial % 9000)}/LLTP-MP`,
      issueDate: vietnamDate(now),
      issuePlace: 'Hà Nội',
      authority,
      // The head of the issuing body signs; the title is the body's own, chosen where the body is printed.
      signer: { title: ['THỦ TRƯỞNG CƠ QUAN'], name: SIMULATED_SIGNER },
      subject: {
        fullName: s.subject.fullName,
        dateOfBirth: s.subject.dateOfBirth,
        ...(s.subject.gender ? { gender: s.subject.gender } : {}),
        ...(s.subject.placeOfBirth ? { placeOfBirth: s.subject.placeOfBirth } : {}),
        ...(s.subject.nationality
          ? { nationality: NATIONALITY_NAMES[s.subject.nationality] ?? s.subject.nationality }
          : {}),
        ...(s.subject.residence ? { residence: s.subject.residence } : {}),
        idDocument: { kind: 'cccd', number: s.subject.citizenId },
      },
      content: {
        ...(typeof purpose === 'string' && purpose.length > 0
          ? { purpose: PURPOSE_NAMES[purpose] ?? purpose }
          : {}),
        convictions: section.convictions,
        managementBan: section.managementBan,
        ...(form === 2
          ? {
              relatives: {
                father: s.subject.fatherName ?? null,
                mother: s.subject.motherName ?? null,
                spouse: s.subject.spouseName ?? null,
              },
            }
          : {}),
      },
    };
  }

  /** The decision's processing time from the day of filing, in its own unit (working or calendar days). */
  private expectedBy(s: AgencySubmission, from: Date): string | undefined {
    const processing = s.decision.processing as { days?: unknown; unit?: unknown } | undefined;
    const days = typeof processing?.days === 'number' ? processing.days : undefined;
    if (days === undefined) return undefined;
    const unit = processing?.unit === 'calendar' ? 'calendar' : 'working';
    return expectedDate(vietnamDate(from), { days, unit }, this.options.holidays ?? new Set());
  }
}
