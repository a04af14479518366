import { describe, expect, it } from 'vitest';
import { nameKey, namesEqual, normalizeName } from '../../../src/identity/parse/name.ts';

describe('normalizeName', () => {
  it('trims, collapses spaces, removes invisible characters and composes to NFC', () => {
    const nfd = '  Nguyễn   Thị\u200b  Minh\tThư '.normalize('NFD');
    const result = normalizeName(nfd);
    expect(result).toBe('Nguyễn Thị Minh Thư');
    expect(result).toBe(result.normalize('NFC'));
  });
});

describe('namesEqual', () => {
  it('treats both tone-mark placements as the same name', () => {
    const pairs = [
      ['Trần Thị Hoà', 'Trần Thị Hòa'],
      ['Lê Thuý', 'Lê Thúy'],
      ['khoẻ', 'khỏe'],
      ['Oà', 'Òa'],
      ['Uý', 'Úy'],
      ['toé', 'tóe'],
      ['Thuỵ', 'Thụy'],
      ['hoạ', 'họa'],
      ['Hoả', 'Hỏa'],
      ['Ngoã', 'Ngõa'],
    ];
    for (const [a, b] of pairs) expect(namesEqual(a!, b!), `${a} = ${b}`).toBe(true);
  });

  it('ignores case, spacing and Unicode form', () => {
    expect(namesEqual('NGUYỄN VĂN AN', 'nguyễn văn an')).toBe(true);
    expect(namesEqual(' Nguyễn  Văn An', 'Nguyễn Văn An'.normalize('NFD'))).toBe(true);
  });

  it('keeps names that differ in tone or vowel apart', () => {
    expect(namesEqual('Hoa', 'Hoà')).toBe(false);
    expect(namesEqual('Hòa', 'Hóa')).toBe(false);
    expect(namesEqual('Nguyễn', 'Nguyen')).toBe(false);
    expect(namesEqual('Đức', 'Dức')).toBe(false);
    expect(namesEqual('Thư', 'Thu')).toBe(false);
  });

  it('gives a key that does not depend on the mark position', () => {
    expect(nameKey('Thuý')).toBe(nameKey('thúy'));
  });
});
