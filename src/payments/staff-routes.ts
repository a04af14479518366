import type { StaffApiExtension } from '../support/staff/routes.ts';
import type { PaymentLedger } from './ledger.ts';

/**
 * GET /staff/api/refunds — supervisors only: payments that arrived for a request not waiting for them (a
 * second transfer, a transfer after cancelling), oldest first, to be sent back to the payer.
 */
export function refundStaffRoutes(options: { ledger: PaymentLedger }): StaffApiExtension {
  return ({ router, guard, who }) => {
    router.get('/staff/api/refunds', { onRequest: guard(['supervisor']) }, async (request) => {
      who(request);
      const refunds = await options.ledger.refunds();
      return {
        refunds: refunds.map((r) => ({
          requestCode: r.requestCode,
          amount: r.amount,
          currency: r.currency,
          transactionId: r.transactionId,
          paidAt: r.paidAt,
          receivedAt: r.receivedAt,
          requestState: r.requestState ?? null,
        })),
      };
    });
  };
}
