import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderQrPng } from '../../src/payments/qr-image.ts';
import {
  buildVietQrPayload,
  crc16ccitt,
  parseTlv,
  parseVietQrPayload,
  VietQrError,
} from '../../src/payments/vietqr.ts';

const hasZbar = !spawnSync('zbarimg', ['--version']).error;

describe('VietQR payment codes', () => {
  it('computes CRC-16/CCITT-FALSE as the standard check value says', () => {
    // The catalogue check value of CRC-16/CCITT-FALSE for "123456789".
    expect(crc16ccitt('123456789')).toBe('29B1');
    // A static VietQR published with the vietqr-parser package, CRC included.
    const published =
      '00020001021238570010A00000072701270006970436011308810004580860208QRIBFTTA53037045802VN6304CD60';
    expect(crc16ccitt(published.slice(0, -4))).toBe('CD60');
  });

  it('builds the NAPAS fields: format, dynamic initiation, merchant account, VND, amount, VN, reference, CRC', () => {
    const payload = buildVietQrPayload({
      bankBin: '970436',
      account: '0011000000000',
      amount: 200000,
      purpose: 'LLTP-2026-000123',
      reference: 'LLTP-2026-000123',
    });
    expect(payload).toBe(
      '000201010212' +
        '38570010A000000727' +
        '0127' +
        '0006970436' +
        '01130011000000000' +
        '0208QRIBFTTA' +
        '5303704' +
        '5406200000' +
        '5802VN' +
        '6240' +
        '0516LLTP-2026-000123' +
        '0816LLTP-2026-000123' +
        '6304' +
        crc16ccitt(payload.slice(0, -4)),
    );
    const root = parseTlv(payload);
    expect([...root.keys()]).toEqual(['00', '01', '38', '53', '54', '58', '62', '63']);
    expect(parseVietQrPayload(payload)).toEqual({
      bankBin: '970436',
      account: '0011000000000',
      service: 'QRIBFTTA',
      dynamic: true,
      amount: 200000,
      purpose: 'LLTP-2026-000123',
      reference: 'LLTP-2026-000123',
    });
  });

  it('makes a static code without an amount', () => {
    const parsed = parseVietQrPayload(buildVietQrPayload({ bankBin: '970415', account: '113366668888' }));
    expect(parsed).toMatchObject({ dynamic: false, bankBin: '970415', account: '113366668888' });
    expect(parsed.amount).toBeUndefined();
  });

  it('refuses a code whose CRC was altered, and inputs a bank app would choke on', () => {
    const payload = buildVietQrPayload({ bankBin: '970436', account: '0011000000000', amount: 170000 });
    const tampered = payload.replace('5406170000', '5406100000');
    expect(() => parseVietQrPayload(tampered)).toThrow(VietQrError);
    expect(() => buildVietQrPayload({ bankBin: '9704', account: '1' })).toThrow(/BIN/);
    expect(() => buildVietQrPayload({ bankBin: '970436', account: '1', amount: 1.5 })).toThrow(/amount/);
    expect(() => buildVietQrPayload({ bankBin: '970436', account: '1', purpose: 'Lệ phí' })).toThrow(
      /purpose/,
    );
  });

  it('renders the code as a PNG', async () => {
    const png = await renderQrPng(
      buildVietQrPayload({ bankBin: '970436', account: '0011000000000', amount: 200000 }),
    );
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  });

  it.skipIf(!hasZbar)('renders a PNG a scanner reads back to the same payload (zbarimg)', async () => {
    const payload = buildVietQrPayload({
      bankBin: '970436',
      account: '0011000000000',
      amount: 200000,
      purpose: 'LLTP-2026-000123',
    });
    const dir = mkdtempSync(join(tmpdir(), 'hoso-qr-'));
    try {
      writeFileSync(join(dir, 'qr.png'), await renderQrPng(payload));
      const scan = spawnSync('zbarimg', ['--raw', '-q', join(dir, 'qr.png')], { encoding: 'utf8' });
      expect(scan.stdout.trim()).toBe(payload);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
