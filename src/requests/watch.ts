import { randomBytes } from 'node:crypto';
import type { TurnLogger } from '../dialogue/context.ts';
import type { JobQueue } from '../jobs/types.ts';
import type { KeyValueStore } from '../store/types.ts';
import type { RequestRepository } from './repository.ts';
import { FINAL_STATES, type RequestRecord } from './schema.ts';
import { STATUS_JOB, SUBMIT_JOB } from './service.ts';

/** Requests with work pending, each scored with the time by which its next job must have run. */
const DUE = 'requests:due';
/** The status-question chain that is current for a request (a swept request starts a new one). */
const CHAIN = 'requests:chain';

/** How late a job may be before the request is taken for stranded: longer than every retry's backoff. */
export const DEFAULT_GRACE_MS = 15 * 60 * 1000;

/**
 * The records' own list of what each open request waits for. Queued jobs live in Redis, which is not a
 * record: if Redis loses them (a crash without persistence, a flush), this list in the database still
 * says which requests were paid and not filed, or filed and not answered, and the sweeper queues them again.
 */
export interface RequestWatch {
  /** The request's next job is queued; it must have run by `dueAt` (ms since 1970). */
  expect(code: string, dueAt: number): Promise<void>;
  /** The status chain now current for the request, if one was started by the sweeper. */
  chainOf(code: string): Promise<string | null>;
  /** Requests whose job is overdue at `at`, oldest first. */
  overdue(at: number, limit: number): Promise<string[]>;
  startChain(code: string): Promise<string>;
  forget(code: string): Promise<void>;
}

export function createRequestWatch(records: KeyValueStore): RequestWatch {
  return {
    expect: (code, dueAt) => records.zadd(DUE, dueAt, code),
    chainOf: (code) => records.hget(CHAIN, code),
    overdue: (at, limit) => records.zrangeByScore(DUE, 0, at, limit),
    async startChain(code) {
      const chain = randomBytes(6).toString('base64url');
      await records.hset(CHAIN, { [code]: chain });
      return chain;
    },
    async forget(code) {
      await records.zrem(DUE, code);
      await records.hdel(CHAIN, code);
    },
  };
}

export interface RequestSweeperDeps {
  watch: RequestWatch;
  repo: RequestRepository;
  queue: JobQueue;
  /** Short-lived store for the lease that lets one process of the cluster sweep at a time. */
  lease: KeyValueStore;
  log: TurnLogger;
  graceMs?: number;
  /** Queues the message that tells the citizen about the request's final state (keyed: once). */
  notify?: (record: RequestRecord) => Promise<void>;
}

export interface RequestSweeper {
  /** Queues again every request whose job is overdue at `at`; answers how many were queued. */
  sweep(at?: number): Promise<number>;
}

export function createRequestSweeper(deps: RequestSweeperDeps): RequestSweeper {
  const graceMs = deps.graceMs ?? DEFAULT_GRACE_MS;
  return {
    async sweep(at = Date.now()) {
      const leased = await deps.lease.set('requests:sweep:lease', String(process.pid), {
        ttlMs: 60_000,
        nx: true,
      });
      if (!leased) return 0;
      let queued = 0;
      try {
        for (const code of await deps.watch.overdue(at, 500)) {
          const record = await deps.repo.get(code);
          if (!record || FINAL_STATES.includes(record.state)) {
            // Finished, but a worker that died right after the final step may not have queued the message
            // telling the citizen: it is keyed by request and state, so this queues it at most once.
            if (record) await deps.notify?.(record);
            await deps.watch.forget(code);
            continue;
          }
          if (!record.agency && (record.state === 'paid' || record.state === 'exempt')) {
            await deps.queue.enqueue({ name: SUBMIT_JOB, data: { code }, key: `submit:${code}:sweep:${at}` });
          } else if (record.agency && (record.state === 'submitted' || record.state === 'processing')) {
            // A new chain: if the lost one comes back after all, its next question is dropped.
            const chain = await deps.watch.startChain(code);
            await deps.queue.enqueue({
              name: STATUS_JOB,
              data: { code, poll: 1, chain },
              key: `status:${code}:sweep:${at}`,
            });
          } else {
            // Waiting for the citizen (payment) or for staff (failed): no job of ours is owed.
            await deps.watch.forget(code);
            continue;
          }
          await deps.watch.expect(code, at + graceMs);
          queued++;
          deps.log.warn({ request: code, state: record.state }, 'request had no job pending: queued again');
        }
      } finally {
        await deps.lease.del('requests:sweep:lease');
      }
      return queued;
    },
  };
}
