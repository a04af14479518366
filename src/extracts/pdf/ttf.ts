/**
 * A minimal TrueType reader and subsetter, written for speed: the font file is parsed once per process, and a
 * per-document subset is built by slicing glyph records (no re-parsing, no shaping). The subset keeps only the
 * tables a PDF CIDFontType2 needs (head, hhea, maxp, loca, glyf, hmtx) and drops the hinting bytecode
 * (fpgm, prep, cvt and per-glyph instructions): PDF viewers rasterise outlines without it, and it is about a
 * third of DejaVu's glyph data.
 */

export interface TrueTypeMetrics {
  unitsPerEm: number;
  ascent: number;
  descent: number;
  capHeight: number;
  xHeight: number;
  italicAngle: number;
  bbox: [number, number, number, number];
  weightClass: number;
}

interface TableRecord {
  offset: number;
  length: number;
}

const ARG_1_AND_2_ARE_WORDS = 0x0001;
const WE_HAVE_A_SCALE = 0x0008;
const MORE_COMPONENTS = 0x0020;
const WE_HAVE_AN_X_AND_Y_SCALE = 0x0040;
const WE_HAVE_A_TWO_BY_TWO = 0x0080;
const WE_HAVE_INSTRUCTIONS = 0x0100;

export class TrueTypeFont {
  readonly metrics: TrueTypeMetrics;
  readonly numGlyphs: number;
  /** PostScript name from the name table, e.g. "DejaVuSans-Bold". */
  readonly postscriptName: string;
  private readonly data: Buffer;
  private readonly tables: Map<string, TableRecord>;
  private readonly glyphOffsets: Uint32Array;
  private readonly advances: Uint16Array;
  private readonly leftBearings: Int16Array;
  private readonly cmap: Map<number, number>;

  constructor(bytes: Uint8Array) {
    this.data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.tables = readTableDirectory(this.data);
    const head = this.table('head');
    const hhea = this.table('hhea');
    const maxp = this.table('maxp');
    const d = this.data;
    this.numGlyphs = d.readUInt16BE(maxp.offset + 4);
    const unitsPerEm = d.readUInt16BE(head.offset + 18);
    const longLoca = d.readInt16BE(head.offset + 50) === 1;

    const loca = this.table('loca');
    this.glyphOffsets = new Uint32Array(this.numGlyphs + 1);
    for (let i = 0; i <= this.numGlyphs; i++) {
      this.glyphOffsets[i] = longLoca
        ? d.readUInt32BE(loca.offset + i * 4)
        : d.readUInt16BE(loca.offset + i * 2) * 2;
    }

    const hmtx = this.table('hmtx');
    const numberOfHMetrics = d.readUInt16BE(hhea.offset + 34);
    this.advances = new Uint16Array(this.numGlyphs);
    this.leftBearings = new Int16Array(this.numGlyphs);
    let lastAdvance = 0;
    for (let i = 0; i < this.numGlyphs; i++) {
      if (i < numberOfHMetrics) {
        lastAdvance = d.readUInt16BE(hmtx.offset + i * 4);
        this.leftBearings[i] = d.readInt16BE(hmtx.offset + i * 4 + 2);
      } else {
        this.leftBearings[i] = d.readInt16BE(hmtx.offset + numberOfHMetrics * 4 + (i - numberOfHMetrics) * 2);
      }
      this.advances[i] = lastAdvance;
    }

    const os2 = this.tables.get('OS/2');
    const post = this.tables.get('post');
    const ascent = d.readInt16BE(hhea.offset + 4);
    this.metrics = {
      unitsPerEm,
      ascent,
      descent: d.readInt16BE(hhea.offset + 6),
      capHeight: os2 && d.readUInt16BE(os2.offset) >= 2 ? d.readInt16BE(os2.offset + 88) : ascent,
      xHeight: os2 && d.readUInt16BE(os2.offset) >= 2 ? d.readInt16BE(os2.offset + 86) : 0,
      italicAngle: post ? d.readInt32BE(post.offset + 4) / 65536 : 0,
      bbox: [
        d.readInt16BE(head.offset + 36),
        d.readInt16BE(head.offset + 38),
        d.readInt16BE(head.offset + 40),
        d.readInt16BE(head.offset + 42),
      ],
      weightClass: os2 ? d.readUInt16BE(os2.offset + 4) : 400,
    };
    // A subset written by this module has no cmap (the PDF addresses glyphs by id); it parses with an empty one.
    const cmap = this.tables.get('cmap');
    this.cmap = cmap ? readUnicodeCmap(d, cmap) : new Map();
    this.postscriptName = readPostscriptName(d, this.tables.get('name')) ?? 'Font';
    // DejaVu's OS/2 table predates sCapHeight/sxHeight: measure H and x instead.
    if (this.metrics.xHeight === 0) {
      this.metrics.capHeight = this.glyphTop(this.glyphId(0x48)) || ascent;
      this.metrics.xHeight = this.glyphTop(this.glyphId(0x78));
    }
  }

