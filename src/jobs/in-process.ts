import type { TurnLogger } from '../dialogue/context.ts';
import type { Job } from '../dialogue/message.ts';
import { type DeadLetterList, errorCode } from './dead-letters.ts';
import { type HandleOptions, type JobHandler, type JobQueue, PermanentJobError } from './types.ts';

export interface InProcessQueueOptions {
  attempts?: number;
  /** First retry delay; each further retry doubles it. */
  backoffMs?: number;
  log: TurnLogger;
  /** Told when a job has failed every attempt. */
  onDeadLetter?: (job: Job, error: Error) => void;
  /** Where jobs that failed every attempt are kept for staff. */
  deadLetters?: DeadLetterList;
  /** Told each time a failed attempt is scheduled again (the jobs-retried metric). */
  onRetry?: (job: string) => void;
}

interface Registration {
  handler: JobHandler;
  options: HandleOptions;
}

/**
 * The embedded job runner: same retry semantics as the BullMQ queue, in this process, nothing persisted.
 * A job with a key already accepted is not run twice.
 */
export function createInProcessJobQueue(options: InProcessQueueOptions): JobQueue {
  const attempts = options.attempts ?? 5;
  const backoffMs = options.backoffMs ?? 500;
  const handlers = new Map<string, Registration>();
  const waitingFor = new Map<string, { job: Job; delayMs: number }[]>();
  const seenKeys = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  let active = 0;

  function later(fn: () => void, ms: number): void {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!closed) fn();
    }, ms);
    timers.add(timer);
  }

  async function deadLetter(job: Job, registration: Registration, err: Error, attempt: number) {
    options.log.error({ job: job.name, key: job.key, err }, 'job failed on every attempt');
    try {
      await options.deadLetters?.add({
        name: job.name,
        ...(job.key ? { key: job.key } : {}),
        data: job.data,
        attempts: attempt,
        error: { message: err.message, ...(errorCode(err) ? { code: errorCode(err) } : {}) },
      });
      options.onDeadLetter?.(job, err);
      await registration.options.onDeadLetter?.(job.data, err);
    } catch (hookError) {
      options.log.error({ job: job.name, key: job.key, err: hookError }, 'dead-letter handling failed');
    }
  }

  function run(job: Job, registration: Registration, attempt: number): void {
    active += 1;
    registration
      .handler(job.data, { attempt, attempts, ...(job.key ? { key: job.key } : {}) })
      .finally(() => {
        active -= 1;
      })
      .catch((err: Error) => {
        if (attempt >= attempts || err instanceof PermanentJobError) {
          void deadLetter(job, registration, err, attempt);
          return;
        }
        options.log.warn(
          { job: job.name, key: job.key, attempt, err: err.message },
          'job failed, will retry',
        );
        options.onRetry?.(job.name);
        later(() => run(job, registration, attempt + 1), backoffMs * 2 ** (attempt - 1));
      });
  }

  return {
    async enqueue(job, enqueueOptions = {}) {
      if (job.key) {
        if (seenKeys.has(job.key)) return;
        seenKeys.add(job.key);
      }
      const delayMs = enqueueOptions.delayMs ?? 0;
      const registration = handlers.get(job.name);
      if (!registration) {
        waitingFor.set(job.name, [...(waitingFor.get(job.name) ?? []), { job, delayMs }]);
        return;
      }
      later(() => run(job, registration, 1), delayMs);
    },
    handle(name, handler, handleOptions = {}) {
      const registration = { handler, options: handleOptions };
      handlers.set(name, registration);
      for (const { job, delayMs } of waitingFor.get(name) ?? [])
        later(() => run(job, registration, 1), delayMs);
      waitingFor.delete(name);
    },
    async start() {},
    async counts() {
      let waiting = 0;
      for (const jobs of waitingFor.values()) waiting += jobs.length;
      // Every timer is a job waiting for its delay or its retry back-off.
      return { waiting, delayed: timers.size, active };
    },
    async close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
