import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { Notifier } from '../../src/conversation/notifier.ts';
import type { Outbound } from '../../src/dialogue/message.ts';
import { MemoryBlobStore } from '../../src/files/memory-blob-store.ts';
import { createTranslator } from '../../src/i18n.ts';
import { createDeadLetterList, type DeadLetterList } from '../../src/jobs/dead-letters.ts';
import { createInProcessJobQueue } from '../../src/jobs/in-process.ts';
import type { JobQueue } from '../../src/jobs/types.ts';
import { VietQrPayments } from '../../src/payments/port.ts';
import { parseVietQrPayload } from '../../src/payments/vietqr.ts';
import { HttpAgency } from '../../src/ports/agency/http.ts';
import { SimulatedBackOffice } from '../../src/ports/agency/simulated.ts';
import { AgencyError, type AgencyPort } from '../../src/ports/agency/types.ts';
import { EmbeddedHealthRecords } from '../../src/ports/health/embedded.ts';
import { EmbeddedJudicialRecords } from '../../src/ports/judicial/embedded.ts';
import type { ExtractContent } from '../../src/requests/extract-issuer.ts';
import { HealthRecordsFulfilment } from '../../src/requests/health-fulfilment.ts';
import { registerRequestJobs } from '../../src/requests/jobs.ts';
import { RequestRepository } from '../../src/requests/repository.ts';
import { RequestService } from '../../src/requests/service.ts';
import { MemoryStore } from '../../src/store/memory.ts';
import { startFakeAgency } from '../fakes/agency-api.ts';
import { signedExtractIssuer } from '../support/extracts.ts';
import { decision, HUNG, lltpRequest, until } from './support.ts';

const silent = { info() {}, warn() {}, error() {} };

/** The pipeline on embedded parts, with the citizen's channel recorded. */
function pipeline(options: { lltpAgency?: AgencyPort; attempts?: number } = {}) {
  const kv = new MemoryStore();
  const files = new MemoryBlobStore();
  const deadLetters = createDeadLetterList(kv);
  const queue = createInProcessJobQueue({
    log: silent,
    attempts: options.attempts ?? 3,
    backoffMs: 5,
    deadLetters,
  });
  const sent: { userId: string; messages: Outbound[] }[] = [];
  const handed: ExtractContent[] = [];
  const signed = signedExtractIssuer(kv, files, inject('devKeysDir'));
  const notifier = new Notifier();
  notifier.register('webchat', { send: async (userId, messages) => void sent.push({ userId, messages }) });
  const service = new RequestService({
    repo: new RequestRepository(kv),
    queue,
    payments: new VietQrPayments({ bankBin: '970436', account: '0011000000000' }),
  });
  registerRequestJobs({
    service,
    queue,
    agencies: {
      lltp:
        options.lltpAgency ??
        new SimulatedBackOffice(kv, new EmbeddedJudicialRecords(), { processingDelayMs: 0 }),
      health_record: new HealthRecordsFulfilment(new EmbeddedHealthRecords()),
    },
    issuer: {
      // The real issuer, with what it is handed recorded for the test.
      issue: (request, content) => {
        handed.push(content);
        return signed.issuer.issue(request, content);
      },
    },
    notifier,
    translator: createTranslator(),
    log: silent,
    pollMs: 5,
  });
  const texts = () =>
    sent.flatMap((s) => s.messages.map((m) => (m.type === 'text' ? m.text : `[${m.filename}]`)));
  return { kv, files, deadLetters, queue, service, sent, texts, handed, registry: signed.registry };
}

