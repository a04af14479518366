import type { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { devKeyPaths } from '../../src/extracts/signing/dev-keys.ts';
import { readCertificates } from '../../src/extracts/signing/identity.ts';
import { verifyPdf } from '../../src/extracts/verify.ts';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram-api.ts';
import { HOA, lltpRequest, until } from '../requests/support.ts';
import { type CapturedLogs, captureLogs, startTestApp } from '../support/app.ts';
import { qrTextOf } from '../support/extracts.ts';
import { WebchatClient, type WireMessage } from '../support/webchat-client.ts';
import { staffMember } from '../support-staff/staff-client.ts';
import { nssDbTrusting, pdfsig, tempDir } from './support.ts';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

/** A quick simulated back office and job retries, so a request is issued within a second or two. */
const FAST = { AGENCY_SIM_DELAY_SECONDS: '0.3', AGENCY_POLL_SECONDS: '0.1', JOBS_BACKOFF_MS: '20' };

/**
 * Signed extracts end to end: a request goes through the pipeline (confirm, dev payment, simulated agency), the signed
 * extract reaches the citizen's chat, passes verifyPdf and poppler's pdfsig, and once a supervisor revokes it,
 * /verify and verifyPdf say so.
 */
describe('a requested extract, delivered and verified', () => {
  const tmp = tempDir();
  let anchors: X509Certificate[];
  let nssdir: string;
  let app: TestApp | undefined;
  let telegram: FakeTelegram | undefined;
  let events: { messages: WireMessage[]; close: () => void } | undefined;

  beforeAll(async () => {
    const ca = devKeyPaths(inject('devKeysDir')).caCertificate;
    anchors = await readCertificates([ca]);
    nssdir = nssDbTrusting(tmp.dir, [ca]);
  });
  afterEach(async () => {
    events?.close();
    await app?.close();
    await telegram?.close();
    app = telegram = events = undefined;
  });
  afterAll(() => tmp.cleanup());

  async function payFor(app: TestApp, code: string) {
    await app.requests.confirm(code);
    const paid = await fetch(`${app.baseUrl}/api/dev/outbox/payments/${code}/paid`, { method: 'POST' });
    expect(paid.status).toBe(200);
  }

  it('arrives in Telegram as phieu-lltp-<code>.pdf without reaching the logs, valid for verifyPdf and pdfsig, until a supervisor revokes it', async () => {
    const logs: CapturedLogs = captureLogs('trace');
    telegram = await startFakeTelegram();
    app = await startTestApp({ telegramApiRoot: telegram.apiRoot, env: FAST, logs });
    const { code } = await app.requests.create(
      lltpRequest({ address: { channel: 'telegram', userId: '424242' } }),
    );
    await payFor(app, code);

    await until(() => telegram!.sent('sendDocument').length > 0, 15_000, 'the extract in Telegram');
    const [call] = telegram.sent('sendDocument');
    expect(String(call?.json.chat_id)).toBe('424242');
    expect(call?.files.document?.filename).toBe(`phieu-lltp-${code}.pdf`);
    const pdf = call!.files.document!.bytes;

    const result = await verifyPdf(pdf, {
      trustAnchors: anchors,
      registryLookup: app.extracts.registry.lookup,
    });
    expect(result.valid).toBe(true);
    expect(result.checks).toEqual({
      byteRange: 'pass',
      digest: 'pass',
      signature: 'pass',
      chain: 'pass',
      registry: 'pass',
    });
    const file = join(tmp.dir, 'telegram.pdf');
    writeFileSync(file, pdf);
    const report = pdfsig(file, nssdir);
    expect(report).toContain('Signature Validation: Signature is Valid.');
    expect(report).toContain('Certificate Validation: Certificate is Trusted.');

    // Neither the PDF nor what it prints reached a log line.
    const logged = logs.lines.join('\n');
    expect(logs.lines.some((l) => l.includes('request issued'))).toBe(true);
    for (const secret of [
      HOA.fullName,
      HOA.fullName.toUpperCase(),
      HOA.citizenId,
      '001*******45',
      'T. T. Hoà',
      '%PDF',
    ]) {
      expect(logged).not.toContain(secret);
    }

    const supervisor = await staffMember(app, 'binh', 'supervisor');
    const revoke = await supervisor.post(`/staff/api/documents/${result.documentId}/revoke`, {
      reason: 'Cấp nhầm người',
    });
    expect(revoke.status).toBe(200);

    const link = new URL(qrTextOf(app, pdf).link);
    const viaLink = (await (await fetch(`${app.baseUrl}/api/verify/document${link.search}`)).json()) as {
      document: { status: string; reason: string };
    };
    expect(viaLink.document).toMatchObject({ status: 'revoked', reason: 'Cấp nhầm người' });
    const after = await verifyPdf(pdf, {
      trustAnchors: anchors,
      registryLookup: app.extracts.registry.lookup,
    });
    expect(after.valid).toBe(false);
    expect(after.registry).toMatchObject({ status: 'revoked', reason: 'Cấp nhầm người' });
  });

  it('arrives in the web chat as a download link that works for its lifetime', async () => {
    app = await startTestApp({ env: FAST });
    const client = new WebchatClient(app.baseUrl);
    await client.start('vi');
    events = client.events();
    const { code } = await app.requests.create(
      lltpRequest({ address: { channel: 'webchat', userId: client.sessionId } }),
    );
    await payFor(app, code);

    await until(() => events!.messages.some((m) => m.type === 'document'), 15_000, 'the extract link');
    const doc = events.messages.find((m) => m.type === 'document');
    if (doc?.type !== 'document') throw new Error('no document message');
    expect(doc.filename).toBe(`phieu-lltp-${code}.pdf`);
    expect(doc.url).toMatch(new RegExp(`^${app.baseUrl}/api/webchat/files/[\\w-]{20,}$`));

    const first = await fetch(doc.url);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-disposition')).toBe(`attachment; filename="phieu-lltp-${code}.pdf"`);
    const pdf = Buffer.from(await first.arrayBuffer());
    const result = await verifyPdf(pdf, {
      trustAnchors: anchors,
      registryLookup: app.extracts.registry.lookup,
    });
    expect(result.valid).toBe(true);

    // A second tap (or a second device) within the link's lifetime gets the same file.
    const second = await fetch(doc.url);
    expect(second.status).toBe(200);
    expect(Buffer.from(await second.arrayBuffer()).equals(pdf)).toBe(true);
  });
});
