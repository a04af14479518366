import type { DeadLetter, DeadLetterList } from '../../jobs/dead-letters.ts';

/**
 * Jobs that failed every attempt, as staff see them. Only requests can be sent again (by a supervisor): the
 * requests module says which job names carry a request and how to retry one (RequestService.retry). The
 * support module does not import the requests module; main.ts wires the two.
 */
export interface DeadLetterDesk {
  letters: DeadLetterList;
  /** Job names whose `data.code` is a request that a supervisor may send again. */
  requestJobs: readonly string[];
  retryRequest(code: string, by: string): Promise<void>;
}

/** What the console shows of a dead letter: never the job's raw data, which may hold more than a code. */
export interface DeadLetterView {
  id: string;
  at: string;
  job: string;
  request: string | null;
  attempts: number;
  error: { message: string; code: string | null };
  retryable: boolean;
}

export function requestOf(desk: DeadLetterDesk, letter: DeadLetter): string | undefined {
  const code = letter.data.code;
  return desk.requestJobs.includes(letter.name) && typeof code === 'string' ? code : undefined;
}

export function viewOf(desk: DeadLetterDesk, letter: DeadLetter): DeadLetterView {
  const request = requestOf(desk, letter);
  return {
    id: letter.id,
    at: letter.at,
    job: letter.name,
    request: request ?? null,
    attempts: letter.attempts,
    error: { message: letter.error.message.slice(0, 500), code: letter.error.code ?? null },
    retryable: request !== undefined,
  };
}