describe('the request pipeline', () => {
  let p: ReturnType<typeof pipeline>;
  let queue: JobQueue | undefined;
  let deadLetters: DeadLetterList;

  beforeEach(() => {
    queue = undefined;
  });
  afterEach(async () => {
    await (queue ?? p?.queue)?.close();
  });

  it('asks for the fee as a VietQR code, then on payment submits, follows and delivers the extract', async () => {
    p = pipeline();
    const draft = await p.service.create(lltpRequest());
    const { record, payment } = await p.service.confirm(draft.code);
    expect(record.state).toBe('awaiting_payment');
    expect(parseVietQrPayload(payment!.qrPayload)).toMatchObject({ amount: 200000, purpose: draft.code });
    expect(record.payment).toMatchObject({ amount: 200000, reference: draft.code });

    await p.service.markPaid(draft.code, { amount: 200000, provider: 'dev', transactionId: 'DEV-1' });
    await until(
      async () => (await p.service.get(draft.code))?.state === 'issued',
      5000,
      'the request to be issued',
    );
    await until(() => p.texts().some((t) => t.endsWith('.pdf]')), 3000, 'the document message');

    const issued = (await p.service.get(draft.code))!;
    expect(issued.history.map((h) => h.to)).toEqual([
      'draft',
      'awaiting_payment',
      'paid',
      'submitted',
      'issued',
    ]);
    expect(issued.result).toMatchObject({
      filename: `phieu-lltp-${draft.code}.pdf`,
      documentId: expect.stringMatching(/^LLTP-\d{8}-[0-9A-Z]{10}$/),
    });
    expect(await p.registry.get(issued.result!.documentId)).toMatchObject({
      status: 'valid',
      service: 'lltp',
      requestCode: draft.code,
      subject: { name: 'T. T. Hoà', idNumber: '001*******45' },
    });
    const pdf = await p.files.get(issued.result!.fileId);
    expect(Buffer.from(pdf!.bytes).subarray(0, 5).toString()).toBe('%PDF-');

    const texts = p.texts();
    expect(texts[0]).toBe(
      `Hoso đã nhận lệ phí 200.000\u00a0₫ cho hồ sơ ${draft.code}. Hồ sơ sẽ được gửi đến cơ quan giải quyết ngay.`,
    );
    expect(texts[1]).toMatch(new RegExp(`^Hồ sơ ${draft.code} \\(Phiếu lý lịch tư pháp\\) đã được gửi`));
    expect(texts[1]).toContain('Mã tiếp nhận: TN-');
    expect(texts[1]).toContain('Dự kiến có kết quả ngày');
    expect(texts.at(-2)).toBe(
      `Hồ sơ ${draft.code} đã có kết quả. Hoso gửi anh/chị Phiếu lý lịch tư pháp ở tin nhắn dưới đây.`,
    );
    const doc = p.sent.flatMap((s) => s.messages).find((m) => m.type === 'document');
    expect(doc).toMatchObject({
      caption: `Hồ sơ ${draft.code}: Phiếu lý lịch tư pháp`,
      mimeType: 'application/pdf',
    });
    expect(p.sent.every((s) => s.userId === 'web-session-1')).toBe(true);
  });

  it('skips payment for an exempt request and tells the citizen in English when they chat in English', async () => {
    p = pipeline();
    const draft = await p.service.create(
      lltpRequest({
        lang: 'en',
        decision: decision(0),
        facts: { request: { form: 1 }, feeCategory: 'elderly' },
      }),
    );
    const { record, payment } = await p.service.confirm(draft.code);
    expect(record.state).toBe('exempt');
    expect(payment).toBeUndefined();
    await until(async () => (await p.service.get(draft.code))?.state === 'issued', 5000);
    await until(() => p.texts().length >= 3);
    expect(p.texts()[0]).toMatch(new RegExp(`^Request ${draft.code} \\(criminal record extract\\) was sent`));
    expect(p.texts()).not.toContain(expect.stringContaining('fee'));
  });

  it('acts once on a payment received twice, and refuses a wrong amount', async () => {
    p = pipeline();
    const { code } = await p.service.create(lltpRequest());
    await p.service.confirm(code);
    await expect(
      p.service.markPaid(code, { amount: 100000, provider: 'gateway', transactionId: 'T1' }),
    ).rejects.toMatchObject({ code: 'HOSO_ERR_PAYMENT_AMOUNT_MISMATCH' });
    const first = await p.service.markPaid(code, {
      amount: 200000,
      provider: 'gateway',
      transactionId: 'T1',
    });
    const second = await p.service.markPaid(code, {
      amount: 200000,
      provider: 'gateway',
      transactionId: 'T1',
    });
    expect([first.duplicate, second.duplicate]).toEqual([false, true]);
    await until(async () => (await p.service.get(code))?.state === 'issued', 5000);
    expect((await p.service.get(code))!.history.filter((h) => h.to === 'paid')).toHaveLength(1);
  });

  it('refuses a payment for a request that is not waiting for one', async () => {
    p = pipeline();
    const { code } = await p.service.create(lltpRequest());
    await expect(
      p.service.markPaid(code, { amount: 200000, provider: 'dev', transactionId: 'D' }),
    ).rejects.toMatchObject({ code: 'HOSO_ERR_PAYMENT_NOT_EXPECTED' });
  });

  it('hands the renderer a Form 2 with every conviction and the relatives of the fixture who has a record', async () => {
    p = pipeline();
    const { code } = await p.service.create(
      lltpRequest({ subject: HUNG, decision: decision(0), facts: { request: { form: 2 } } }),
    );
    await p.service.confirm(code);
    await until(async () => (await p.service.get(code))?.state === 'issued', 5000);
    expect(p.handed).toHaveLength(1);
    expect(p.handed[0]).toMatchObject({
      kind: 'lltp',
      form: 2,
      subject: { fullName: 'Đỗ Quốc Hùng', idDocument: { kind: 'cccd', number: '031079007788' } },
      content: {
        convictions: [{ judgment: { number: '87/2023/HS-ST' } }, { expunged: { on: '2008-06-20' } }],
        relatives: { father: 'Đỗ Văn Lâm', mother: 'Phạm Thị Hồng', spouse: 'Nguyễn Thị Thu' },
      },
    });
  });

  it('marks the request rejected and tells the citizen why when the agency refuses it', async () => {
    const refusing: AgencyPort = {
      submit: async () => {
        throw new AgencyError('HOSO_ERR_AGENCY_REJECTED', 'refused', 422, {
          refusal: {
            code: 'subject_not_found',
            reason: 'Không tìm thấy người được cấp phiếu trong Cơ sở dữ liệu quốc gia về dân cư.',
          },
        });
      },
      status: async () => {
        throw new Error('never asked');
      },
    };
    p = pipeline({ lltpAgency: refusing });
    const { code } = await p.service.create(lltpRequest({ decision: decision(0) }));
    await p.service.confirm(code);
    await until(async () => (await p.service.get(code))?.state === 'rejected', 3000);
    await until(() => p.texts().length === 1);
    expect(p.texts()[0]).toBe(
      `Rất tiếc, hồ sơ ${code} không được chấp nhận. Lý do: Không tìm thấy người được cấp phiếu trong Cơ sở dữ liệu quốc gia về dân cư.\nAnh/chị có thể nhắn “gặp nhân viên” để được hỗ trợ.`,
    );
    expect((await p.service.get(code))!.rejection?.code).toBe('subject_not_found');
  });

  it('dead-letters a submission the agency never accepts, marks the request failed and tells the citizen', async () => {
    let calls = 0;
    const down: AgencyPort = {
      submit: async () => {
        calls++;
        throw new AgencyError('HOSO_ERR_AGENCY_UNAVAILABLE', 'agency down', 503);
      },
      status: async () => {
        throw new Error('never asked');
      },
    };
    p = pipeline({ lltpAgency: down, attempts: 3 });
    deadLetters = p.deadLetters;
    const { code } = await p.service.create(lltpRequest({ decision: decision(0) }));
    await p.service.confirm(code);
    await until(async () => (await p.service.get(code))?.state === 'failed', 3000);
    expect(calls).toBe(3);
    expect(await deadLetters.list()).toEqual([
      expect.objectContaining({
        name: 'request.submit',
        data: { code },
        error: expect.objectContaining({ code: 'HOSO_ERR_AGENCY_UNAVAILABLE' }),
      }),
    ]);
    await until(() => p.texts().length === 1);
    expect(p.texts()[0]).toContain('Nhân viên đã được báo');
    expect((await p.service.get(code))!.failure).toMatchObject({ code: 'HOSO_ERR_AGENCY_UNAVAILABLE' });
  });

  it('never delivers an extract about someone else: it is quarantined for staff and the citizen is told', async () => {
    const fake = await startFakeAgency();
    try {
      p = pipeline({ lltpAgency: new HttpAgency({ baseUrl: fake.baseUrl, timeoutMs: 5000 }) });
      const { code } = await p.service.create(lltpRequest({ decision: decision(0) }));
      // The agency answers with a fictional other citizen's record.
      fake.crossedResults.set(code, {
        citizenId: '079085004321',
        fullName: 'Lê Văn Bình',
        dateOfBirth: '1985-11-02',
      });
      await p.service.confirm(code);
      await until(async () => (await p.service.get(code))?.state === 'failed', 10_000, 'the request to fail');
      expect(p.handed).toEqual([]);
      expect(p.texts().some((t) => t.endsWith('.pdf]'))).toBe(false);
      expect(p.texts().join('\n')).not.toContain('Bình');
      expect(await p.deadLetters.list()).toEqual([
        expect.objectContaining({
          name: 'request.status',
          error: expect.objectContaining({ code: 'HOSO_ERR_RESULT_SUBJECT_MISMATCH' }),
        }),
      ]);
      const failed = (await p.service.get(code))!;
      expect(failed.failure).toMatchObject({ code: 'HOSO_ERR_RESULT_SUBJECT_MISMATCH' });
      expect(failed.failure!.message).toContain('idNumber, fullName, dateOfBirth differ');
      await until(
        () => p.texts().some((t) => t.includes('Nhân viên đã được báo')),
        5000,
        'the citizen to be told',
      );
    } finally {
      await fake.close();
    }
  });

  it('lets staff retry a failed request, which then goes through', async () => {
    let up = false;
    const office = new SimulatedBackOffice(new MemoryStore(), new EmbeddedJudicialRecords(), {
      processingDelayMs: 0,
    });
    const flaky: AgencyPort = {
      submit: async (s) => {
        if (!up) throw new AgencyError('HOSO_ERR_AGENCY_UNAVAILABLE', 'down', 503);
        return office.submit(s);
      },
      status: (ref, s) => office.status(ref, s),
    };
    p = pipeline({ lltpAgency: flaky, attempts: 2 });
    const { code } = await p.service.create(lltpRequest({ decision: decision(0) }));
    await p.service.confirm(code);
    await until(async () => (await p.service.get(code))?.state === 'failed', 3000);
    up = true;
    await p.service.retry(code, 'staff:an');
    await until(async () => (await p.service.get(code))?.state === 'issued', 5000);
    expect((await p.service.get(code))!.history.map((h) => h.to)).toEqual([
      'draft',
      'exempt',
      'failed',
      'submitted',
      'issued',
    ]);
  });

  it('delivers an e-health-book extract of the chosen scope without any payment', async () => {
    p = pipeline();
    const { code } = await p.service.create(
      lltpRequest({
        service: 'health_record',
        decision: { ruleSet: { version: 'h-1', hash: 'sha256:h' } },
        facts: { request: { scope: 'vaccinations' } },
      }),
    );
    expect(code).toMatch(/^SKDT-/);
    expect((await p.service.confirm(code)).record.state).toBe('exempt');
    await until(async () => (await p.service.get(code))?.state === 'issued', 5000);
    await until(() => p.texts().some((t) => t.endsWith('.pdf]')));
    expect(p.texts().at(-2)).toContain('Trích xuất Sổ sức khỏe điện tử');
  });
});
