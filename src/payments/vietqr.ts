/**
 * VietQR payment codes: the NAPAS profile of the EMVCo merchant-presented QR (tag-length-value fields,
 * CRC-16/CCITT-FALSE at the end). Any Vietnamese bank app reads one and pre-fills a transfer to the
 * account, with the amount and the request code as the transfer's content.
 */

/** NAPAS's application id in field 38, and its service codes: transfer to an account, or to a card. */
export const NAPAS_GUID = 'A000000727';
export const SERVICE_TO_ACCOUNT = 'QRIBFTTA';
export const SERVICE_TO_CARD = 'QRIBFTTC';

export class VietQrError extends Error {
  readonly code = 'HOSO_ERR_VIETQR_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'VietQrError';
  }
}

/** One field: a 2-digit id, a 2-digit length, the value. Values are ASCII here, so length is characters. */
export function tlv(id: string, value: string): string {
  if (!/^\d{2}$/.test(id)) throw new VietQrError(`field id ${id} is not two digits`);
  if (value.length === 0 || value.length > 99) throw new VietQrError(`field ${id} must hold 1–99 characters`);
  return `${id}${String(value.length).padStart(2, '0')}${value}`;
}

/** Reads a run of fields back into id → value (in order). */
export function parseTlv(payload: string): Map<string, string> {
  const fields = new Map<string, string>();
  let i = 0;
  while (i < payload.length) {
    const id = payload.slice(i, i + 2);
    const length = Number(payload.slice(i + 2, i + 4));
    if (!/^\d{2}$/.test(id) || !Number.isInteger(length) || i + 4 + length > payload.length) {
      throw new VietQrError(`malformed field at position ${i}`);
    }
    fields.set(id, payload.slice(i + 4, i + 4 + length));
    i += 4 + length;
  }
  return fields;
}

/** CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final xor), as 4 upper-case hex digits. */
export function crc16ccitt(text: string): string {
  let crc = 0xffff;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

export interface VietQrInput {
  /** The beneficiary bank's 6-digit NAPAS BIN (e.g. 970436). */
  bankBin: string;
  /** The beneficiary account (or card) number. */
  account: string;
  /** Whole đồng; without an amount the code is static and the payer types it. */
  amount?: number;
  /** The transfer's content (field 62-08): the request code. Up to 25 ASCII letters, digits, spaces, - . */
  purpose?: string;
  /** Field 62-05, reference label: the request code again, for reconciliation. */
  reference?: string;
  toCard?: boolean;
}

const SAFE_TEXT = /^[A-Za-z0-9 .-]+$/;

/** The payload string to put in the QR code. */
export function buildVietQrPayload(input: VietQrInput): string {
  if (!/^\d{6}$/.test(input.bankBin)) throw new VietQrError('the bank BIN is six digits');
  if (!/^[0-9A-Za-z]{1,19}$/.test(input.account))
    throw new VietQrError('the account is 1–19 letters or digits');
  if (
    input.amount !== undefined &&
    (!Number.isInteger(input.amount) || input.amount <= 0 || input.amount > 9_999_999_999_999)
  ) {
    throw new VietQrError('the amount is a positive whole number of đồng');
  }
  for (const [name, value] of [
    ['purpose', input.purpose],
    ['reference', input.reference],
  ] as const) {
    if (value !== undefined && (value.length > 25 || !SAFE_TEXT.test(value))) {
      throw new VietQrError(`the ${name} holds at most 25 ASCII letters, digits, spaces, '.' or '-'`);
    }
  }
  const beneficiary = tlv('00', input.bankBin) + tlv('01', input.account);
  const merchant =
    tlv('00', NAPAS_GUID) +
    tlv('01', beneficiary) +
    tlv('02', input.toCard ? SERVICE_TO_CARD : SERVICE_TO_ACCOUNT);
  const additional =
    (input.reference ? tlv('05', input.reference) : '') + (input.purpose ? tlv('08', input.purpose) : '');
  const body =
    tlv('00', '01') +
    // 11: static (reusable) code; 12: dynamic, for this one payment.
    tlv('01', input.amount !== undefined ? '12' : '11') +
    tlv('38', merchant) +
    tlv('53', '704') +
    (input.amount !== undefined ? tlv('54', String(input.amount)) : '') +
    tlv('58', 'VN') +
    (additional ? tlv('62', additional) : '') +
    '6304';
  return body + crc16ccitt(body);
}

export interface ParsedVietQr {
  bankBin: string;
  account: string;
  service: string;
  amount?: number;
  purpose?: string;
  reference?: string;
  dynamic: boolean;
}

/** Reads a VietQR payload, checking its CRC (what a bank app does before it trusts it). */
export function parseVietQrPayload(payload: string): ParsedVietQr {
  const crc = payload.slice(-4);
  if (!payload.slice(0, -4).endsWith('6304') || crc16ccitt(payload.slice(0, -4)) !== crc.toUpperCase()) {
    throw new VietQrError('the CRC does not match');
  }
  const root = parseTlv(payload);
  const merchant = parseTlv(root.get('38') ?? '');
  if (merchant.get('00') !== NAPAS_GUID) throw new VietQrError('not a NAPAS VietQR code');
  const beneficiary = parseTlv(merchant.get('01') ?? '');
  const additional = root.has('62') ? parseTlv(root.get('62')!) : new Map<string, string>();
  if (root.get('53') !== '704' || root.get('58') !== 'VN')
    throw new VietQrError('not a VND payment in Vietnam');
  const amount = root.get('54');
  return {
    bankBin: beneficiary.get('00') ?? '',
    account: beneficiary.get('01') ?? '',
    service: merchant.get('02') ?? '',
    dynamic: root.get('01') === '12',
    ...(amount ? { amount: Number(amount) } : {}),
    ...(additional.get('08') ? { purpose: additional.get('08') } : {}),
    ...(additional.get('05') ? { reference: additional.get('05') } : {}),
  };
}
