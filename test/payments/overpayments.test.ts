import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentLedger } from '../../src/payments/ledger.ts';
import { PAYMENT_CALLBACK_PATH } from '../../src/payments/routes.ts';
import { signPayload } from '../../src/payments/signature.ts';
import { lltpRequest } from '../requests/support.ts';
import { startTestApp } from '../support/app.ts';
import { staffMember } from '../support-staff/staff-client.ts';

const SECRET = 'test-gateway-secret-0123456789abcdef';

interface Answer {
  status?: string;
  code?: string;
  state?: string;
  error?: { code: string; message: string; details?: Record<string, unknown> };
}

interface Refund {
  requestCode: string;
  amount: number;
  transactionId: string;
  receivedAt: string;
}

describe('payments a request did not ask for', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;

  beforeAll(async () => {
    app = await startTestApp({
      env: {
        PAYMENT_CALLBACK_SECRET: SECRET,
        AGENCY_SIM_DELAY_SECONDS: '0',
        AGENCY_POLL_SECONDS: '0.05',
        JOBS_BACKOFF_MS: '20',
      },
    });
  });
  afterAll(async () => app.close());

  async function deliver(body: Record<string, unknown>) {
    const raw = JSON.stringify(body);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const res = await fetch(`${app.baseUrl}${PAYMENT_CALLBACK_PATH}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-payment-timestamp': timestamp,
        'x-payment-signature': signPayload(SECRET, timestamp, raw),
      },
      body: raw,
    });
    return { status: res.status, body: (await res.json()) as Answer };
  }

  const notice = (code: string, transactionId: string, amount: number) => ({
    transactionId,
    requestCode: code,
    amount,
    currency: 'VND',
    status: 'paid',
    paidAt: '2026-11-25T10:02:11+07:00',
  });

  async function paidRequest() {
    const { code } = await app.requests.create(lltpRequest());
    await app.requests.confirm(code);
    expect((await deliver(notice(code, `GW-${code}`, 200000))).body.status).toBe('accepted');
    return code;
  }

  it('answers 409 to a new transfer for a paid request (200,000 ₫ and 5 ₫) and lists both for a refund', async () => {
    const code = await paidRequest();
    const big = await deliver(notice(code, `GW-${code}-again`, 200000));
    const tiny = await deliver(notice(code, `GW-${code}-tiny`, 5));
    for (const answer of [big, tiny]) {
      expect(answer.status).toBe(409);
      expect(answer.body.error?.code).toBe('HOSO_ERR_PAYMENT_NOT_EXPECTED');
    }
    // The request itself was paid once.
    const record = (await app.requests.get(code))!;
    expect(record.history.filter((h) => h.to === 'paid')).toHaveLength(1);
    expect(record.payment?.transactionId).toBe(`GW-${code}`);

    const hoa = await staffMember(app, 'hoa', 'supervisor');
    const listed = await hoa.get<{ refunds: Refund[] }>('/staff/api/refunds');
    expect(listed.status).toBe(200);
    const mine = listed.body.refunds.filter((r) => r.requestCode === code);
    expect(mine.map((r) => [r.transactionId, r.amount])).toEqual([
      [`GW-${code}-again`, 200000],
      [`GW-${code}-tiny`, 5],
    ]);
    expect(Number.isNaN(Date.parse(mine[0]!.receivedAt))).toBe(false);

    const lan = await staffMember(app, 'lan', 'staff');
    const refused = await lan.get('/staff/api/refunds');
    expect(refused.status).toBe(403);
    expect(refused.body.error?.code).toBe('HOSO_ERR_STAFF_FORBIDDEN');
  });

  it('acts once on an overpayment delivered again: the same answer, listed once', async () => {
    const code = await paidRequest();
    const first = await deliver(notice(code, `GW-${code}-twice`, 200000));
    const again = await deliver(notice(code, `GW-${code}-twice`, 200000));
    expect(first.status).toBe(409);
    expect(again).toEqual(first);
    const refunds = await new PaymentLedger(app.records).refunds();
    expect(refunds.filter((r) => r.transactionId === `GW-${code}-twice`)).toHaveLength(1);
  });

  it('records every payment received, the one that paid the request included, once', async () => {
    const code = await paidRequest();
    expect(await deliver(notice(code, `GW-${code}`, 200000))).toEqual({
      status: 200,
      body: { status: 'duplicate', code },
    });
    const ledger = new PaymentLedger(app.records);
    expect(await ledger.get(`GW-${code}`)).toMatchObject({
      requestCode: code,
      amount: 200000,
      outcome: 'applied',
    });
    expect((await ledger.refunds()).filter((r) => r.requestCode === code)).toEqual([]);
  });

  it('applies one of two different transfers that race for one request, and lists the other for a refund', async () => {
    const { code } = await app.requests.create(lltpRequest());
    await app.requests.confirm(code);
    const answers = await Promise.all([
      deliver(notice(code, `GW-${code}-a`, 200000)),
      deliver(notice(code, `GW-${code}-b`, 200000)),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const refused = answers.find((a) => a.status === 409)!;
    expect(refused.body.error?.code).toBe('HOSO_ERR_PAYMENT_NOT_EXPECTED');
    const refunds = await new PaymentLedger(app.records).refunds();
    expect(refunds.filter((r) => r.requestCode === code)).toHaveLength(1);
    expect((await app.requests.get(code))!.history.filter((h) => h.to === 'paid')).toHaveLength(1);
  });

  it('lists a transfer for a cancelled request for a refund', async () => {
    const { code } = await app.requests.create(lltpRequest());
    await app.requests.confirm(code);
    await app.requests.cancel(code);
    const answer = await deliver(notice(code, `GW-${code}-late`, 200000));
    expect(answer.status).toBe(409);
    expect(answer.body.error?.code).toBe('HOSO_ERR_PAYMENT_NOT_EXPECTED');
    const refunds = await new PaymentLedger(app.records).refunds();
    expect(refunds.find((r) => r.requestCode === code)).toMatchObject({
      amount: 200000,
      requestState: 'cancelled',
    });
  });
});
