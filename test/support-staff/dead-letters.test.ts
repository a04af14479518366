import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/main.ts';
import { decision, lltpRequest } from '../requests/support.ts';
import { startTestApp } from '../support/app.ts';
import { staffMember, until } from './staff-client.ts';

type TestApp = App & { baseUrl: string };
interface Letter {
  id: string;
  job: string;
  request: string | null;
  attempts: number;
  error: { code: string | null };
  retryable: boolean;
}

describe('dead letters in the staff console', () => {
  let app: TestApp;
  let code: string;

  beforeEach(async () => {
    // The agency is down and a job gets one attempt: the submission lands on the dead-letter list at once.
    app = await startTestApp({
      env: {
        STAFF_OFFICE_HOURS: 'mon-sun 00:00-24:00',
        AGENCY_API_URL: 'http://127.0.0.1:9/agency',
        JOBS_ATTEMPTS: '1',
        JOBS_BACKOFF_MS: '10',
      },
    });
    ({ code } = await app.requests.create(lltpRequest({ decision: decision(0) })));
    await app.requests.confirm(code);
    await until(async () => (await app.requests.get(code))?.state === 'failed', 10_000);
    await until(async () => (await app.deadLetters.list()).length === 1, 5000);
  });
  afterEach(async () => {
    await app.close();
  });

  it('lists jobs that failed every attempt for any staff member, with the request they were for', async () => {
    const lan = await staffMember(app, 'lan', 'staff');
    const res = await lan.get<{ letters: Letter[]; canRetry: boolean }>('/staff/api/dead-letters');
    expect(res.status).toBe(200);
    expect(res.body.canRetry).toBe(false);
    expect(res.body.letters).toEqual([
      expect.objectContaining({
        job: 'request.submit',
        request: code,
        attempts: 1,
        error: expect.objectContaining({ code: 'HOSO_ERR_AGENCY_UNAVAILABLE' }),
        retryable: true,
      }),
    ]);
    const refused = await lan.post(`/staff/api/dead-letters/${res.body.letters[0]!.id}/retry`);
    expect(refused.status).toBe(403);
    expect(await app.deadLetters.list()).toHaveLength(1);
  });

  it('lets a supervisor send the request again, takes it off the list and writes it to the audit log', {
    timeout: 60_000,
  }, async () => {
    const hoa = await staffMember(app, 'hoa', 'supervisor');
    const [letter] = (await hoa.get<{ letters: Letter[] }>('/staff/api/dead-letters')).body.letters;
    const res = await hoa.post(`/staff/api/dead-letters/${letter!.id}/retry`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, request: code });
    expect((await app.deadLetters.list()).map((l) => l.id)).not.toContain(letter!.id);
    const audit = await app.support.audit.list({ action: 'retry' });
    expect(audit.entries).toEqual([
      expect.objectContaining({ actor: 'hoa', role: 'supervisor', target: code, detail: 'request.submit' }),
    ]);
    // The request is submitted again (the agency is still down, so it fails again: a new dead letter).
    await until(async () => (await app.deadLetters.list()).length === 1, 45_000);
  });

  it('refuses to retry a job that carries no request, and one already sent again', async () => {
    const hoa = await staffMember(app, 'hoa', 'supervisor');
    const erase = await app.deadLetters.add({
      name: 'privacy.erase',
      data: { requestId: 'XD-0000000001' },
      attempts: 6,
      error: { message: 'store unreachable' },
    });
    const notRetryable = await hoa.post(`/staff/api/dead-letters/${erase.id}/retry`);
    expect(notRetryable.status).toBe(409);
    expect(notRetryable.body.error?.code).toBe('HOSO_ERR_DEAD_LETTER_NOT_RETRYABLE');
    const gone = await hoa.post('/staff/api/dead-letters/no-such-letter/retry');
    expect(gone.status).toBe(404);
    expect(gone.body.error?.code).toBe('HOSO_ERR_DEAD_LETTER_NOT_FOUND');
    expect((await app.support.audit.list({ action: 'retry' })).total).toBe(0);
  });
});
