import { buildVietQrPayload } from './vietqr.ts';

export interface PaymentInstructions {
  amount: number;
  currency: 'VND';
  /** What the transfer must say: the request code. */
  reference: string;
  /** The VietQR payload (render it with `renderQrPng`). */
  qrPayload: string;
  bankBin: string;
  account: string;
  accountName?: string;
}

/**
 * How a citizen pays a fee. The payment code is a VietQR bank transfer to the collecting account, with the
 * request code as its content; the payment is confirmed by the gateway's signed callback
 * (POST /api/payments/callback), or, in development, by the dev outbox's "mark as paid".
 */
export interface PaymentPort {
  prepare(request: { code: string; amount: number }): Promise<PaymentInstructions>;
}

export interface VietQrPaymentsOptions {
  bankBin: string;
  account: string;
  accountName?: string;
}

export class VietQrPayments implements PaymentPort {
  constructor(private readonly options: VietQrPaymentsOptions) {}

  async prepare(request: { code: string; amount: number }): Promise<PaymentInstructions> {
    return {
      amount: request.amount,
      currency: 'VND',
      reference: request.code,
      qrPayload: buildVietQrPayload({
        bankBin: this.options.bankBin,
        account: this.options.account,
        amount: request.amount,
        purpose: request.code,
        reference: request.code,
      }),
      bankBin: this.options.bankBin,
      account: this.options.account,
      ...(this.options.accountName ? { accountName: this.options.accountName } : {}),
    };
  }
}