  private glyphTop(gid: number): number {
    const glyf = this.table('glyf');
    const start = this.glyphOffsets[gid]!;
    if (gid === 0 || this.glyphOffsets[gid + 1]! <= start) return 0;
    return this.data.readInt16BE(glyf.offset + start + 8);
  }

  /** Glyph id for a Unicode code point, 0 (.notdef) when the font lacks it. */
  glyphId(codePoint: number): number {
    return this.cmap.get(codePoint) ?? 0;
  }

  hasCodePoint(codePoint: number): boolean {
    return this.cmap.has(codePoint);
  }

  /** The raw glyf record of a glyph (empty for blank glyphs such as the space). */
  glyphRecord(glyphId: number): Buffer {
    const glyf = this.table('glyf');
    return this.data.subarray(
      glyf.offset + this.glyphOffsets[glyphId]!,
      glyf.offset + this.glyphOffsets[glyphId + 1]!,
    );
  }

  /** Advance width in font units. */
  advance(glyphId: number): number {
    return this.advances[glyphId] ?? 0;
  }

  /**
   * Builds a TrueType font holding `glyphIds` (in that order) as glyphs 1..n after .notdef, followed by any
   * components that composite glyphs need. Returns the font bytes and the new id of every glyph written.
   */
  subset(glyphIds: readonly number[]): { bytes: Buffer; newIds: Map<number, number> } {
    const order: number[] = [0];
    const newIds = new Map<number, number>([[0, 0]]);
    for (const gid of glyphIds) {
      if (!newIds.has(gid)) {
        newIds.set(gid, order.length);
        order.push(gid);
      }
    }
    const glyphData: Buffer[] = [];
    // `order` grows while we walk it when composite glyphs pull in their components.
    for (let i = 0; i < order.length; i++) {
      glyphData.push(this.strippedGlyph(order[i]!, order, newIds));
    }
    return { bytes: this.writeFont(order, glyphData), newIds };
  }

  private table(tag: string): TableRecord {
    const t = this.tables.get(tag);
    if (!t) throw new Error(`TrueType: the font has no ${tag} table`);
    return t;
  }

  /** A glyph record without its hinting instructions, with component ids remapped into the subset. */
  private strippedGlyph(gid: number, order: number[], newIds: Map<number, number>): Buffer {
    const glyf = this.table('glyf');
    const start = glyf.offset + this.glyphOffsets[gid]!;
    const end = glyf.offset + this.glyphOffsets[gid + 1]!;
    if (end <= start) return Buffer.alloc(0);
    const src = this.data.subarray(start, end);
    const contours = src.readInt16BE(0);
    if (contours >= 0) {
      const instrLenAt = 10 + contours * 2;
      const instrLen = src.readUInt16BE(instrLenAt);
      const out = Buffer.alloc(src.length - instrLen);
      src.copy(out, 0, 0, instrLenAt);
      out.writeUInt16BE(0, instrLenAt);
      src.copy(out, instrLenAt + 2, instrLenAt + 2 + instrLen);
      return out;
    }
    let pos = 10;
    let flags = 0;
    const out = Buffer.from(src);
    do {
      flags = out.readUInt16BE(pos);
      out.writeUInt16BE(flags & ~WE_HAVE_INSTRUCTIONS, pos);
      const component = out.readUInt16BE(pos + 2);
      let id = newIds.get(component);
      if (id === undefined) {
        id = order.length;
        newIds.set(component, id);
        order.push(component);
      }
      out.writeUInt16BE(id, pos + 2);
      pos += 4 + (flags & ARG_1_AND_2_ARE_WORDS ? 4 : 2);
      if (flags & WE_HAVE_A_SCALE) pos += 2;
      else if (flags & WE_HAVE_AN_X_AND_Y_SCALE) pos += 4;
      else if (flags & WE_HAVE_A_TWO_BY_TWO) pos += 8;
    } while (flags & MORE_COMPONENTS);
    return out.subarray(0, pos);
  }

