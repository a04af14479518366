import type { Notifier } from '../conversation/notifier.ts';
import type { TurnLogger } from '../dialogue/context.ts';
import type { BlobStore } from '../files/types.ts';
import type { Translator } from '../i18n.ts';
import { errorCode } from '../jobs/dead-letters.ts';
import { type JobQueue, PermanentJobError } from '../jobs/types.ts';
import {
  AgencyError,
  type AgencyPort,
  type AgencyStatus,
  type AgencySubmission,
} from '../ports/agency/types.ts';
import { IllegalTransitionError } from './errors.ts';
import type { ExtractIssuer } from './extract-issuer.ts';
import { statusMessages } from './messages.ts';
import { subjectMismatches } from './result-subject.ts';
import { canTransition, FINAL_STATES, type RequestRecord, RequestStateSchema } from './schema.ts';
import { NOTIFY_JOB, type RequestService, STATUS_JOB, SUBMIT_JOB } from './service.ts';
import { DEFAULT_GRACE_MS, type RequestWatch } from './watch.ts';

export interface RequestJobsDeps {
  service: RequestService;
  queue: JobQueue;
  /** The back office per service id (`lltp` → the agency, `health_record` → the health-records system). */
  agencies: Readonly<Record<string, AgencyPort>>;
  issuer: ExtractIssuer;
  /** Where the citizen's uploaded documents are, to send them with the submission. */
  files?: Pick<BlobStore, 'get'>;
  /** Reaches the citizen on the channel they used (the app's Notifier). */
  notifier: Pick<Notifier, 'send'>;
  translator: Translator;
  log: TurnLogger;
  /** First wait between status questions; it grows by half each time up to `maxPollMs`. */
  pollMs: number;
  maxPollMs?: number;
  /** Status questions that may fail in a row (agency down) before the request is dead-lettered. */
  maxPollFailures?: number;
  /** The records' list of pending jobs (see watch.ts); each queued question updates its due time. */
  watch?: RequestWatch;
  graceMs?: number;
}

/** What the agency receives. Stable across retries (filedAt is when the request became ready to file). */
export function toSubmission(record: RequestRecord): AgencySubmission {
  return {
    code: record.code,
    // Records made before the key existed keep filing under their code, as they first did.
    idempotencyKey: record.submissionKey ?? record.code,
    service: record.service,
    subject: record.subject,
    facts: record.facts,
    decision: record.decision,
    payment: {
      amount: record.payment?.paidAt ? record.payment.amount : 0,
      exempt: !record.payment?.paidAt,
      ...(record.payment?.transactionId ? { transactionId: record.payment.transactionId } : {}),
      ...(record.payment?.paidAt ? { paidAt: record.payment.paidAt } : {}),
    },
    filedAt: record.stateAt.paid ?? record.stateAt.exempt ?? record.createdAt,
  };
}

/**
 * The pipeline after confirmation, as jobs: submit (with the request code as idempotency key), ask the
 * status until a result, issue the extract, and tell the citizen at each step. Each handler re-reads the
 * request and does only what is left, so a retry or a duplicate run changes nothing twice.
 */
