import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type PDFContext, PDFName, PDFNumber, PDFRawStream, type PDFRef, PDFString } from 'pdf-lib';
import { ExtractError } from '../errors.ts';
import { deflate } from './compress.ts';
import { TrueTypeFont } from './ttf.ts';

export type FontKey = 'regular' | 'bold' | 'italic';

const FONT_FILES: Record<FontKey, string> = {
  regular: 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf',
  bold: 'dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf',
  italic: 'dejavu-fonts-ttf/ttf/DejaVuSans-Oblique.ttf',
};

/** Path of a bundled DejaVu TTF (also used by the naive benchmark path). */
export function fontFilePath(key: FontKey): string {
  return createRequire(import.meta.url).resolve(FONT_FILES[key]);
}

/** A font face parsed once per process and shared by every document. */
export class FontFace {
  private readonly scale: number;
  /** Advance in 1/1000 em by code point, filled lazily. */
  private readonly advanceCache = new Map<number, number>();

  constructor(
    readonly key: FontKey,
    readonly ttf: TrueTypeFont,
  ) {
    this.scale = 1000 / ttf.metrics.unitsPerEm;
  }

  static load(key: FontKey): FontFace {
    return new FontFace(key, new TrueTypeFont(readFileSync(fontFilePath(key))));
  }

  /** Width of `text` at `size` points (no kerning: the PDF draws glyphs at their advances, so this is exact). */
  widthOf(text: string, size: number): number {
    let total = 0;
    for (let i = 0; i < text.length; i++) {
      const cp = text.charCodeAt(i);
      let w = this.advanceCache.get(cp);
      if (w === undefined) {
        w = this.ttf.advance(this.ttf.glyphId(cp)) * this.scale;
        this.advanceCache.set(cp, w);
      }
      total += w;
    }
    return (total * size) / 1000;
  }

  /** Characters of `text` the font cannot draw. */
  missingCharacters(text: string): string[] {
    const missing = new Set<string>();
    for (const ch of text) if (!this.ttf.hasCodePoint(ch.codePointAt(0)!)) missing.add(ch);
    return [...missing];
  }
}

export class FontSet {
  private constructor(private readonly faces: Record<FontKey, FontFace>) {}

  static load(): FontSet {
    return new FontSet({
      regular: FontFace.load('regular'),
      bold: FontFace.load('bold'),
      italic: FontFace.load('italic'),
    });
  }

  face(key: FontKey): FontFace {
    return this.faces[key];
  }
}

/**
 * One font as used by one document: glyphs get CIDs 1..n in order of first use, and only those glyphs are
 * written into the embedded subset, so the CIDs are also the glyph ids of the subset (CIDToGIDMap Identity).
 */
export class DocumentFont {
  private readonly cidByCodePoint = new Map<number, number>();
  private readonly glyphs: number[] = [];
  private readonly unicodeOf: number[] = [];

  constructor(
    readonly face: FontFace,
    readonly resourceName: string,
  ) {}

  get used(): boolean {
    return this.glyphs.length > 0;
  }

