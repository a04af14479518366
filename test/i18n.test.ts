import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createTranslator, formatDate, formatDateTime, formatVnd, vietnamDate } from '../src/i18n.ts';

function keys(obj: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    v && typeof v === 'object' ? keys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

describe('locales', () => {
  it('has every sentence in both Vietnamese and English', () => {
    const root = new URL('../locales/', import.meta.url);
    const files = readdirSync(new URL('vi/', root));
    expect(readdirSync(new URL('en/', root)).sort()).toEqual(files.sort());
    for (const file of files) {
      const vi = keys(JSON.parse(readFileSync(new URL(`vi/${file}`, root), 'utf8')));
      const en = keys(JSON.parse(readFileSync(new URL(`en/${file}`, root), 'utf8')));
      expect({ file, missingInEn: vi.filter((k) => !en.includes(k)) }).toEqual({ file, missingInEn: [] });
      expect({ file, missingInVi: en.filter((k) => !vi.includes(k)) }).toEqual({ file, missingInVi: [] });
    }
  });

  it('writes Vietnamese in NFC with its diacritics', () => {
    const root = new URL('../locales/vi/', import.meta.url);
    for (const file of readdirSync(root)) {
      const text = readFileSync(new URL(file, root), 'utf8');
      expect(text.normalize('NFC')).toBe(text);
    }
  });
});

describe('formatting', () => {
  it('formats đồng the Vietnamese way, with a no-break space before ₫', () => {
    expect(formatVnd(200000, 'vi')).toBe('200.000\u00a0₫');
    expect(formatVnd(170000, 'en')).toBe('VND\u00a0170,000');
  });

  it('shows dates as dd/mm/yyyy in Vietnam time', () => {
    expect(formatDate(new Date('2025-03-11T18:30:00Z'))).toBe('12/03/2025');
    expect(formatDate('2026-07-01')).toBe('01/07/2026');
    expect(formatDateTime(new Date('2026-11-25T03:05:00Z'), 'vi')).toBe('10:05 ngày 25/11/2026');
    expect(vietnamDate(new Date('2026-11-25T18:00:00Z'))).toBe('2026-11-26');
  });

  it('interpolates money and dates in translations', () => {
    const t = createTranslator().t('vi');
    expect(t('consent.accepted', { at: '10:05 ngày 25/11/2026' })).toContain('10:05 ngày 25/11/2026');
  });
});