  private writeFont(order: number[], glyphData: Buffer[]): Buffer {
    const d = this.data;
    const n = order.length;

    const locaBuf = Buffer.alloc((n + 1) * 4);
    let glyfLength = 0;
    for (let i = 0; i < n; i++) {
      locaBuf.writeUInt32BE(glyfLength, i * 4);
      glyfLength += align4(glyphData[i]!.length);
    }
    locaBuf.writeUInt32BE(glyfLength, n * 4);
    const glyfBuf = Buffer.alloc(glyfLength);
    let at = 0;
    for (const g of glyphData) {
      g.copy(glyfBuf, at);
      at += align4(g.length);
    }

    const hmtxBuf = Buffer.alloc(n * 4);
    for (let i = 0; i < n; i++) {
      hmtxBuf.writeUInt16BE(this.advances[order[i]!]!, i * 4);
      hmtxBuf.writeInt16BE(this.leftBearings[order[i]!]!, i * 4 + 2);
    }

    const head = Buffer.from(d.subarray(this.table('head').offset, this.table('head').offset + 54));
    head.writeUInt32BE(0, 8);
    head.writeInt16BE(1, 50);
    const hhea = Buffer.from(d.subarray(this.table('hhea').offset, this.table('hhea').offset + 36));
    hhea.writeUInt16BE(n, 34);
    const maxpRec = this.table('maxp');
    const maxp = Buffer.from(d.subarray(maxpRec.offset, maxpRec.offset + maxpRec.length));
    maxp.writeUInt16BE(n, 4);
    if (maxp.length >= 32) {
      // No bytecode survives the subset: declare empty hinting resources.
      for (const field of [14, 16, 18, 20, 22, 24, 26]) maxp.writeUInt16BE(field === 14 ? 1 : 0, field);
    }

    const tables: Array<[string, Buffer]> = [
      ['glyf', glyfBuf],
      ['head', head],
      ['hhea', hhea],
      ['hmtx', hmtxBuf],
      ['loca', locaBuf],
      ['maxp', maxp],
    ];
    const { font, offsets } = writeSfnt(tables);
    // checkSumAdjustment makes the whole file sum to 0xB1B0AFBA.
    font.writeUInt32BE((0xb1b0afba - checksum(font)) >>> 0, offsets.get('head')! + 8);
    return font;
  }
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

function checksum(buf: Buffer): number {
  let sum = 0;
  const whole = buf.length & ~3;
  for (let i = 0; i < whole; i += 4) sum = (sum + buf.readUInt32BE(i)) >>> 0;
  if (whole < buf.length) {
    const tail = Buffer.alloc(4);
    buf.copy(tail, 0, whole);
    sum = (sum + tail.readUInt32BE(0)) >>> 0;
  }
  return sum;
}

function writeSfnt(tables: Array<[string, Buffer]>): { font: Buffer; offsets: Map<string, number> } {
  const numTables = tables.length;
  let entrySelector = 0;
  while (1 << (entrySelector + 1) <= numTables) entrySelector++;
  const searchRange = (1 << entrySelector) * 16;
  const headerLength = 12 + numTables * 16;
  let total = headerLength;
  for (const [, b] of tables) total += align4(b.length);
  const out = Buffer.alloc(total);
  out.writeUInt32BE(0x00010000, 0);
  out.writeUInt16BE(numTables, 4);
  out.writeUInt16BE(searchRange, 6);
  out.writeUInt16BE(entrySelector, 8);
  out.writeUInt16BE(numTables * 16 - searchRange, 10);
  let offset = headerLength;
  const offsets = new Map<string, number>();
  tables.forEach(([tag, b], i) => {
    offsets.set(tag, offset);
    const rec = 12 + i * 16;
    out.write(tag, rec, 4, 'latin1');
    out.writeUInt32BE(checksum(b), rec + 4);
    out.writeUInt32BE(offset, rec + 8);
    out.writeUInt32BE(b.length, rec + 12);
    b.copy(out, offset);
    offset += align4(b.length);
  });
  return { font: out, offsets };
}

function readTableDirectory(d: Buffer): Map<string, TableRecord> {
  const version = d.readUInt32BE(0);
  if (version !== 0x00010000 && version !== 0x74727565) {
    throw new Error('TrueType: not a TrueType font file (TTF with glyf outlines is required)');
  }
  const numTables = d.readUInt16BE(4);
  const tables = new Map<string, TableRecord>();
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + i * 16;
    tables.set(d.toString('latin1', rec, rec + 4), {
      offset: d.readUInt32BE(rec + 8),
      length: d.readUInt32BE(rec + 12),
    });
  }
  return tables;
}

