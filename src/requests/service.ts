import type { JobQueue } from '../jobs/types.ts';
import type { PaymentInstructions, PaymentPort } from '../payments/port.ts';
import { RequestError } from './errors.ts';
import type { RequestRepository } from './repository.ts';
import { feeOf, type NewRequest, type RequestRecord, type RequestState } from './schema.ts';
import { DEFAULT_GRACE_MS, type RequestWatch } from './watch.ts';

/** Job names of the request pipeline (handlers in ./jobs.ts). */
export const SUBMIT_JOB = 'request.submit';
export const STATUS_JOB = 'request.status';
export const NOTIFY_JOB = 'request.notify';

/** States the citizen is told about as they happen (the others are answers within the conversation). */
export const NOTIFIED_STATES: readonly RequestState[] = [
  'paid',
  'submitted',
  'processing',
  'issued',
  'rejected',
  'failed',
];

export interface PaymentConfirmation {
  amount: number;
  provider: 'dev' | 'gateway';
  /** The payment's own id at the gateway (or the dev outbox). */
  transactionId: string;
  paidAt?: string;
}

export interface ConfirmResult {
  record: RequestRecord;
  /** Present when the citizen must pay before the request goes out. */
  payment?: PaymentInstructions;
}

export interface RequestServiceDeps {
  repo: RequestRepository;
  queue: JobQueue;
  payments: PaymentPort;
  /** The records' list of pending jobs, so a request whose job Redis lost is queued again. */
  watch?: RequestWatch;
  /** How late a job may run before the request counts as stranded. */
  graceMs?: number;
  now?: () => Date;
}

/**
 * The request lifecycle as the conversation and the payment routes drive it. Every step is idempotent: a
 * step repeated after a crash finishes what the first one started (the submission job is keyed by the
 * request code), so the only rule callers keep is to tell the citizen "submitted" after the call returns.
 */
export class RequestService {
  private readonly now: () => Date;

  constructor(private readonly deps: RequestServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  get repo(): RequestRepository {
    return this.deps.repo;
  }

  /** A draft from the conversation's facts and the rules engine's decision. */
  create(input: NewRequest): Promise<RequestRecord> {
    return this.deps.repo.create(input);
  }

  /**
   * The citizen confirmed. A fee makes the request wait for payment (the answer carries the payment code);
   * no fee sends it on at once. Once this resolves, the submission job is stored.
   */
  async confirm(code: string): Promise<ConfirmResult> {
    const record = await this.deps.repo.require(code);
    switch (record.state) {
      case 'draft': {
        const amount = feeOf(record.decision);
        if (amount === 0) {
          await this.expectSubmission(code);
          const next = await this.deps.repo.transition(code, 'exempt', { by: 'citizen' });
          await this.enqueueSubmission(code);
          return { record: next };
        }
        const payment = await this.deps.payments.prepare({ code, amount });
        const next = await this.deps.repo.transition(code, 'awaiting_payment', {
          by: 'citizen',
          patch: () => ({
            payment: {
              amount,
              currency: 'VND',
              reference: payment.reference,
              qrPayload: payment.qrPayload,
              requestedAt: this.now().toISOString(),
            },
          }),
        });
        return { record: next, payment };
      }
      case 'awaiting_payment': {
        // Asked again: the same payment code.
        const payment = await this.deps.payments.prepare({
          code,
          amount: record.payment?.amount ?? feeOf(record.decision),
        });
        return { record, payment };
      }
      case 'paid':
      case 'exempt':
        await this.enqueueSubmission(code);
        return { record };
      default:
        return { record };
    }
  }

  /**
   * A payment arrived for the request. Acts once: a payment for a request already paid only makes sure the
   * submission is queued. Refuses a wrong amount, and a payment for a request that is not waiting for one.
   */
  async markPaid(
    code: string,
    paid: PaymentConfirmation,
  ): Promise<{ record: RequestRecord; duplicate: boolean }> {
    const record = await this.deps.repo.require(code);
    if (record.state === 'awaiting_payment') {
      const expected = record.payment?.amount ?? feeOf(record.decision);
      if (paid.amount !== expected) {
        throw new RequestError(
          'HOSO_ERR_PAYMENT_AMOUNT_MISMATCH',
          `request ${code} expects ${expected} VND, the payment was ${paid.amount} VND`,
          { expected, paid: paid.amount },
        );
      }
      await this.expectSubmission(code);
      const next = await this.deps.repo.transition(code, 'paid', {
        by: 'payment',
        patch: (r) => ({
          payment: {
            ...(r.payment ?? {
              amount: expected,
              currency: 'VND' as const,
              reference: code,
              requestedAt: r.updatedAt,
            }),
            paidAt: paid.paidAt ?? this.now().toISOString(),
            provider: paid.provider,
            transactionId: paid.transactionId,
          },
        }),
      });
      await this.notify(next, 'paid');
      await this.enqueueSubmission(code);
      return { record: next, duplicate: false };
    }
    // Only the transfer that paid the request is a duplicate; another one is money the request did not ask for.
    if (record.payment?.paidAt && record.payment.transactionId === paid.transactionId) {
      if (record.state === 'paid') await this.enqueueSubmission(code);
      return { record, duplicate: true };
    }
    throw new RequestError(
      'HOSO_ERR_PAYMENT_NOT_EXPECTED',
      `request ${code} is ${record.state}, not awaiting payment`,
      {
        state: record.state,
      },
    );
  }

  async cancel(code: string): Promise<RequestRecord> {
    return this.deps.repo.transition(code, 'cancelled', { by: 'citizen' });
  }

  get(code: string): Promise<RequestRecord | undefined> {
    return this.deps.repo.get(code);
  }

  listForCitizen(citizenKey: string, limit?: number): Promise<RequestRecord[]> {
    return this.deps.repo.listForCitizen(citizenKey, limit);
  }

  /** Staff: send a dead-lettered request again (a new job, since the first one's key is spent). */
  async retry(code: string, by: string): Promise<void> {
    const record = await this.deps.repo.require(code);
    if (record.state !== 'failed') {
      throw new RequestError(
        'HOSO_ERR_REQUEST_ILLEGAL_TRANSITION',
        `request ${code} is ${record.state}, not failed`,
      );
    }
    const job = record.agency ? STATUS_JOB : SUBMIT_JOB;
    await this.deps.watch?.expect(code, this.now().getTime() + (this.deps.graceMs ?? DEFAULT_GRACE_MS));
    await this.deps.queue.enqueue({
      name: job,
      data: { code, retriedBy: by, poll: 1 },
      key: `${job === SUBMIT_JOB ? 'submit' : 'status'}:${code}:retry:${this.now().getTime()}`,
    });
  }

  /**
   * Written before the state change that owes a submission and again before the job: a crash between any
   * two of these steps leaves a request the sweeper finds, never one lost.
   */
  private async expectSubmission(code: string): Promise<void> {
    await this.deps.watch?.expect(code, this.now().getTime() + (this.deps.graceMs ?? DEFAULT_GRACE_MS));
  }

  private async enqueueSubmission(code: string): Promise<void> {
    await this.expectSubmission(code);
    await this.deps.queue.enqueue({ name: SUBMIT_JOB, data: { code }, key: `submit:${code}` });
  }

  /** Queues the message telling the citizen about a state (once per request and state). */
  async notify(record: RequestRecord, state: RequestState): Promise<void> {
    if (!NOTIFIED_STATES.includes(state)) return;
    await this.deps.queue.enqueue({
      name: NOTIFY_JOB,
      data: { code: record.code, state },
      key: `notify:${record.code}:${state}`,
    });
  }
}
