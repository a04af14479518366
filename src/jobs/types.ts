import type { Job } from '../dialogue/message.ts';

export interface JobMeta {
  /** 1 for the first run, 2 for the first retry… */
  attempt: number;
  /** How many attempts the job gets in all; the run with `attempt === attempts` is the last. */
  attempts?: number;
  key?: string;
}

export type JobHandler = (data: Record<string, unknown>, meta: JobMeta) => Promise<void>;

export interface EnqueueOptions {
  /** Run no sooner than this many milliseconds from now (status polling). */
  delayMs?: number;
}

export interface HandleOptions {
  /**
   * Told once a job of this name has failed its last attempt, after it is on the dead-letter list
   * (e.g. to mark the request it served as failed and tell the citizen).
   */
  onDeadLetter?: (data: Record<string, unknown>, error: Error) => Promise<void>;
}

/** Slow work (submitting to an agency, signing a PDF) runs as a job, never inside a webhook. */
export interface JobQueue {
  /** Resolves once the job is accepted: persisted, for the Redis queue. A job with a key seen before is dropped. */
  enqueue(job: Job, options?: EnqueueOptions): Promise<void>;
  /** Registers the worker for a job name; jobs of unknown names wait until one registers. */
  handle(name: string, handler: JobHandler, options?: HandleOptions): void;
  /**
   * Begins taking jobs. The in-process runner takes them as soon as a handler registers and needs no call;
   * the Redis queue runs handlers only in processes that start workers (`hoso worker`, or `hoso serve`
   * with JOBS_WORKERS on).
   */
  start?(): Promise<void>;
  /** Jobs by state (waiting, delayed, active…), for the queue-depth metric. */
  counts?(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

/** A failure no retry can fix (a malformed job, a refusal): the job goes to the dead-letter list at once. */
export class PermanentJobError extends Error {
  readonly permanent = true;
  constructor(
    message: string,
    readonly code = 'HOSO_ERR_JOB_PERMANENT',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}