/** Reads the Unicode cmap (format 12 if present, else format 4). */
function readUnicodeCmap(d: Buffer, cmap: TableRecord): Map<number, number> {
  const numSubtables = d.readUInt16BE(cmap.offset + 2);
  let format4: number | undefined;
  let format12: number | undefined;
  for (let i = 0; i < numSubtables; i++) {
    const rec = cmap.offset + 4 + i * 8;
    const platform = d.readUInt16BE(rec);
    const encoding = d.readUInt16BE(rec + 2);
    const at = cmap.offset + d.readUInt32BE(rec + 4);
    const format = d.readUInt16BE(at);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode) continue;
    if (format === 12) format12 = at;
    else if (format === 4) format4 = at;
  }
  const map = new Map<number, number>();
  if (format12 !== undefined) {
    const groups = d.readUInt32BE(format12 + 12);
    for (let g = 0; g < groups; g++) {
      const rec = format12 + 16 + g * 12;
      const startChar = d.readUInt32BE(rec);
      const endChar = d.readUInt32BE(rec + 4);
      const startGlyph = d.readUInt32BE(rec + 8);
      for (let c = startChar; c <= endChar; c++) map.set(c, startGlyph + (c - startChar));
    }
    return map;
  }
  if (format4 === undefined) throw new Error('TrueType: the font has no Unicode cmap');
  const segCount = d.readUInt16BE(format4 + 6) / 2;
  const endCodes = format4 + 14;
  const startCodes = endCodes + segCount * 2 + 2;
  const idDeltas = startCodes + segCount * 2;
  const idRangeOffsets = idDeltas + segCount * 2;
  for (let s = 0; s < segCount; s++) {
    const end = d.readUInt16BE(endCodes + s * 2);
    const start = d.readUInt16BE(startCodes + s * 2);
    const delta = d.readInt16BE(idDeltas + s * 2);
    const rangeOffsetAt = idRangeOffsets + s * 2;
    const rangeOffset = d.readUInt16BE(rangeOffsetAt);
    for (let c = start; c <= end && c !== 0xffff; c++) {
      let gid: number;
      if (rangeOffset === 0) gid = (c + delta) & 0xffff;
      else {
        const raw = d.readUInt16BE(rangeOffsetAt + rangeOffset + (c - start) * 2);
        gid = raw === 0 ? 0 : (raw + delta) & 0xffff;
      }
      if (gid !== 0) map.set(c, gid);
    }
  }
  return map;
}

function readPostscriptName(d: Buffer, name: TableRecord | undefined): string | undefined {
  if (!name) return undefined;
  const count = d.readUInt16BE(name.offset + 2);
  const strings = name.offset + d.readUInt16BE(name.offset + 4);
  for (let i = 0; i < count; i++) {
    const rec = name.offset + 6 + i * 12;
    const platform = d.readUInt16BE(rec);
    const nameId = d.readUInt16BE(rec + 6);
    if (nameId !== 6) continue;
    const length = d.readUInt16BE(rec + 8);
    const at = strings + d.readUInt16BE(rec + 10);
    if (platform === 1) return d.toString('latin1', at, at + length);
    if (platform === 3 || platform === 0) {
      const raw = Buffer.from(d.subarray(at, at + length));
      return raw.swap16().toString('utf16le');
    }
  }
  return undefined;
}
