import type { TurnLogger } from '../dialogue/context.ts';
import type { Job } from '../dialogue/message.ts';
import type { JobHandler, JobQueue } from './types.ts';

export interface InProcessQueueOptions {
  attempts?: number;
  /** First retry delay; each further retry doubles it. */
  backoffMs?: number;
  log: TurnLogger;
  /** Told when a job has failed every attempt (the dead-letter list). */
  onDeadLetter?: (job: Job, error: Error) => void;
}

/**
 * The embedded job runner: same retry semantics as the BullMQ queue, in this process, nothing persisted.
 * A job with a key already accepted is not run twice.
 */
export function createInProcessJobQueue(options: InProcessQueueOptions): JobQueue {
  const attempts = options.attempts ?? 5;
  const backoffMs = options.backoffMs ?? 500;
  const handlers = new Map<string, JobHandler>();
  const waiting = new Map<string, Job[]>();
  const seenKeys = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  function later(fn: () => void, ms: number): void {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!closed) fn();
    }, ms);
    timers.add(timer);
  }

  function run(job: Job, handler: JobHandler, attempt: number): void {
    handler(job.data, { attempt, ...(job.key ? { key: job.key } : {}) }).catch((err: Error) => {
      if (attempt >= attempts) {
        options.log.error({ job: job.name, key: job.key, err }, 'job failed on every attempt');
        options.onDeadLetter?.(job, err);
        return;
      }
      options.log.warn({ job: job.name, key: job.key, attempt, err: err.message }, 'job failed, will retry');
      later(() => run(job, handler, attempt + 1), backoffMs * 2 ** (attempt - 1));
    });
  }

  return {
    async enqueue(job) {
      if (job.key) {
        if (seenKeys.has(job.key)) return;
        seenKeys.add(job.key);
      }
      const handler = handlers.get(job.name);
      if (!handler) {
        waiting.set(job.name, [...(waiting.get(job.name) ?? []), job]);
        return;
      }
      later(() => run(job, handler, 1), 0);
    },
    handle(name, handler) {
      handlers.set(name, handler);
      for (const job of waiting.get(name) ?? []) later(() => run(job, handler, 1), 0);
      waiting.delete(name);
    },
    async close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