  /** The text as a hex string of 2-byte CIDs, for a Tj operator. */
  encode(text: string): string {
    let hex = '';
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      let cid = this.cidByCodePoint.get(cp);
      if (cid === undefined) {
        const gid = this.face.ttf.glyphId(cp);
        if (gid === 0) {
          throw new ExtractError(
            'HOSO_ERR_EXTRACT_UNSUPPORTED_CHARACTER',
            `the font cannot draw U+${cp.toString(16).toUpperCase().padStart(4, '0')}`,
          );
        }
        const existing = this.glyphs.indexOf(gid);
        cid = existing >= 0 ? existing + 1 : this.glyphs.push(gid);
        if (existing < 0) this.unicodeOf.push(cp);
        this.cidByCodePoint.set(cp, cid);
      }
      hex += cid.toString(16).padStart(4, '0');
    }
    return hex;
  }

  /** Registers the Type0 font, its CIDFont, descriptor, subset font file and ToUnicode map. */
  embed(context: PDFContext): PDFRef {
    const ttf = this.face.ttf;
    const { bytes, newIds } = ttf.subset(this.glyphs);
    const scale = 1000 / ttf.metrics.unitsPerEm;
    const widths: number[] = [];
    const byNewId = new Array<number>(newIds.size);
    for (const [oldId, newId] of newIds) byNewId[newId] = oldId;
    for (let cid = 1; cid < byNewId.length; cid++)
      widths.push(Math.round(ttf.advance(byNewId[cid]!) * scale));

    const tag = subsetTag(this.glyphs, this.face.key);
    const baseFont = `${tag}+${ttf.postscriptName}`;
    const fontFile = rawStream(context, deflate(bytes), { Length1: bytes.length });
    const m = ttf.metrics;
    const italic = m.italicAngle !== 0;
    const descriptor = context.register(
      context.obj({
        Type: 'FontDescriptor',
        FontName: baseFont,
        // Symbolic (4), plus Italic (64) for the oblique face: the subset has no cmap, glyphs are addressed by id.
        Flags: 4 | (italic ? 64 : 0),
        FontBBox: m.bbox.map((v) => Math.round(v * scale)),
        ItalicAngle: m.italicAngle,
        Ascent: Math.round(m.ascent * scale),
        Descent: Math.round(m.descent * scale),
        CapHeight: Math.round(m.capHeight * scale),
        XHeight: Math.round(m.xHeight * scale),
        StemV: m.weightClass >= 600 ? 140 : 80,
        FontFile2: fontFile,
      }),
    );
    const cidFont = context.register(
      context.obj({
        Type: 'Font',
        Subtype: 'CIDFontType2',
        BaseFont: baseFont,
        CIDSystemInfo: { Registry: PDFString.of('Adobe'), Ordering: PDFString.of('Identity'), Supplement: 0 },
        FontDescriptor: descriptor,
        CIDToGIDMap: 'Identity',
        DW: 1000,
        W: [1, widths],
      }),
    );
    const toUnicode = rawStream(context, deflate(toUnicodeCMap(this.unicodeOf)));
    return context.register(
      context.obj({
        Type: 'Font',
        Subtype: 'Type0',
        BaseFont: baseFont,
        Encoding: 'Identity-H',
        DescendantFonts: [cidFont],
        ToUnicode: toUnicode,
      }),
    );
  }
}

/** A stream whose bytes are already Flate-compressed (node's native zlib, not pdf-lib's JS deflate). */
export function rawStream(
  context: PDFContext,
  deflated: Uint8Array,
  extra: Record<string, number> = {},
): PDFRef {
  const dict = context.obj({ Filter: 'FlateDecode' });
  for (const [k, v] of Object.entries(extra)) dict.set(PDFName.of(k), PDFNumber.of(v));
  return context.register(PDFRawStream.of(dict, deflated));
}

/** Deterministic six-letter subset tag (PDF 32000-1 §9.6.4), derived from the glyph set. */
function subsetTag(glyphs: number[], key: string): string {
  const h = createHash('sha256').update(key).update(Uint16Array.from(glyphs)).digest();
  let tag = '';
  for (let i = 0; i < 6; i++) tag += String.fromCharCode(65 + (h[i]! % 26));
  return tag;
}

/** ToUnicode CMap mapping CID i+1 to unicodeOf[i]. */
function toUnicodeCMap(unicodeOf: number[]): string {
  const lines: string[] = [
    '/CIDInit /ProcSet findresource begin',
    '12 dict begin',
    'begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def',
    '/CMapType 2 def',
    '1 begincodespacerange',
    '<0000> <FFFF>',
    'endcodespacerange',
  ];
  for (let start = 0; start < unicodeOf.length; start += 100) {
    const chunk = unicodeOf.slice(start, start + 100);
    lines.push(`${chunk.length} beginbfchar`);
    chunk.forEach((cp, i) => {
      lines.push(`<${hex4(start + i + 1)}> <${utf16Hex(cp)}>`);
    });
    lines.push('endbfchar');
  }
  lines.push('endcmap', 'CMapName currentdict /CMap defineresource pop', 'end', 'end');
  return lines.join('\n');
}

function hex4(n: number): string {
  return n.toString(16).toUpperCase().padStart(4, '0');
}

function utf16Hex(cp: number): string {
  return Buffer.from(String.fromCodePoint(cp), 'utf16le').swap16().toString('hex').toUpperCase();
}
