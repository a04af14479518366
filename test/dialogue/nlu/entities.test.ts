import { describe, expect, it } from 'vitest';
import { calendarDate, extractPatternEntities } from '../../../src/dialogue/nlu/entities.ts';
import { foldMarks } from '../../../src/dialogue/nlu/fold.ts';
import { understand } from '../../../src/dialogue/nlu/understand.ts';

const entitiesOf = (text: string) => understand(text).entities;

describe('citizen ID number (cccd)', () => {
  it('reads 12 digits, written together or grouped with spaces, dots or dashes', () => {
    expect(entitiesOf('cccd 079084000123').cccd).toBe('079084000123');
    expect(entitiesOf('số căn cước: 079 084 000 123').cccd).toBe('079084000123');
    expect(entitiesOf('079.084.000.123 là số của tôi').cccd).toBe('079084000123');
    expect(entitiesOf('0790-8400-0123').cccd).toBe('079084000123');
  });

  it('ignores runs of 11 or 13 digits and the old 9-digit CMND', () => {
    expect(entitiesOf('số 07908400012').cccd).toBeUndefined();
    expect(entitiesOf('số 0790840001234').cccd).toBeUndefined();
    expect(entitiesOf('cmnd 023456789').cccd).toBeUndefined();
  });
});

describe('date', () => {
  it('reads day first: dd/mm/yyyy, d-m-yyyy, dd.mm.yyyy', () => {
    expect(entitiesOf('sinh ngày 02/10/2024').date).toBe('2024-10-02');
    expect(entitiesOf('2-10-2024').date).toBe('2024-10-02');
    expect(entitiesOf('ngày 5.3.1990').date).toBe('1990-03-05');
    expect(entitiesOf('13/12/1985').date).toBe('1985-12-13');
  });

  it('reads "ngày 2 tháng 10 năm 2024", with or without diacritics', () => {
    expect(entitiesOf('ngày 2 tháng 10 năm 2024').date).toBe('2024-10-02');
    expect(entitiesOf('ngay 15 thang 8, nam 1990').date).toBe('1990-08-15');
  });

  it('reads ISO dates', () => {
    expect(entitiesOf('từ 2025-03-01').date).toBe('2025-03-01');
  });

  it('refuses days that do not exist, and reads 29 February only in leap years', () => {
    expect(entitiesOf('31/02/2024').date).toBeUndefined();
    expect(entitiesOf('29/02/2023').date).toBeUndefined();
    expect(entitiesOf('29/02/2024').date).toBe('2024-02-29');
    expect(entitiesOf('12/13/2024').date).toBeUndefined();
    expect(entitiesOf('2024-04-31').date).toBeUndefined();
    expect(calendarDate(1900, 2, 29)).toBeUndefined();
    expect(calendarDate(2000, 2, 29)).toBe('2000-02-29');
  });

  it('does not guess two-digit years', () => {
    expect(entitiesOf('02/10/24').date).toBeUndefined();
  });
});

describe('phone', () => {
  it('normalises mobile numbers to 0xxxxxxxxx', () => {
    expect(entitiesOf('sđt 0912345678').phone).toBe('0912345678');
    expect(entitiesOf('0912 345 678').phone).toBe('0912345678');
    expect(entitiesOf('số mình 0912.345.678 nhé').phone).toBe('0912345678');
    expect(entitiesOf('+84 912 345 678').phone).toBe('0912345678');
    expect(entitiesOf('+84912345678').phone).toBe('0912345678');
    expect(entitiesOf('(+84) 386 123 456').phone).toBe('0386123456');
    expect(entitiesOf('0582-123-456').phone).toBe('0582123456');
  });

  it('accepts only the mobile prefixes 03, 05, 07, 08, 09', () => {
    expect(entitiesOf('0243 123 4567').phone).toBeUndefined();
    expect(entitiesOf('0112345678').phone).toBeUndefined();
    expect(entitiesOf('091234567').phone).toBeUndefined();
  });

  it('tells a phone number from a citizen ID in one message', () => {
    expect(entitiesOf('sdt 0987654321, cccd 001090012345')).toMatchObject({
      phone: '0987654321',
      cccd: '001090012345',
    });
  });
});

describe('request id', () => {
  it('reads LLTP- and SKDT- ids in any case, normalised to upper case', () => {
    expect(entitiesOf('LLTP-2026-000123').request_id).toBe('LLTP-2026-000123');
    expect(entitiesOf('mã skdt-2025-004567').request_id).toBe('SKDT-2025-004567');
    expect(entitiesOf('lltp 2026 000777').request_id).toBe('LLTP-2026-000777');
  });

  it('does not read the digits of an id as a date, phone or citizen ID', () => {
    expect(entitiesOf('LLTP-2026-000123')).toEqual({ request_id: 'LLTP-2026-000123' });
  });
});

describe('service and form', () => {
  it('names the service a message is about', () => {
    expect(entitiesOf('phí LLTP').service).toBe('lltp');
    expect(entitiesOf('so suc khoe dien tu co mat phi ko').service).toBe('health_record');
    expect(entitiesOf('cần giấy tờ gì').service).toBeUndefined();
  });

  it('reads the form in its usual spellings', () => {
    for (const text of ['phiếu số 1', 'phieu 1', 'p1', 'LLTP số 1', 'mẫu số 1', 'form 1']) {
      expect(entitiesOf(text).form, text).toBe(1);
    }
    for (const text of ['phiếu số 2', 'phieu so 2', 'P2', 'lltp 2', 'phiếu số hai']) {
      expect(entitiesOf(text).form, text).toBe(2);
    }
  });
});

describe('extractPatternEntities', () => {
  it('leaves placeholder words where it took entities out', () => {
    const { masked } = extractPatternEntities(foldMarks('tra cứu LLTP-2026-000123 giúp tôi'));
    expect(masked.replace(/\s+/g, ' ')).toBe('tra cuu entreqid giup toi');
  });
});