export function registerRequestJobs(deps: RequestJobsDeps): void {
  const { service, queue, log } = deps;
  const repo = service.repo;
  const maxPollMs = deps.maxPollMs ?? 30 * 60 * 1000;
  const maxPollFailures = deps.maxPollFailures ?? 20;

  function agencyFor(record: RequestRecord): AgencyPort {
    const agency = deps.agencies[record.service];
    if (!agency)
      throw new PermanentJobError(`no back office handles ${record.service}`, 'HOSO_ERR_AGENCY_NONE');
    return agency;
  }

  async function schedulePoll(code: string, poll: number, failures = 0, chain?: string): Promise<void> {
    const delayMs = Math.min(maxPollMs, Math.round(deps.pollMs * 1.5 ** Math.max(0, poll - 1)));
    await deps.watch?.expect(code, Date.now() + delayMs + (deps.graceMs ?? DEFAULT_GRACE_MS));
    await queue.enqueue(
      {
        name: STATUS_JOB,
        data: { code, poll, failures, ...(chain ? { chain } : {}) },
        key: `status:${code}:${chain ? `${chain}:` : ''}${poll}`,
      },
      { delayMs },
    );
  }

  /** After a submission: tell the citizen and start asking the status. Safe to repeat. */
  /** The uploaded documents, read back from the blob store; one gone missing stops the filing for staff. */
  async function attach(record: RequestRecord): Promise<AgencySubmission['documents']> {
    const out: NonNullable<AgencySubmission['documents']> = [];
    for (const doc of record.documents) {
      const file = await deps.files?.get(doc.fileId);
      if (!file)
        throw new PermanentJobError(
          `document ${doc.code} of ${record.code} is missing`,
          'HOSO_ERR_FILE_MISSING',
        );
      out.push({
        code: doc.code,
        filename: doc.filename,
        mimeType: doc.mimeType,
        contentBase64: Buffer.from(file.bytes).toString('base64'),
      });
    }
    return out;
  }

  async function afterSubmission(record: RequestRecord): Promise<void> {
    await service.notify(record, 'submitted');
    await schedulePoll(record.code, 1);
  }

  async function markFailed(data: Record<string, unknown>, error: Error): Promise<void> {
    const code = String(data.code ?? '');
    const record = await repo.get(code);
    if (!record || !canTransition(record.state, 'failed')) return;
    const next = await repo.transition(code, 'failed', {
      by: 'jobs',
      patch: () => ({
        failure: {
          ...(errorCode(error) ? { code: errorCode(error) } : {}),
          message: error.message.slice(0, 1000),
          at: new Date().toISOString(),
        },
      }),
    });
    await service.notify(next, 'failed');
  }

  async function reject(record: RequestRecord, rejection: { code?: string; reason?: string }): Promise<void> {
    const next = await repo.transition(record.code, 'rejected', {
      by: 'agency',
      patch: () => ({
        rejection: {
          ...(rejection.code ? { code: rejection.code } : {}),
          reason: rejection.reason ?? 'không nêu lý do',
        },
      }),
    });
    await service.notify(next, 'rejected');
  }

  queue.handle(
    SUBMIT_JOB,
    async (data) => {
      const code = String(data.code ?? '');
      const record = await repo.get(code);
      // Erased since (the citizen deleted their data): there is nothing left to file.
      if (!record) return;
      if (record.agency) {
        // Already filed (a duplicate run, or a crash after filing): finish the follow-ups only.
        if (!FINAL_STATES.includes(record.state)) await afterSubmission(record);
        return;
      }
      if (!['paid', 'exempt', 'failed'].includes(record.state)) {
        throw new PermanentJobError(
          `request ${code} is ${record.state}: nothing to submit`,
          'HOSO_ERR_REQUEST_NOT_READY',
        );
      }
      let answer: Awaited<ReturnType<AgencyPort['submit']>>;
      try {
        answer = await agencyFor(record).submit({ ...toSubmission(record), documents: await attach(record) });
      } catch (error) {
        if (error instanceof AgencyError && error.code === 'HOSO_ERR_AGENCY_REJECTED') {
          await reject(record, error.refusal ?? {});
          return;
        }
        throw error;
      }
      let submitted: RequestRecord;
      try {
        submitted = await repo.transition(code, 'submitted', {
          by: 'jobs',
          patch: () => ({
            agency: {
              ref: answer.agencyRef,
              submittedAt: new Date().toISOString(),
              ...(answer.expectedBy ? { expectedBy: answer.expectedBy } : {}),
            },
          }),
        });
      } catch (error) {
        if (!(error instanceof IllegalTransitionError)) throw error;
        submitted = await repo.require(code);
      }
      log.info({ request: code, agencyRef: answer.agencyRef }, 'request submitted');
      await afterSubmission(submitted);
    },
    { onDeadLetter: markFailed },
  );

  queue.handle(
    STATUS_JOB,
    async (data) => {
      const code = String(data.code ?? '');
      const poll = Number(data.poll ?? 1);
      const failures = Number(data.failures ?? 0);
      const chain = typeof data.chain === 'string' ? data.chain : undefined;
      // The sweeper started a new chain of questions for this request: an older one that comes back stops.
      const current = await deps.watch?.chainOf(code);
      if (current && current !== chain) return;
      const record = await repo.get(code);
      if (!record || FINAL_STATES.includes(record.state)) {
        // A run cut short between the final step and queueing its message (the worker died) is taken over
        // here: the message is keyed by request and state, so it is queued once however often this runs.
        if (record) await service.notify(record, record.state);
        await deps.watch?.forget(code);
        return;
      }
      if (!record.agency)
        throw new PermanentJobError(`request ${code} was never filed`, 'HOSO_ERR_REQUEST_NOT_READY');
      let status: AgencyStatus;
      try {
        status = await agencyFor(record).status(record.agency.ref, toSubmission(record));
      } catch (error) {
        if (error instanceof AgencyError && error.retryable) {
          if (failures + 1 >= maxPollFailures) {
            throw new PermanentJobError(
              `the agency did not answer ${failures + 1} status questions in a row`,
              error.code,
              {
                cause: error,
              },
            );
          }
          log.warn({ request: code, poll, err: error.message }, 'status question failed, will ask again');
          await schedulePoll(code, poll + 1, failures + 1, chain);
          return;
        }
        throw error;
      }
      switch (status.state) {
        case 'received':
          if (record.state === 'failed') await repo.transition(code, 'submitted', { by: 'agency' });
          await schedulePoll(code, poll + 1, 0, chain);
          return;
        case 'processing':
          if (record.state === 'submitted' || record.state === 'failed') {
            const next = await repo.transition(code, 'processing', { by: 'agency' });
            await service.notify(next, 'processing');
          }
          await schedulePoll(code, poll + 1, 0, chain);
          return;
        case 'issued': {
          const mismatches = subjectMismatches(record, status.result);
          if (mismatches.length > 0) {
            // Quarantined: nothing is rendered, signed or sent. The request fails to staff (dead letters,
            // with which fields differ) and the citizen is told it needs a person.
            log.error(
              { request: code, agencyRef: record.agency.ref, differs: mismatches },
              'the agency returned a result for someone else: quarantined, not delivered',
            );
            throw new PermanentJobError(
              `the agency's result (${record.agency.ref}) is not about the requester: ${mismatches.join(', ')} differ${mismatches.length === 1 ? 's' : ''}`,
              'HOSO_ERR_RESULT_SUBJECT_MISMATCH',
            );
          }
          const issued = await deps.issuer.issue(record, status.result);
          const next = await repo.transition(code, 'issued', {
            by: 'agency',
            patch: () => ({ result: { ...issued, issuedAt: new Date().toISOString() } }),
          });
          log.info({ request: code, documentId: issued.documentId }, 'request issued');
          await service.notify(next, 'issued');
          return;
        }
        case 'rejected':
          await reject(record, status.rejection);
          return;
      }
    },
    { onDeadLetter: markFailed },
  );

  queue.handle(NOTIFY_JOB, async (data) => {
    const record = await repo.get(String(data.code ?? ''));
    // Erased since (the citizen deleted their data): nobody to tell.
    if (!record) return;
    const state = RequestStateSchema.parse(data.state);
    const messages = statusMessages(record, state, deps.translator.t(record.lang));
    if (messages.length === 0) return;
    await deps.notifier.send(record.address, messages);
  });
}
