import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HttpAgency } from '../../../src/ports/agency/http.ts';
import { SimulatedBackOffice } from '../../../src/ports/agency/simulated.ts';
import { type AgencySubmission, ExtractContentSchema } from '../../../src/ports/agency/types.ts';
import { EmbeddedJudicialRecords } from '../../../src/ports/judicial/embedded.ts';
import { MemoryStore } from '../../../src/store/memory.ts';
import { type FakeAgency, startFakeAgency } from '../../fakes/agency-api.ts';
import { decision, HOA, HUNG } from '../../requests/support.ts';

function submission(overrides: Partial<AgencySubmission> = {}): AgencySubmission {
  return {
    code: 'LLTP-2026-000123',
    idempotencyKey: '0b6f3c2e-2f4e-4f7a-9a51-6d2f1f0c9e11',
    service: 'lltp',
    subject: HOA,
    facts: { request: { form: 1, purpose: 'employment' } },
    decision: decision(200000),
    payment: { amount: 200000, exempt: false, transactionId: 'TX1', paidAt: '2026-11-25T03:00:00.000Z' },
    filedAt: '2026-11-25T03:00:00.000Z',
    ...overrides,
  };
}

describe('the simulated back office', () => {
  let clock = new Date('2026-11-25T03:00:00Z');
  const office = () =>
    new SimulatedBackOffice(new MemoryStore(), new EmbeddedJudicialRecords(), {
      processingDelayMs: 60_000,
      now: () => clock,
    });

  beforeEach(() => {
    clock = new Date('2026-11-25T03:00:00Z');
  });

  it('accepts a request once: filing it again answers the same reference', async () => {
    const o = office();
    const first = await o.submit(submission());
    clock = new Date(clock.getTime() + 5000);
    expect(await o.submit(submission())).toEqual(first);
    // Five working days from Wednesday 25 November: Thursday, Friday, Monday, Tuesday, Wednesday 2 December.
    expect(first).toMatchObject({ state: 'received', expectedBy: '2026-12-02' });
  });

  it('receives, processes after a while, then issues "no criminal record" for most people', async () => {
    const o = office();
    const { agencyRef } = await o.submit(submission());
    expect((await o.status(agencyRef, submission())).state).toBe('received');
    clock = new Date(clock.getTime() + 30_000);
    expect((await o.status(agencyRef, submission())).state).toBe('processing');
    clock = new Date(clock.getTime() + 30_000);
    const issued = await o.status(agencyRef, submission());
    expect(issued.state).toBe('issued');
    if (issued.state !== 'issued' || issued.result.kind !== 'lltp')
      throw new Error('expected an LLTP result');
    expect(ExtractContentSchema.parse(issued.result)).toEqual(issued.result);
    expect(issued.result).toMatchObject({
      form: 1,
      issueDate: '2026-11-25',
      authority: { name: 'Công an thành phố Hà Nội' },
      subject: { fullName: 'Trần Thị Hoà', nationality: 'Việt Nam', idDocument: { number: '001190012345' } },
      content: { purpose: 'Xin việc làm', convictions: [] },
    });
    expect(issued.result.content.relatives).toBeUndefined();
  });

  it('issues a Form 2 with every conviction and the relatives for the fixture with a record', async () => {
    const o = new SimulatedBackOffice(new MemoryStore(), new EmbeddedJudicialRecords(), {
      processingDelayMs: 0,
    });
    const form2 = submission({ subject: HUNG, facts: { request: { form: 2 } } });
    const { agencyRef } = await o.submit(form2);
    const issued = await o.status(agencyRef, form2);
    if (issued.state !== 'issued' || issued.result.kind !== 'lltp')
      throw new Error('expected an LLTP result');
    expect(issued.result.form).toBe(2);
    expect(issued.result.content.convictions).toHaveLength(2);
    expect(issued.result.content.relatives).toEqual({
      father: 'Đỗ Văn Lâm',
      mother: 'Phạm Thị Hồng',
      spouse: 'Nguyễn Thị Thu',
    });
  });

  it('does not know a reference it never gave', async () => {
    await expect(office().status('TN-NOPE', submission())).rejects.toMatchObject({
      code: 'HOSO_ERR_AGENCY_UNKNOWN_REF',
    });
  });
});

