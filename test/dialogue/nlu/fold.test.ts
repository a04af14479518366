import { describe, expect, it } from 'vitest';
import { foldMarks, foldVietnamese } from '../../../src/dialogue/nlu/fold.ts';

describe('foldVietnamese', () => {
  it('removes tones and vowel marks', () => {
    expect(foldVietnamese('Phiếu lý lịch tư pháp')).toBe('phieu ly lich tu phap');
    expect(foldVietnamese('sổ sức khỏe điện tử')).toBe('so suc khoe dien tu');
    expect(foldVietnamese('ƯỚC ƠN Ằ Ẫ Ệ')).toBe('uoc on a a e');
  });

  it('maps đ and Đ, which have no decomposition, to d', () => {
    expect('đ'.normalize('NFD')).toHaveLength(1);
    expect(foldVietnamese('Đổi ngôn ngữ, được đó')).toBe('doi ngon ngu duoc do');
  });

  it('folds precomposed (NFC) and decomposed (NFD) input alike', () => {
    const nfc = 'hủy liên kết'.normalize('NFC');
    const nfd = 'hủy liên kết'.normalize('NFD');
    expect(nfd).not.toBe(nfc);
    expect(foldVietnamese(nfd)).toBe(foldVietnamese(nfc));
  });

  it('treats old and new tone placement the same ("hoà" and "hòa", "huỷ" and "hủy")', () => {
    expect(foldVietnamese('hoà')).toBe(foldVietnamese('hòa'));
    expect(foldVietnamese('huỷ')).toBe(foldVietnamese('hủy'));
  });

  it('collapses whitespace and punctuation into single spaces', () => {
    expect(foldVietnamese('  Xin   chào!!!  Bạn…ơi?\n\tgiúp   tôi. ')).toBe('xin chao ban oi giup toi');
    expect(foldVietnamese('LLTP-2026-000123')).toBe('lltp 2026 000123');
    expect(foldVietnamese('?!…')).toBe('');
  });

  it('keeps digits and letters of other scripts', () => {
    expect(foldVietnamese('Phiếu số 2 — 200k')).toBe('phieu so 2 200k');
    expect(foldVietnamese('日本')).toBe('日本');
  });
});

describe('foldMarks', () => {
  it('keeps the punctuation entity patterns rely on', () => {
    expect(foldMarks('Ngày 02/10/2024, SĐT +84 912')).toBe('ngay 02/10/2024, sdt +84 912');
  });
});
