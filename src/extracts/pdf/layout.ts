import type { DrawOp, PageDraw, Rgb } from './display-list.ts';
import type { FontKey, FontSet } from './fonts.ts';

/**
 * A small flowing layout: rich-text paragraphs wrap at spaces (over-long words break between characters) and
 * flow onto new pages; templates add headers and footers around the frame.
 */

export interface Span {
  text: string;
  font: FontKey;
  color?: Rgb;
}

export interface ParagraphStyle {
  size: number;
  /** Line height as a multiple of the size (default 1.4). */
  leading?: number;
  align?: 'left' | 'center' | 'right';
  /** Left edge; default the frame's. */
  x?: number;
  /** Width; default the frame's width from x. */
  width?: number;
  /** Indent of every line after the first (a hanging indent for numbered items). */
  hanging?: number;
  spaceBefore?: number;
  spaceAfter?: number;
}

export interface Frame {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

interface Run {
  text: string;
  font: FontKey;
  color?: Rgb;
  width: number;
}

export interface Line {
  runs: Run[];
  width: number;
  indent: number;
}

const ASCENT = 0.93;

/** Measures, wraps and draws rich text into a page; shared by the flow and by fixed page parts. */
export class Typesetter {
  constructor(readonly fonts: FontSet) {}

  widthOf(text: string, font: FontKey, size: number): number {
    return this.fonts.face(font).widthOf(text, size);
  }

  /** Largest size ≤ `size` at which `text` fits in `width`. */
  fitSize(text: string, font: FontKey, size: number, width: number): number {
    const w = this.widthOf(text, font, size);
    return w <= width ? size : Math.floor(((size * width) / w) * 10) / 10;
  }

  lineHeight(style: ParagraphStyle): number {
    return style.size * (style.leading ?? 1.4);
  }

  wrap(spans: Span[], style: ParagraphStyle, frame: Frame): Line[] {
    const width = style.width ?? frame.right - (style.x ?? frame.left);
    const hanging = style.hanging ?? 0;
    const lines: Line[] = [];
    let line: Line = { runs: [], width: 0, indent: 0 };
    let pendingSpace: Run[] = [];

    const pushRun = (target: Line, run: Run) => {
      const last = target.runs[target.runs.length - 1];
      if (last && last.font === run.font && last.color === run.color) {
        last.text += run.text;
        last.width += run.width;
      } else target.runs.push({ ...run });
      target.width += run.width;
    };
    const breakLine = () => {
      lines.push(line);
      line = { runs: [], width: 0, indent: hanging };
      pendingSpace = [];
    };

    for (const span of spans) {
      const paragraphs = span.text.split('\n');
      paragraphs.forEach((para, pi) => {
        if (pi > 0) breakLine();
        for (const token of para.split(/( +)/)) {
          if (!token) continue;
          const run: Run = {
            text: token,
            font: span.font,
            width: this.widthOf(token, span.font, style.size),
            ...(span.color ? { color: span.color } : {}),
          };
          if (token.startsWith(' ')) {
            if (line.runs.length > 0) pendingSpace.push(run);
            continue;
          }
          const spaceWidth = pendingSpace.reduce((s, r) => s + r.width, 0);
          if (line.runs.length > 0 && line.width + spaceWidth + run.width > width - line.indent) breakLine();
          for (const sp of pendingSpace) pushRun(line, sp);
          pendingSpace = [];
          if (run.width <= width - line.indent) {
            pushRun(line, run);
            continue;
          }
          // A word wider than the line: break it between characters.
          for (const ch of token) {
            const chRun: Run = { ...run, text: ch, width: this.widthOf(ch, span.font, style.size) };
            if (line.runs.length > 0 && line.width + chRun.width > width - line.indent) breakLine();
            pushRun(line, chRun);
          }
        }
      });
    }
    if (line.runs.length > 0 || lines.length === 0) lines.push(line);
    return lines;
  }

  /** Draws a paragraph whose first line box starts at `top`; returns the height used. */
  drawAt(page: PageDraw, spans: Span[], style: ParagraphStyle, top: number, frame: Frame): number {
    const lines = this.wrap(spans, style, frame);
    const lh = this.lineHeight(style);
    lines.forEach((line, i) => {
      this.drawLine(page, line, style, top - i * lh - style.size * ASCENT, frame);
    });
    return lines.length * lh;
  }

