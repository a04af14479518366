import type { FontKey } from './fonts.ts';

/**
 * What a template lays out, independent of how it is written to PDF: the fast writer and the naive benchmark
 * path draw the same display list. Coordinates are PDF points from the bottom-left corner of an A4 page.
 */

export const A4 = { width: 595.28, height: 841.89 } as const;

export type Rgb = readonly [number, number, number];

export type DrawOp =
  | {
      kind: 'text';
      font: FontKey;
      size: number;
      x: number;
      y: number;
      text: string;
      color?: Rgb;
      /** Counter-clockwise rotation in degrees around (x, y). */
      angle?: number;
    }
  | { kind: 'line'; x1: number; y1: number; x2: number; y2: number; width: number; color?: Rgb }
  | { kind: 'qr'; x: number; y: number; size: number; matrix: QrMatrix }
  | {
      kind: 'shape';
      /** Shapes with the same key are written once per document (a form XObject) and reused on every page. */
      key: string;
      /** PDF path construction operators, filled with the non-zero winding rule. */
      path: string;
      bbox: readonly [number, number, number, number];
      /** Maps the path's units to the page. */
      matrix: readonly [number, number, number, number, number, number];
      color?: Rgb;
    };

/** A QR symbol: `size` × `size` modules, dark where `dark[row * size + col]` is 1. No quiet zone included. */
export interface QrMatrix {
  size: number;
  dark: Uint8Array;
}

export interface PageDraw {
  ops: DrawOp[];
}

export interface DocumentInfo {
  title: string;
  author: string;
  subject: string;
  keywords: string[];
  /** Extra Info dictionary entries (ASCII keys), e.g. HosoDocumentId. */
  custom: Record<string, string>;
}

export interface DisplayDocument {
  pages: PageDraw[];
  info: DocumentInfo;
}
