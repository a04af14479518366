import type { TrueTypeFont } from './ttf.ts';

/**
 * Glyph outlines as PDF path operators. Used for the diagonal test mark: drawn as shapes rather than text, it
 * stays out of text extraction (pdftotext, copy and paste, screen readers) while the banner line keeps the
 * same words extractable.
 */

interface Point {
  x: number;
  y: number;
  on: boolean;
}

const ON_CURVE = 0x01;
const X_SHORT = 0x02;
const Y_SHORT = 0x04;
const REPEAT = 0x08;
const X_SAME_OR_POSITIVE = 0x10;
const Y_SAME_OR_POSITIVE = 0x20;

const ARG_1_AND_2_ARE_WORDS = 0x0001;
const ARGS_ARE_XY_VALUES = 0x0002;
const WE_HAVE_A_SCALE = 0x0008;
const MORE_COMPONENTS = 0x0020;
const WE_HAVE_AN_X_AND_Y_SCALE = 0x0040;
const WE_HAVE_A_TWO_BY_TWO = 0x0080;

/**
 * Path operators for `text` set in one line, baseline at y = 0, in units of 1/`unitsPerEm` of the size (coarser
 * units than the font's keep the path short; 250 per em is 0.1 pt at a 25 pt size). Also returns the advance.
 */
export function textOutline(
  ttf: TrueTypeFont,
  text: string,
  unitsPerEm = 250,
): { path: string; width: number } {
  const k = unitsPerEm / ttf.metrics.unitsPerEm;
  const parts: string[] = [];
  let x = 0;
  for (const ch of text) {
    const gid = ttf.glyphId(ch.codePointAt(0)!);
    for (const contour of glyphContours(ttf, gid, [k, 0, 0, k, x * k, 0], 0))
      parts.push(contourPath(contour));
    x += ttf.advance(gid);
  }
  return { path: parts.join(' '), width: x * k };
}

type Matrix = [number, number, number, number, number, number];

function glyphContours(ttf: TrueTypeFont, gid: number, m: Matrix, depth: number): Point[][] {
  const g = ttf.glyphRecord(gid);
  if (g.length === 0 || depth > 8) return [];
  const n = g.readInt16BE(0);
  if (n >= 0) return simpleContours(g, n).map((c) => c.map((p) => transform(p, m)));

  const out: Point[][] = [];
  let pos = 10;
  let flags = 0;
  do {
    flags = g.readUInt16BE(pos);
    const component = g.readUInt16BE(pos + 2);
    pos += 4;
    let dx = 0;
    let dy = 0;
    if (flags & ARG_1_AND_2_ARE_WORDS) {
      dx = g.readInt16BE(pos);
      dy = g.readInt16BE(pos + 2);
      pos += 4;
    } else {
      dx = g.readInt8(pos);
      dy = g.readInt8(pos + 1);
      pos += 2;
    }
    // Point-matching placement (args are point numbers) is not used by DejaVu; treat it as no offset.
    if (!(flags & ARGS_ARE_XY_VALUES)) {
      dx = 0;
      dy = 0;
    }
    let a = 1;
    let b = 0;
    let c = 0;
    let d = 1;
    if (flags & WE_HAVE_A_SCALE) {
      a = d = g.readInt16BE(pos) / 16384;
      pos += 2;
    } else if (flags & WE_HAVE_AN_X_AND_Y_SCALE) {
      a = g.readInt16BE(pos) / 16384;
      d = g.readInt16BE(pos + 2) / 16384;
      pos += 4;
    } else if (flags & WE_HAVE_A_TWO_BY_TWO) {
      a = g.readInt16BE(pos) / 16384;
      b = g.readInt16BE(pos + 2) / 16384;
      c = g.readInt16BE(pos + 4) / 16384;
      d = g.readInt16BE(pos + 6) / 16384;
      pos += 8;
    }
    out.push(...glyphContours(ttf, component, multiply([a, b, c, d, dx, dy], m), depth + 1));
  } while (flags & MORE_COMPONENTS);
  return out;
}

