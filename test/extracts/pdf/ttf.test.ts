import { describe, expect, it } from 'vitest';
import { FontSet } from '../../../src/extracts/pdf/fonts.ts';
import { TrueTypeFont } from '../../../src/extracts/pdf/ttf.ts';

const fonts = FontSet.load();

/** Every precomposed Vietnamese letter in both cases, plus đ/Đ and the đồng sign. */
function vietnameseRepertoire(): string[] {
  const chars = new Set<string>();
  const bases = 'aăâeêioôơuưyAĂÂEÊIOÔƠUƯY';
  const marks = ['', '\u0300', '\u0301', '\u0303', '\u0309', '\u0323'];
  for (const b of bases) for (const m of marks) chars.add((b + m).normalize('NFC'));
  for (const c of 'đĐ₫') chars.add(c);
  return [...chars];
}

describe('TrueType subsetting', () => {
  it('covers every Vietnamese letter in the regular, bold and italic faces', () => {
    const all = vietnameseRepertoire();
    expect(all).toHaveLength(3 + 24 * 6);
    for (const face of ['regular', 'bold', 'italic'] as const) {
      expect(fonts.face(face).missingCharacters(all.join(''))).toEqual([]);
    }
  });

  it('writes a subset that parses back with the same advances and composite glyphs remapped', () => {
    const ttf = fonts.face('regular').ttf;
    const text = 'Nguyễn Thị Minh Thư ĐỨC';
    const gids = [...new Set([...text].map((c) => ttf.glyphId(c.codePointAt(0)!)))];
    const { bytes, newIds } = ttf.subset(gids);
    const sub = new TrueTypeFont(bytes);
    // .notdef, the requested glyphs in order, then the components of composite glyphs.
    expect(sub.numGlyphs).toBe(newIds.size);
    gids.forEach((gid, i) => {
      expect(newIds.get(gid)).toBe(i + 1);
      expect(sub.advance(i + 1)).toBe(ttf.advance(gid));
    });
    expect(bytes.length).toBeLessThan(12_000);
  });

  it('drops the hinting bytecode the PDF does not need', () => {
    const ttf = fonts.face('bold').ttf;
    const { bytes } = ttf.subset([ttf.glyphId(0x1ebf)]);
    const tags = new Set<string>();
    for (let i = 0; i < bytes.readUInt16BE(4); i++)
      tags.add(bytes.toString('latin1', 12 + i * 16, 16 + i * 16));
    expect([...tags].sort()).toEqual(['glyf', 'head', 'hhea', 'hmtx', 'loca', 'maxp']);
  });

  it('measures text widths that add up per character', () => {
    const face = fonts.face('regular');
    expect(face.widthOf('Hà Nội', 10)).toBeCloseTo(face.widthOf('Hà ', 10) + face.widthOf('Nội', 10), 6);
    expect(face.widthOf('', 10)).toBe(0);
  });
});
