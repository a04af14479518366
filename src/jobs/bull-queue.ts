import { type Job as BullJob, Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { TurnLogger } from '../dialogue/context.ts';
import type { Job } from '../dialogue/message.ts';
import { type DeadLetterList, errorCode } from './dead-letters.ts';
import type { EnqueueOptions, HandleOptions, JobHandler, JobQueue } from './types.ts';
import { PermanentJobError } from './types.ts';

export interface BullQueueOptions {
  redisUrl: string;
  /** BullMQ's key prefix (its own, beside the store's keys), e.g. `hoso:bull`. One per test. */
  prefix: string;
  queueName?: string;
  attempts?: number;
  /** First retry delay; BullMQ's exponential backoff doubles it each time. */
  backoffMs?: number;
  /** Jobs one worker process runs at once. */
  concurrency?: number;
  log: TurnLogger;
  deadLetters?: DeadLetterList;
  /** Told each time a failed attempt is left for BullMQ to run again (the jobs-retried metric). */
  onRetry?: (job: string) => void;
  /** A job held by a worker that died is taken over after about this long. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** Finished jobs kept (bounded) so that a job key seen recently is still refused as a duplicate. */
  keepCompleted?: { count: number; ageSeconds: number };
}

interface Registration {
  handler: JobHandler;
  options: HandleOptions;
}

/**
 * BullMQ ids may not contain ':' nor look like integers; our keys (`submit:LLTP-2026-000123`) do.
 * This spelling is reversible and never collides.
 */
export function jobIdOf(key: string): string {
  return `k.${key.replaceAll('%', '%25').replaceAll(':', '%3A')}`;
}

export function keyOfJobId(id: string | undefined): string | undefined {
  if (!id?.startsWith('k.')) return undefined;
  return id.slice(2).replaceAll('%3A', ':').replaceAll('%25', '%');
}

/**
 * The deployment job queue: jobs live in Redis (persisted before `enqueue` resolves), run in whichever
 * process starts workers, retry with exponential backoff, and land on the dead-letter list after the last
 * attempt. The job key is BullMQ's job id, so a key queued twice runs once.
 */
export class BullJobQueue implements JobQueue {
  private readonly queue: Queue;
  private readonly queueConnection: Redis;
  private workerConnection: Redis | undefined;
  private worker: Worker | undefined;
  private readonly handlers = new Map<string, Registration>();
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly name: string;

  constructor(private readonly options: BullQueueOptions) {
    this.name = options.queueName ?? 'hoso';
    this.attempts = options.attempts ?? 5;
    this.backoffMs = options.backoffMs ?? 1000;
    // Adding a job waits through a short reconnect, then fails: the caller must not tell the citizen
    // "submitted" for a job that was never stored.
    this.queueConnection = new Redis(options.redisUrl, { maxRetriesPerRequest: 3 });
    this.queueConnection.on('error', () => undefined);
    const keep = options.keepCompleted ?? { count: 10_000, ageSeconds: 7 * 24 * 3600 };
    this.queue = new Queue(this.name, {
      connection: this.queueConnection,
      prefix: options.prefix,
      defaultJobOptions: {
        attempts: this.attempts,
        backoff: { type: 'exponential', delay: this.backoffMs },
        removeOnComplete: { count: keep.count, age: keep.ageSeconds },
        // Failed jobs are copied to the dead-letter list; BullMQ keeps a bounded history as well.
        removeOnFail: { count: 10_000 },
      },
    });
  }

  async enqueue(job: Job, options: EnqueueOptions = {}): Promise<void> {
    await this.queue.add(job.name, job.data, {
      ...(job.key ? { jobId: jobIdOf(job.key) } : {}),
      ...(options.delayMs ? { delay: options.delayMs } : {}),
    });
  }

  handle(name: string, handler: JobHandler, options: HandleOptions = {}): void {
    this.handlers.set(name, { handler, options });
  }

  async start(): Promise<void> {
    if (this.worker) return;
    // A worker blocks on Redis; BullMQ requires that its commands never give up.
    this.workerConnection = new Redis(this.options.redisUrl, { maxRetriesPerRequest: null });
    this.workerConnection.on('error', () => undefined);
    this.worker = new Worker(this.name, (job) => this.process(job), {
      connection: this.workerConnection,
      prefix: this.options.prefix,
      concurrency: this.options.concurrency ?? 4,
      ...(this.options.lockDurationMs ? { lockDuration: this.options.lockDurationMs } : {}),
      ...(this.options.stalledIntervalMs ? { stalledInterval: this.options.stalledIntervalMs } : {}),
    });
    this.worker.on('error', (err) => this.options.log.warn({ err: err.message }, 'job worker error'));
    await this.worker.waitUntilReady();
  }

  private async process(job: BullJob): Promise<void> {
    const registration = this.handlers.get(job.name);
    const attempts = job.opts.attempts ?? this.attempts;
    const attempt = job.attemptsMade + 1;
    const key = keyOfJobId(job.id);
    const data = (job.data ?? {}) as Record<string, unknown>;
    try {
      if (!registration) throw new PermanentJobError(`no handler for job ${job.name} in this worker`);
      await registration.handler(data, { attempt, attempts, ...(key ? { key } : {}) });
    } catch (caught) {
      const err = caught instanceof Error ? caught : new Error(String(caught));
      const permanent = err instanceof PermanentJobError;
      if (!permanent && attempt < attempts) {
        this.options.log.warn({ job: job.name, key, attempt, err: err.message }, 'job failed, will retry');
        this.options.onRetry?.(job.name);
        throw err;
      }
      this.options.log.error({ job: job.name, key, attempt, err }, 'job failed on every attempt');
      // Recorded before BullMQ marks the job failed: if this throws, the attempt is retried instead.
      await this.options.deadLetters?.add({
        name: job.name,
        ...(key ? { key } : {}),
        data,
        attempts: attempt,
        error: { message: err.message, ...(errorCode(err) ? { code: errorCode(err) } : {}) },
      });
      try {
        await registration?.options.onDeadLetter?.(data, err);
      } catch (hookError) {
        this.options.log.error({ job: job.name, key, err: hookError }, 'dead-letter handling failed');
      }
      throw permanent ? new UnrecoverableError(err.message) : err;
    }
  }

  /** Jobs waiting, delayed, running… (for staff consoles and tests). */
  async counts(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'delayed', 'active', 'completed', 'failed');
  }

  async close(): Promise<void> {
    // A worker whose blocking connection is still reconnecting (Redis just restarted) can wait on it for ever:
    // after a bounded wait its connection is cut, which ends the wait, so a shutdown always finishes.
    if (this.worker) {
      const closing = this.worker.close();
      const closed = await Promise.race([
        closing.then(() => true),
        new Promise<false>((resolve) => setTimeout(() => resolve(false), 5_000).unref()),
      ]);
      if (!closed) {
        this.options.log.warn({}, 'job worker did not close in 5 s: its Redis connection is cut');
        this.workerConnection?.disconnect();
        await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
      }
    }
    await this.queue.close();
    await Promise.all(
      [this.queueConnection, this.workerConnection].map((c) => c?.quit().catch(() => c.disconnect())),
    );
  }
}