function simpleContours(g: Buffer, n: number): Point[][] {
  const ends: number[] = [];
  for (let i = 0; i < n; i++) ends.push(g.readUInt16BE(10 + i * 2));
  const count = n ? ends[n - 1]! + 1 : 0;
  let pos = 10 + n * 2;
  pos += 2 + g.readUInt16BE(pos);
  const flags: number[] = [];
  while (flags.length < count) {
    const f = g[pos++]!;
    flags.push(f);
    if (f & REPEAT) {
      let r = g[pos++]!;
      while (r-- > 0) flags.push(f);
    }
  }
  const xs: number[] = [];
  let v = 0;
  for (const f of flags) {
    if (f & X_SHORT) {
      const d = g[pos++]!;
      v += f & X_SAME_OR_POSITIVE ? d : -d;
    } else if (!(f & X_SAME_OR_POSITIVE)) {
      v += g.readInt16BE(pos);
      pos += 2;
    }
    xs.push(v);
  }
  v = 0;
  const points: Point[] = [];
  flags.forEach((f, i) => {
    if (f & Y_SHORT) {
      const d = g[pos++]!;
      v += f & Y_SAME_OR_POSITIVE ? d : -d;
    } else if (!(f & Y_SAME_OR_POSITIVE)) {
      v += g.readInt16BE(pos);
      pos += 2;
    }
    points.push({ x: xs[i]!, y: v, on: (f & ON_CURVE) !== 0 });
  });
  const contours: Point[][] = [];
  let start = 0;
  for (const end of ends) {
    contours.push(points.slice(start, end + 1));
    start = end + 1;
  }
  return contours;
}

/** One closed contour of quadratic B-splines as PDF cubic segments. */
function contourPath(points: Point[]): string {
  if (points.length === 0) return '';
  const mid = (p: Point, q: Point): Point => ({ x: (p.x + q.x) / 2, y: (p.y + q.y) / 2, on: true });
  const firstOn = points.findIndex((p) => p.on);
  const ring =
    firstOn >= 0
      ? [...points.slice(firstOn), ...points.slice(0, firstOn)]
      : [mid(points[points.length - 1]!, points[0]!), ...points];
  const start = ring[0]!;
  const ops = [`${r(start.x)} ${r(start.y)} m`];
  let current = start;
  let control: Point | undefined;
  const quad = (c: Point, end: Point) => {
    const c1x = current.x + ((c.x - current.x) * 2) / 3;
    const c1y = current.y + ((c.y - current.y) * 2) / 3;
    const c2x = end.x + ((c.x - end.x) * 2) / 3;
    const c2y = end.y + ((c.y - end.y) * 2) / 3;
    ops.push(`${r(c1x)} ${r(c1y)} ${r(c2x)} ${r(c2y)} ${r(end.x)} ${r(end.y)} c`);
    current = end;
  };
  for (const p of [...ring.slice(1), start]) {
    if (p.on) {
      if (control) quad(control, p);
      else {
        ops.push(`${r(p.x)} ${r(p.y)} l`);
        current = p;
      }
      control = undefined;
    } else {
      if (control) quad(control, mid(control, p));
      control = p;
    }
  }
  ops.push('h');
  return ops.join(' ');
}

function transform(p: Point, m: Matrix): Point {
  return { x: m[0] * p.x + m[2] * p.y + m[4], y: m[1] * p.x + m[3] * p.y + m[5], on: p.on };
}

/** First apply `a`, then `b`. */
function multiply(a: Matrix, b: Matrix): Matrix {
  return [
    a[0] * b[0] + a[1] * b[2],
    a[0] * b[1] + a[1] * b[3],
    a[2] * b[0] + a[3] * b[2],
    a[2] * b[1] + a[3] * b[3],
    a[4] * b[0] + a[5] * b[2] + b[4],
    a[4] * b[1] + a[5] * b[3] + b[5],
  ];
}

function r(n: number): string {
  return String(Math.round(n));
}
