import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decision, lltpRequest, until } from '../requests/support.ts';
import { startTestApp } from '../support/app.ts';
import { PASSWORD, StaffClient, staffMember } from '../support-staff/staff-client.ts';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

/**
 * `npm start` with nothing configured: no Redis, no PostgreSQL, the records in PGlite under DATA_DIR.
 * Stopping and starting again must lose no record and repeat no number.
 */
describe('the embedded default across a restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hoso-restart-'));
  const started: TestApp[] = [];
  afterAll(async () => {
    for (const app of started) await app.close().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps staff accounts, requests, issued documents and transcripts, and numbers the next request after them', {
    timeout: 240_000,
  }, async () => {
    const embedded = { memory: true, pglite: true, dataDir, env: { AGENCY_SIM_DELAY_SECONDS: '0' } };
    const first = await startTestApp(embedded);
    started.push(first);
    await staffMember(first, 'lan', 'supervisor', 'Phạm Thị Lan');
    const { code } = await first.requests.create(lltpRequest({ decision: decision(0) }));
    await first.requests.confirm(code);
    await until(async () => (await first.requests.get(code))?.state === 'issued', 60_000, 'the extract');
    const documentId = (await first.requests.get(code))!.result!.documentId;
    // A citizen's last message, written to the records by the shutdown at the latest.
    await first.handle({ channel: 'webchat', userId: 'before-restart', text: 'cho tôi hỏi phí LLTP' });
    await first.close();
    started.pop();

    const second = await startTestApp(embedded);
    started.push(second);
    // The same supervisor logs in with the same password.
    expect((await new StaffClient(second.baseUrl).login('lan', PASSWORD)).status).toBe(200);
    expect((await second.support.accounts.get('lan'))?.displayName).toBe('Phạm Thị Lan');
    expect(await second.requests.get(code)).toMatchObject({ state: 'issued' });
    expect(await second.extracts.registry.get(documentId)).toMatchObject({
      requestCode: code,
      status: 'valid',
    });
    // What staff would read of that conversation is still there.
    const transcript = await second.transcripts.read({ channel: 'webchat', userId: 'before-restart' });
    expect(transcript.map((l) => l.text)).toContain('cho tôi hỏi phí LLTP');
    const next = await second.requests.create(lltpRequest({ decision: decision(0) }));
    expect(Number(next.code.slice(-6))).toBe(Number(code.slice(-6)) + 1);
  });
});
