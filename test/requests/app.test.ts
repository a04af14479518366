import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app.ts';
import { textOf, WebchatClient, type WireMessage } from '../support/webchat-client.ts';
import { lltpRequest, until } from './support.ts';

/**
 * The pipeline as the app wires it, seen from the web chat: a confirmed request is paid in the dev outbox,
 * and the citizen's page receives each step and then the extract, without sending anything.
 */
describe('requests in the app', () => {
  let app: Awaited<ReturnType<typeof startTestApp>> | undefined;
  let events: { messages: WireMessage[]; close: () => void } | undefined;

  afterEach(async () => {
    events?.close();
    await app?.close();
    app = undefined;
  });

  for (const store of ['redis', 'memory'] as const) {
    it(`pays in the dev outbox, then pushes every step and the extract to the web chat (${store})`, {
      timeout: 90_000,
    }, async () => {
      app = await startTestApp({
        memory: store === 'memory',
        env: { AGENCY_SIM_DELAY_SECONDS: '0.6', AGENCY_POLL_SECONDS: '0.1', JOBS_BACKOFF_MS: '20' },
      });
      const client = new WebchatClient(app.baseUrl);
      await client.start('vi');
      events = client.events();
      const { code } = await app.requests.create(
        lltpRequest({ address: { channel: 'webchat', userId: client.sessionId } }),
      );
      const { payment } = await app.requests.confirm(code);
      expect(payment?.qrPayload).toMatch(/^000201010212/);

      const paid = await fetch(`${app.baseUrl}/api/dev/outbox/payments/${code}/paid`, { method: 'POST' });
      expect(paid.status).toBe(200);

      await until(() => events!.messages.some((m) => m.type === 'document'), 45_000, 'the extract');
      // A page that reconnects is replayed everything in order: read the conversation from there.
      events.close();
      events = client.events();
      await until(() => events!.messages.some((m) => m.type === 'document'), 5_000, 'the replay');
      const said = textOf(events.messages);
      expect(said).toContain(`Hoso đã nhận lệ phí 200.000\u00a0₫ cho hồ sơ ${code}.`);
      expect(said).toContain(`Hồ sơ ${code} (Phiếu lý lịch tư pháp) đã được gửi đến cơ quan giải quyết`);
      expect(said).toContain(`Hồ sơ ${code} đang được cơ quan giải quyết xử lý.`);
      expect(said).toContain(`Hồ sơ ${code} đã có kết quả.`);
      const doc = events.messages.find((m) => m.type === 'document');
      if (doc?.type !== 'document') throw new Error('no document');
      expect(doc.filename).toBe(`phieu-lltp-${code}.pdf`);
      const pdf = await fetch(doc.url);
      expect(pdf.status).toBe(200);
      expect(
        Buffer.from(await pdf.arrayBuffer())
          .subarray(0, 5)
          .toString(),
      ).toBe('%PDF-');

      const listed = await app.requests.listForCitizen('ck_hoa_Zx8fK2pQ');
      expect(listed.map((r) => [r.code, r.state])).toEqual([[code, 'issued']]);
    });
  }
});
