import { createRequire } from 'node:module';
import QRCode from 'qrcode';
import type { QrMatrix } from './display-list.ts';

const require = createRequire(import.meta.url);
const FormatInfo = require('qrcode/lib/core/format-info.js') as {
  getEncodedBits: (level: unknown, mask: number) => number;
};

/**
 * QR symbol for `text` at error-correction level M (15 %), which survives printing and a crease.
 *
 * The qrcode library is used for encoding with mask 0; choosing the mask (ISO/IEC 18004 §7.8: apply all eight,
 * keep the lowest penalty) is done here on typed arrays, the same penalty rules as the library's, in about a
 * tenth of its time (its own evaluation costs ~6 ms on a version-19 symbol, most of the 15 ms budget).
 * `maskPattern` forces a mask instead.
 */
export function qrMatrix(text: string, options: { maskPattern?: number } = {}): QrMatrix {
  // One byte-mode segment: the library's optimal mixed-mode segmentation costs ~3 ms on base64url text and
  // saves only a few modules here.
  const qr = QRCode.create([{ data: Buffer.from(text, 'utf8'), mode: 'byte' }], {
    errorCorrectionLevel: 'M',
    maskPattern: (options.maskPattern ?? 0) as 0,
  });
  const modules = qr.modules as unknown as { size: number; data: Uint8Array; reservedBit: Uint8Array };
  const size = modules.size;
  // BitMatrix data holds 0 or 1 per module.
  const dark = modules.data.slice();
  if (options.maskPattern !== undefined) return { size, dark };

  const reserved = modules.reservedBit;
  // Undo mask 0 to get the unmasked data modules, then try each mask with its format information.
  const base = dark.slice();
  applyMask(base, reserved, size, 0);
  let best = dark;
  let bestPenalty = Number.POSITIVE_INFINITY;
  for (let mask = 0; mask < 8; mask++) {
    const candidate = base.slice();
    applyMask(candidate, reserved, size, mask);
    writeFormatInfo(candidate, size, FormatInfo.getEncodedBits(qr.errorCorrectionLevel, mask));
    const penalty = penaltyOf(candidate, size);
    if (penalty < bestPenalty) {
      bestPenalty = penalty;
      best = candidate;
    }
  }
  return { size, dark: best };
}

const MASKS: ReadonlyArray<(i: number, j: number) => boolean> = [
  (i, j) => (i + j) % 2 === 0,
  (i) => i % 2 === 0,
  (_i, j) => j % 3 === 0,
  (i, j) => (i + j) % 3 === 0,
  (i, j) => (Math.floor(i / 2) + Math.floor(j / 3)) % 2 === 0,
  (i, j) => ((i * j) % 2) + ((i * j) % 3) === 0,
  (i, j) => (((i * j) % 2) + ((i * j) % 3)) % 2 === 0,
  (i, j) => (((i * j) % 3) + ((i + j) % 2)) % 2 === 0,
];

function applyMask(m: Uint8Array, reserved: Uint8Array, size: number, mask: number): void {
  const at = MASKS[mask]!;
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      const i = row * size + col;
      if (!reserved[i] && at(row, col)) m[i] = m[i]! ^ 1;
    }
  }
}

/** Places the 15 format bits (ISO/IEC 18004 §7.9.1), as the library does. */
function writeFormatInfo(m: Uint8Array, size: number, bits: number): void {
  const set = (row: number, col: number, v: number) => {
    m[row * size + col] = v;
  };
  for (let i = 0; i < 15; i++) {
    const bit = (bits >> i) & 1;
    if (i < 6) set(i, 8, bit);
    else if (i < 8) set(i + 1, 8, bit);
    else set(size - 15 + i, 8, bit);
    if (i < 8) set(8, size - i - 1, bit);
    else if (i < 9) set(8, 15 - i, bit);
    else set(8, 15 - i - 1, bit);
  }
  set(size - 8, 8, 1);
}

/** The four penalty rules, scored exactly as the qrcode library scores them. */
function penaltyOf(m: Uint8Array, size: number): number {
  let n1 = 0;
  let n2 = 0;
  let n3 = 0;
  let darkCount = 0;
  for (let a = 0; a < size; a++) {
    let runRow = 0;
    let runCol = 0;
    let lastRow = -1;
    let lastCol = -1;
    let bitsRow = 0;
    let bitsCol = 0;
    for (let b = 0; b < size; b++) {
      const inRow = m[a * size + b]!;
      const inCol = m[b * size + a]!;
      darkCount += inRow;
      if (inRow === lastRow) runRow++;
      else {
        if (runRow >= 5) n1 += 3 + runRow - 5;
        lastRow = inRow;
        runRow = 1;
      }
      if (inCol === lastCol) runCol++;
      else {
        if (runCol >= 5) n1 += 3 + runCol - 5;
        lastCol = inCol;
        runCol = 1;
      }
      bitsRow = ((bitsRow << 1) & 0x7ff) | inRow;
      bitsCol = ((bitsCol << 1) & 0x7ff) | inCol;
      if (b >= 10) {
        if (bitsRow === 0x5d0 || bitsRow === 0x05d) n3++;
        if (bitsCol === 0x5d0 || bitsCol === 0x05d) n3++;
      }
      if (a < size - 1 && b < size - 1) {
        const block = inRow + m[a * size + b + 1]! + m[(a + 1) * size + b]! + m[(a + 1) * size + b + 1]!;
        if (block === 0 || block === 4) n2++;
      }
    }
    if (runRow >= 5) n1 += 3 + runRow - 5;
    if (runCol >= 5) n1 += 3 + runCol - 5;
  }
  const k = Math.abs(Math.ceil((darkCount * 100) / (size * size) / 5) - 10);
  return n1 + n2 * 3 + n3 * 40 + k * 10;
}
