import { createHash } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { HttpError } from '../http/errors.ts';
import { RequestError } from '../requests/errors.ts';
import type { RequestService } from '../requests/service.ts';
import type { KeyValueStore } from '../store/types.ts';
import type { LedgerEntry, PaymentLedger } from './ledger.ts';
import { verifyPaymentSignature } from './signature.ts';

export const PAYMENT_CALLBACK_PATH = '/api/payments/callback';
export const DEV_PAYMENT_PATH = '/api/dev/outbox/payments/:code/paid';

/** The gateway's notice that a transfer arrived (./CONTRACT.md). */
export const PaymentCallbackSchema = z.object({
  /** The gateway's id of the transfer: a notice carrying an id already handled is a replay. */
  transactionId: z.string().min(1).max(128),
  requestCode: z.string().regex(/^[A-Z]{2,8}-\d{4}-\d{6,9}$/),
  amount: z.number().int().positive(),
  currency: z.literal('VND'),
  status: z.literal('paid'),
  paidAt: z.iso.datetime({ offset: true }),
});

export interface PaymentCallbackOptions {
  service: RequestService;
  kv: KeyValueStore;
  /** Where every payment received is recorded, overpayments included (in the records store). */
  ledger: PaymentLedger;
  /** The shared secret the gateway signs with; without it the route answers 503. */
  secret: string | undefined;
  toleranceSeconds: number;
  now?: () => Date;
}

/** A notice being handled blocks its replays this long; one that was handled, for good (30 days). */
const IN_PROGRESS_MS = 60_000;
const DONE_MS = 30 * 24 * 3600 * 1000;

function requestErrorToHttp(error: unknown): never {
  if (error instanceof RequestError) {
    const status =
      error.code === 'HOSO_ERR_REQUEST_NOT_FOUND'
        ? 404
        : error.code === 'HOSO_ERR_PAYMENT_AMOUNT_MISMATCH'
          ? 422
          : 409;
    throw new HttpError(status, error.code, error.message, error.details);
  }
  throw error;
}

/**
 * POST /api/payments/callback: the payment gateway says a fee was paid. The signature (HMAC-SHA256 over
 * `<timestamp>.<raw body>`) is checked on the raw bytes before anything is parsed; a stale timestamp is
 * refused; the transaction id is claimed with SET NX so a notice delivered twice acts once.
 */