  drawLine(page: PageDraw, line: Line, style: ParagraphStyle, baseline: number, frame: Frame): void {
    const left = style.x ?? frame.left;
    const width = style.width ?? frame.right - left;
    let x = left + line.indent;
    if (style.align === 'center') x = left + (width - line.width) / 2;
    else if (style.align === 'right') x = left + width - line.width;
    for (const run of line.runs) {
      const text = run.text.trimEnd();
      if (text) {
        page.ops.push({
          kind: 'text',
          font: run.font,
          size: style.size,
          x,
          y: baseline,
          text,
          ...(run.color ? { color: run.color } : {}),
        });
      }
      x += run.width;
    }
  }
}

export class Flow {
  readonly pages: PageDraw[] = [];
  /** Top of the next line on the current page. */
  y = 0;
  /** Where content starts on the current page. */
  private pageTop = 0;

  constructor(
    readonly setter: Typesetter,
    readonly frame: Frame,
    /** Draws a page's fixed parts and returns the y where the flowing content starts. */
    private readonly startPage: (page: PageDraw, index: number) => number,
  ) {
    this.newPage();
  }

  get page(): PageDraw {
    return this.pages[this.pages.length - 1]!;
  }

  newPage(): void {
    const page: PageDraw = { ops: [] };
    this.pages.push(page);
    this.y = this.startPage(page, this.pages.length - 1);
    this.pageTop = this.y;
  }

  draw(op: DrawOp): void {
    this.page.ops.push(op);
  }

  space(h: number): void {
    this.y -= h;
  }

  /** Where the flow stands, to come back to with `rewind` (only drawing through this flow is undone). */
  checkpoint(): { pages: number; ops: number; y: number } {
    return { pages: this.pages.length, ops: this.page.ops.length, y: this.y };
  }

  rewind(at: { pages: number; ops: number; y: number }): void {
    this.pages.length = at.pages;
    this.page.ops.length = at.ops;
    this.y = at.y;
  }

  /** Whether `draw` would fit under the flow position on the current page. */
  fits(draw: (flow: Flow) => void): boolean {
    const scratch = new Flow(this.setter, this.frame, () => this.frame.top);
    draw(scratch);
    return scratch.pages.length === 1 && this.y - (this.frame.top - scratch.y) >= this.frame.bottom;
  }

  /** True before anything flows onto the current page. */
  atPageTop(): boolean {
    return this.y === this.pageTop;
  }

  /** Starts a new page unless `height` points fit above the bottom of the frame. */
  ensure(height: number): void {
    if (this.y - height < this.frame.bottom) this.newPage();
  }

  widthOf(text: string, font: FontKey, size: number): number {
    return this.setter.widthOf(text, font, size);
  }

  lineHeight(style: ParagraphStyle): number {
    return this.setter.lineHeight(style);
  }

  heightOf(spans: Span[], style: ParagraphStyle): number {
    return (
      (style.spaceBefore ?? 0) +
      this.setter.wrap(spans, style, this.frame).length * this.lineHeight(style) +
      (style.spaceAfter ?? 0)
    );
  }

  /** Lays out a paragraph at the flow position, breaking pages between lines. */
  paragraph(spans: Span[], style: ParagraphStyle): void {
    this.y -= style.spaceBefore ?? 0;
    const lines = this.setter.wrap(spans, style, this.frame);
    const lh = this.lineHeight(style);
    for (const line of lines) {
      this.ensure(lh);
      this.setter.drawLine(this.page, line, style, this.y - style.size * ASCENT, this.frame);
      this.y -= lh;
    }
    this.y -= style.spaceAfter ?? 0;
  }

  /**
   * Runs `draw` on a fresh page if what it lays out does not fit in the rest of this page but fits on an
   * empty one (a dry run on a scratch flow measures it).
   */
  keepTogether(draw: (flow: Flow) => void): void {
    const scratch = new Flow(this.setter, this.frame, () => this.frame.top);
    draw(scratch);
    const height = this.frame.top - scratch.y;
    if (scratch.pages.length === 1 && height <= this.frame.top - this.frame.bottom) this.ensure(height);
    draw(this);
  }

  /** Draws a paragraph at `top` on the current page without moving the flow; returns the height used. */
  paragraphAt(spans: Span[], style: ParagraphStyle, top: number): number {
    return this.setter.drawAt(this.page, spans, style, top, this.frame);
  }
}
