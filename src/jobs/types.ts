import type { Job } from '../dialogue/message.ts';

export type JobHandler = (
  data: Record<string, unknown>,
  meta: { attempt: number; key?: string },
) => Promise<void>;

/** Slow work (submitting to an agency, signing a PDF) runs as a job, never inside a webhook. */
export interface JobQueue {
  enqueue(job: Job): Promise<void>;
  /** Registers the worker for a job name; jobs of unknown names wait until one registers. */
  handle(name: string, handler: JobHandler): void;
  close(): Promise<void>;
}