export function paymentCallbackRoutes(options: PaymentCallbackOptions): FastifyPluginAsync {
  return async (app) => {
    // This plugin's own scope: JSON stays raw bytes here, since the signature covers exactly those bytes.
    app.addContentTypeParser(
      'application/json',
      { parseAs: 'buffer', bodyLimit: 16 * 1024 },
      (_req, body, done) => done(null, body),
    );

    app.post(PAYMENT_CALLBACK_PATH, async (request, reply) => {
      if (!options.secret) {
        throw new HttpError(503, 'HOSO_ERR_PAYMENT_CALLBACK_OFF', 'payment callbacks are not configured');
      }
      const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const header = (name: string) => {
        const v = request.headers[name];
        return Array.isArray(v) ? v[0] : v;
      };
      const verdict = verifyPaymentSignature({
        rawBody,
        timestamp: header('x-payment-timestamp'),
        signature: header('x-payment-signature'),
        secret: options.secret,
        now: options.now?.() ?? new Date(),
        toleranceSeconds: options.toleranceSeconds,
      });
      if (verdict === 'stale') {
        throw new HttpError(401, 'HOSO_ERR_PAYMENT_STALE', 'the notice is too old or from the future');
      }
      if (verdict !== 'ok') {
        request.log.warn({ verdict }, 'payment callback refused: bad signature');
        throw new HttpError(401, 'HOSO_ERR_PAYMENT_SIGNATURE', 'the signature does not verify');
      }
      let json: unknown;
      try {
        json = JSON.parse(rawBody.toString('utf8'));
      } catch {
        throw new HttpError(400, 'HOSO_ERR_BAD_REQUEST', 'the body is not JSON');
      }
      const parsed = PaymentCallbackSchema.safeParse(json);
      if (!parsed.success) {
        throw new HttpError(
          400,
          'HOSO_ERR_BAD_REQUEST',
          'the notice does not match the contract',
          parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        );
      }
      const notice = parsed.data;
      const replayKey = `pay:cb:${createHash('sha256').update(notice.transactionId).digest('base64url')}`;
      if (!(await options.kv.set(replayKey, 'pending', { nx: true, ttlMs: IN_PROGRESS_MS }))) {
        if ((await options.kv.get(replayKey)) === 'done') {
          return reply.code(200).send({ status: 'duplicate', code: notice.requestCode });
        }
        throw new HttpError(409, 'HOSO_ERR_PAYMENT_IN_PROGRESS', 'this notice is being handled; retry later');
      }
      const now = options.now?.() ?? new Date();
      const entry = (outcome: LedgerEntry['outcome'], requestState?: string): LedgerEntry => ({
        transactionId: notice.transactionId,
        requestCode: notice.requestCode,
        amount: notice.amount,
        currency: notice.currency,
        paidAt: notice.paidAt,
        receivedAt: now.toISOString(),
        outcome,
        ...(requestState ? { requestState } : {}),
      });
      try {
        // The ledger remembers a refund for good: its redelivery gets the same answer and is not listed twice.
        const known = await options.ledger.get(notice.transactionId);
        if (known?.outcome === 'refund') {
          await options.ledger.record(known);
          await options.kv.del(replayKey);
          throw notExpected(known);
        }
        if (known?.outcome === 'applied') {
          await options.kv.set(replayKey, 'done', { ttlMs: DONE_MS });
          return reply.code(200).send({ status: 'duplicate', code: notice.requestCode });
        }
        const { record } = await options.service.markPaid(notice.requestCode, {
          amount: notice.amount,
          provider: 'gateway',
          transactionId: notice.transactionId,
          paidAt: notice.paidAt,
        });
        await options.ledger.record(entry('applied'));
        await options.kv.set(replayKey, 'done', { ttlMs: DONE_MS });
        return reply.code(200).send({ status: 'accepted', code: record.code, state: record.state });
      } catch (error) {
        if (error instanceof HttpError) throw error;
        if (
          error instanceof RequestError &&
          (error.code === 'HOSO_ERR_PAYMENT_NOT_EXPECTED' ||
            error.code === 'HOSO_ERR_REQUEST_ILLEGAL_TRANSITION')
        ) {
          // Money arrived for a request that was not waiting for it (paid already, cancelled…): it is owed back.
          const state = (await options.service.get(notice.requestCode))?.state;
          const refund = await options.ledger.record(entry('refund', state));
          await options.kv.del(replayKey).catch(() => undefined);
          request.log.warn({ request: notice.requestCode, amount: notice.amount }, 'payment to refund');
          throw notExpected(refund);
        }
        if (error instanceof RequestError && error.code === 'HOSO_ERR_PAYMENT_AMOUNT_MISMATCH') {
          await options.ledger.record(entry('amount_mismatch'));
        } else if (error instanceof RequestError && error.code === 'HOSO_ERR_REQUEST_NOT_FOUND') {
          await options.ledger.record(entry('unknown_request'));
        }
        // Not handled: let the gateway's retry try again (a refusal is final, and answered as such).
        await options.kv.del(replayKey).catch(() => undefined);
        return requestErrorToHttp(error);
      }
    });
  };
}

/** 409 per the contract: the request was not waiting for this payment, which is listed for a refund. */
function notExpected(entry: LedgerEntry): HttpError {
  return new HttpError(
    409,
    'HOSO_ERR_PAYMENT_NOT_EXPECTED',
    `request ${entry.requestCode} is not waiting for a payment; ${entry.amount} VND is listed for a refund`,
    { refund: true, amount: entry.amount, state: entry.requestState ?? null },
  );
}

/**
 * POST /api/dev/outbox/payments/:code/paid — development only: pays a request's fee as if the bank transfer
 * had arrived. main.ts registers it only outside production.
 */
export function devPaymentRoutes(options: { service: RequestService }): FastifyPluginAsync {
  return async (app) => {
    app.post<{ Params: { code: string } }>(DEV_PAYMENT_PATH, async (request, reply) => {
      const code = request.params.code.toUpperCase();
      try {
        const record = await options.service.repo.require(code);
        const { record: after, duplicate } = await options.service.markPaid(code, {
          amount: record.payment?.amount ?? 0,
          provider: 'dev',
          transactionId: `DEV-${code}`,
        });
        return reply
          .code(200)
          .send({ status: duplicate ? 'duplicate' : 'accepted', code, state: after.state });
      } catch (error) {
        return requestErrorToHttp(error);
      }
    });
  };
}