describe('the agency HTTP adapter', () => {
  let fake: FakeAgency;
  let agency: HttpAgency;

  beforeAll(async () => {
    fake = await startFakeAgency();
    agency = new HttpAgency({ baseUrl: fake.baseUrl, token: 'agency-token', timeoutMs: 3000 });
  });
  afterAll(async () => fake.close());

  it("sends the filing's random key as the idempotency key, so filing twice files once", async () => {
    const s = submission({
      code: 'LLTP-2026-000200',
      idempotencyKey: 'e5a1c7d0-8b7e-4c55-a1f3-2b9d8c7e6f50',
    });
    const first = await agency.submit(s);
    const second = await agency.submit(s);
    expect(second.agencyRef).toBe(first.agencyRef);
    expect(fake.filed.get('e5a1c7d0-8b7e-4c55-a1f3-2b9d8c7e6f50')).toBe(1);
    expect(fake.posts.at(-1)?.key).toBe('e5a1c7d0-8b7e-4c55-a1f3-2b9d8c7e6f50');
  });

  it('files a second request that reuses an old code as a new filing, never as the old one', async () => {
    const first = await agency.submit(
      submission({ code: 'LLTP-2026-000201', idempotencyKey: '5f0e2d1c-3b4a-4968-8776-a5b4c3d2e1f0' }),
    );
    const reused = await agency.submit(
      submission({ code: 'LLTP-2026-000201', idempotencyKey: '9a8b7c6d-5e4f-4321-8fed-cba987654321' }),
    );
    expect(reused.agencyRef).not.toBe(first.agencyRef);
  });

  it('reads the status, with the result checked against the contract', async () => {
    const s = submission({ code: 'LLTP-2026-000201' });
    const { agencyRef } = await agency.submit(s);
    const status = await agency.status(agencyRef);
    expect(status).toMatchObject({ state: 'issued', result: { kind: 'lltp', content: { convictions: [] } } });
  });

  it('calls a 5xx or a timeout "unavailable" (retry later)', async () => {
    fake.failNextSubmissions(1, '503-before');
    await expect(agency.submit(submission({ code: 'LLTP-2026-000202' }))).rejects.toMatchObject({
      code: 'HOSO_ERR_AGENCY_UNAVAILABLE',
      retryable: true,
    });
    fake.failNextSubmissions(1, 'hang');
    const impatient = new HttpAgency({ baseUrl: fake.baseUrl, timeoutMs: 200 });
    await expect(impatient.submit(submission({ code: 'LLTP-2026-000203' }))).rejects.toMatchObject({
      code: 'HOSO_ERR_AGENCY_UNAVAILABLE',
      message: expect.stringContaining('timed out after 200 ms'),
    });
  });

  it('calls a 4xx a refusal (no retry), with the agency’s reason', async () => {
    const bad = { ...submission({ code: 'LLTP-2026-000204' }), subject: { ...HOA, citizenId: 'x' } };
    await expect(agency.submit(bad)).rejects.toMatchObject({
      code: 'HOSO_ERR_AGENCY_REJECTED',
      retryable: false,
      refusal: { code: 'invalid' },
    });
  });

  it('does not trust an answer off the contract', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((_req, res) => {
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ref: 'x' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const odd = new HttpAgency({ baseUrl: `http://127.0.0.1:${port}` });
    await expect(odd.submit(submission())).rejects.toMatchObject({ code: 'HOSO_ERR_AGENCY_BAD_ANSWER' });
    server.close();
  });

  it('says so when the agency knows no such reference', async () => {
    await expect(agency.status('AG-404')).rejects.toMatchObject({ code: 'HOSO_ERR_AGENCY_UNKNOWN_REF' });
  });
});
