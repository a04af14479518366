import type { NewRequest } from '../../src/requests/schema.ts';

/** Trần Thị Hoà, the population registry's level-2 adult (fictional). */
export const HOA = {
  citizenId: '001190012345',
  fullName: 'Trần Thị Hoà',
  dateOfBirth: '1990-05-14',
  gender: 'female' as const,
  nationality: 'VN',
  placeOfBirth: 'Hà Nội',
  residence: 'Phường Cầu Giấy, thành phố Hà Nội',
  fatherName: 'Trần Văn Hưng',
  motherName: 'Lê Thị Mận',
  spouseName: null,
};

/** Đỗ Quốc Hùng, who has a current conviction and an expunged one (fictional). */
export const HUNG = {
  citizenId: '031079007788',
  fullName: 'Đỗ Quốc Hùng',
  dateOfBirth: '1979-04-18',
  gender: 'male' as const,
  nationality: 'VN',
  fatherName: 'Đỗ Văn Lâm',
  motherName: 'Phạm Thị Hồng',
  spouseName: 'Nguyễn Thị Thu',
};

export function decision(total: number, extra: Record<string, unknown> = {}) {
  return {
    service: 'lltp',
    ruleSet: { version: '2026.11.1', hash: 'sha256:abc123' },
    on: '2026-11-25',
    eligible: true,
    reasons: [],
    documents: [],
    fee: { total, currency: 'VND' as const, lines: [{ code: 'base', amount: total }] },
    processing: { days: 5, unit: 'working' },
    authority: 'Công an thành phố Hà Nội',
    ...extra,
  };
}

/** A Form 1 request by Hoà for herself on the web chat. */
export function lltpRequest(overrides: Partial<NewRequest> = {}): NewRequest {
  return {
    service: 'lltp',
    citizenKey: 'ck_hoa_Zx8fK2pQ',
    address: { channel: 'webchat', userId: 'web-session-1' },
    lang: 'vi',
    subject: HOA,
    facts: { request: { form: 1, copies: 1, purpose: 'employment' }, feeCategory: 'standard' },
    decision: decision(200000),
    ...overrides,
  };
}

export async function until(
  check: () => boolean | Promise<boolean>,
  ms = 8000,
  what = 'the condition',
): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
