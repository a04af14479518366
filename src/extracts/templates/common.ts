import { A4, type PageDraw, type QrMatrix, type Rgb } from '../pdf/display-list.ts';
import { Flow, type Frame, type ParagraphStyle, type Span, type Typesetter } from '../pdf/layout.ts';
import { textOutline } from '../pdf/outline.ts';
import type { Subject } from '../schema.ts';
import { placeAndDate, shortDate, vietnamDateTime } from '../text.ts';

/**
 * Parts shared by every extract, laid out as an administrative document under Decree 30/2020/NĐ-CP
 * (Appendix I): margins, the two-column heading (issuing body and number left, national motto right),
 * the place-and-date line, the signer block; plus page numbers, the continuation header and the test mark.
 */

const MM = 72 / 25.4;
/** Decree 30/2020 Appendix I §I.3: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm. */
export const FRAME: Frame = {
  left: 30 * MM,
  right: A4.width - 15 * MM,
  top: A4.height - 20 * MM,
  bottom: 22 * MM,
};

export const BODY = 10.5;
export const SMALL = 8;
const RED: Rgb = [0.75, 0.05, 0.05];
const WATERMARK: Rgb = [0.97, 0.8, 0.8];
const GREY: Rgb = [0.35, 0.35, 0.35];

export const TEST_MARK = 'BẢN THỬ NGHIỆM – KHÔNG CÓ GIÁ TRỊ PHÁP LÝ';
export const MOTTO_1 = 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM';
export const MOTTO_2 = 'Độc lập - Tự do - Hạnh phúc';

export interface DocumentFrame {
  title: string;
  authority: { name: string; parent?: string };
  documentNumber: string;
  documentId: string;
  requestCode: string;
  development: boolean;
}

/** A Flow whose first page starts below the national heading and later pages below a continuation header. */
export function createFlow(setter: Typesetter, doc: DocumentFrame): Flow {
  return new Flow(setter, FRAME, (page, index) =>
    index === 0 ? drawHeading(setter, page, doc) : drawContinuationHeader(setter, page, doc),
  );
}

function drawHeading(t: Typesetter, page: PageDraw, doc: DocumentFrame): number {
  const at = (spans: Span[], style: ParagraphStyle, top: number) => t.drawAt(page, spans, style, top, FRAME);
  const width = FRAME.right - FRAME.left;
  const leftW = width * 0.42;
  const rightX = FRAME.left + leftW;
  const rightW = width - leftW;
  const top = FRAME.top;

  let yLeft = top;
  const leftStyle: ParagraphStyle = {
    size: BODY,
    align: 'center',
    x: FRAME.left,
    width: leftW,
    leading: 1.3,
  };
  if (doc.authority.parent) yLeft -= at([{ text: doc.authority.parent, font: 'regular' }], leftStyle, yLeft);
  yLeft -= at([{ text: doc.authority.name, font: 'bold' }], leftStyle, yLeft);
  // Decree 30 Appendix I: a rule of a third to a half of the name's length, centred under it.
  const rule = leftW / 3;
  const rx = FRAME.left + (leftW - rule) / 2;
  page.ops.push({ kind: 'line', x1: rx, y1: yLeft - 1.5, x2: rx + rule, y2: yLeft - 1.5, width: 0.6 });
  yLeft -= 7;
  yLeft -= at([{ text: `Số: ${doc.documentNumber}`, font: 'regular' }], leftStyle, yLeft);

  let yRight = top;
  const mottoSize = t.fitSize(MOTTO_1, 'bold', BODY, rightW);
  const rightStyle: ParagraphStyle = {
    size: mottoSize,
    align: 'center',
    x: rightX,
    width: rightW,
    leading: 1.3,
  };
  yRight -= at([{ text: MOTTO_1, font: 'bold' }], rightStyle, yRight);
  const motto2Style = { ...rightStyle, size: t.fitSize(MOTTO_2, 'bold', BODY + 0.5, rightW) };
  yRight -= at([{ text: MOTTO_2, font: 'bold' }], motto2Style, yRight);
  // The motto is underlined over its whole length.
  const underline = t.widthOf(MOTTO_2, 'bold', motto2Style.size);
  const ux = rightX + (rightW - underline) / 2;
  page.ops.push({ kind: 'line', x1: ux, y1: yRight + 2, x2: ux + underline, y2: yRight + 2, width: 0.6 });

  return Math.min(yLeft, yRight) - 18;
}

function drawContinuationHeader(t: Typesetter, page: PageDraw, doc: DocumentFrame): number {
  const style: ParagraphStyle = { size: SMALL + 0.5, leading: 1.3 };
  const text = `${doc.authority.name} · Số: ${doc.documentNumber} · ${doc.title} (tiếp theo)`;
  const used = t.drawAt(page, [{ text, font: 'regular', color: GREY }], style, FRAME.top, FRAME);
  const y = FRAME.top - used - 2;
  page.ops.push({ kind: 'line', x1: FRAME.left, y1: y, x2: FRAME.right, y2: y, width: 0.4, color: GREY });
  return y - 12;
}

/**
 * Adds what needs the page count or sits under the content: the test mark (first in each page's drawing order,
 * so text stays on top), the footer with the document codes, and "Trang x/y".
 */
export function finishPages(t: Typesetter, pages: PageDraw[], doc: DocumentFrame): void {
  pages.forEach((page, i) => {
    const under: PageDraw['ops'] = [];
    if (doc.development) {
      under.push(diagonalTestMark(t));
      const bw = t.widthOf(TEST_MARK, 'bold', 9);
      under.push({
        kind: 'text',
        font: 'bold',
        size: 9,
        text: TEST_MARK,
        color: RED,
        x: (A4.width - bw) / 2,
        y: A4.height - 11 * MM,
      });
    }
    page.ops.unshift(...under);

    const y = 12 * MM;
    page.ops.push({
      kind: 'line',
      x1: FRAME.left,
      y1: y + 10,
      x2: FRAME.right,
      y2: y + 10,
      width: 0.4,
      color: GREY,
    });
    page.ops.push({
      kind: 'text',
      font: 'regular',
      size: SMALL,
      color: GREY,
      x: FRAME.left,
      y,
      text: `Mã hồ sơ: ${doc.requestCode} · Mã văn bản: ${doc.documentId}`,
    });
    const pageLabel = `Trang ${i + 1}/${pages.length}`;
    page.ops.push({
      kind: 'text',
      font: 'regular',
      size: SMALL,
      color: GREY,
      x: FRAME.right - t.widthOf(pageLabel, 'regular', SMALL),
      y,
      text: pageLabel,
    });
  });
}

let testMarkOutline: { path: string; width: number } | undefined;
const OUTLINE_UNITS = 250;

/**
 * The diagonal test mark across the page, drawn as glyph outlines (not text) so it never mixes into text
 * extraction; the banner line at the top carries the same words as text.
 */
function diagonalTestMark(t: Typesetter): PageDraw['ops'][number] {
  testMarkOutline ??= textOutline(t.fonts.face('bold').ttf, TEST_MARK, OUTLINE_UNITS);
  const { path, width } = testMarkOutline;
  const size = 30;
  const k = size / OUTLINE_UNITS;
  const r = Math.PI / 4;
  const cos = Math.cos(r);
  const sin = Math.sin(r);
  const w = width * k;
  // Centre the line on the page centre: start half a width back along the baseline, a third of the size below.
  const x = A4.width / 2 - (w / 2) * cos + (size / 3) * sin;
  const y = A4.height / 2 - (w / 2) * sin - (size / 3) * cos;
  return {
    kind: 'shape',
    key: 'test-mark',
    path,
    bbox: [0, -0.3 * OUTLINE_UNITS, width, 1.2 * OUTLINE_UNITS],
    matrix: [k * cos, k * sin, -k * sin, k * cos, x, y],
    color: WATERMARK,
  };
}

export function title(flow: Flow, text: string, subtitle?: string): void {
  flow.paragraph([{ text, font: 'bold' }], {
    size: 14,
    align: 'center',
    spaceBefore: 6,
    spaceAfter: subtitle ? 2 : 10,
  });
  if (subtitle)
    flow.paragraph([{ text: subtitle, font: 'italic' }], { size: BODY - 1, align: 'center', spaceAfter: 10 });
}

export function heading(flow: Flow, text: string): void {
  const style: ParagraphStyle = { size: BODY, spaceBefore: 6, spaceAfter: 2 };
  // Keep a heading with at least two lines of what follows.
  flow.ensure(flow.heightOf([{ text, font: 'bold' }], style) + 3 * BODY * 1.4);
  flow.paragraph([{ text, font: 'bold' }], style);
}

export function plain(flow: Flow, text: string, style: Partial<ParagraphStyle> = {}): void {
  flow.paragraph([{ text, font: 'regular' }], { size: BODY, ...style });
}

/** "label: value" with continuation lines under the value's start. */
export function field(
  flow: Flow,
  label: string,
  value: string,
  opts: { bold?: boolean; indent?: number } = {},
): void {
  const x = FRAME.left + (opts.indent ?? 0);
  const spans: Span[] = [
    { text: `${label}: `, font: 'regular' },
    { text: value, font: opts.bold ? 'bold' : 'regular' },
  ];
  flow.paragraph(spans, { size: BODY, x, hanging: 14 });
}

/** A bulleted or numbered item with a hanging indent. */
export function item(flow: Flow, marker: string, spans: Span[], indent = 0): void {
  const x = FRAME.left + indent;
  const markerSpan: Span = { text: `${marker} `, font: spans[0]?.font ?? 'regular' };
  const hang = flow.widthOf(markerSpan.text, markerSpan.font, BODY);
  flow.paragraph([markerSpan, ...spans], { size: BODY, x, hanging: hang });
}

const ID_LABEL: Record<Subject['idDocument']['kind'], string> = {
  cccd: 'Số định danh cá nhân/CCCD',
  cmnd: 'Số CMND',
  passport: 'Số hộ chiếu',
};

export function idDocumentLine(subject: Subject): [string, string] {
  const id = subject.idDocument;
  let value = id.number;
  if (id.issuedOn) value += `, cấp ngày ${shortDate(id.issuedOn)}`;
  if (id.issuedBy) value += `, nơi cấp: ${id.issuedBy}`;
  return [ID_LABEL[id.kind], value];
}

export function genderLabel(g: Subject['gender']): string {
  return g === 'male' ? 'Nam' : 'Nữ';
}

export function birthDateLabel(d: string): string {
  return shortDate(d);
}

export interface ClosingBlock {
  issuePlace: string;
  issueDate: string;
  signerTitle: string[];
  signerName?: string;
  /** CN of the signing certificate, printed with the signing time as the visible trace of the digital signature. */
  certificateName: string;
  signingTime: Date;
  qr: QrMatrix;
  documentId: string;
}

const QR_SIZE = 180;

/** Place and date, signer block, QR code and the digital-signature line, kept together on one page. */
export function closing(flow: Flow, c: ClosingBlock): void {
  const width = FRAME.right - FRAME.left;
  const colX = FRAME.left + width * 0.45;
  const colW = width * 0.55;
  const right: ParagraphStyle = { size: BODY, align: 'center', x: colX, width: colW, leading: 1.4 };
  const rightLines = 1 + c.signerTitle.length + 1 + (c.signerName ? 3 : 0);
  const rightHeight = rightLines * flow.lineHeight(right) + 6;
  const leftHeight = QR_SIZE + 2 * SMALL * 1.4;
  const total = Math.max(rightHeight, leftHeight) + 14 + SMALL * 1.4 * 2;
  flow.space(10);
  flow.ensure(total);

  const top = flow.y;
  let y = top;
  y -= flow.paragraphAt([{ text: placeAndDate(c.issuePlace, c.issueDate), font: 'italic' }], right, y);
  y -= 6;
  for (const line of c.signerTitle) y -= flow.paragraphAt([{ text: line, font: 'bold' }], right, y);
  y -= flow.paragraphAt([{ text: '(Đã ký số)', font: 'italic' }], right, y);
  if (c.signerName) {
    y -= 2 * flow.lineHeight(right);
    y -= flow.paragraphAt([{ text: c.signerName, font: 'bold' }], right, y);
  }

  const qrTop = top - 2;
  flow.draw({ kind: 'qr', x: FRAME.left, y: qrTop - QR_SIZE, size: QR_SIZE, matrix: c.qr });
  const caption: ParagraphStyle = { size: SMALL, x: FRAME.left, width: width * 0.4, leading: 1.35 };
  let yl = qrTop - QR_SIZE - 2;
  yl -= flow.paragraphAt(
    [{ text: 'Quét mã QR để kiểm tra văn bản', font: 'italic', color: GREY }],
    caption,
    yl,
  );
  yl -= flow.paragraphAt(
    [{ text: `Mã văn bản: ${c.documentId}`, font: 'regular', color: GREY }],
    caption,
    yl,
  );

  flow.y = Math.min(y, yl) - 10;
  flow.paragraph(
    [
      {
        text: `Văn bản điện tử được ký số bởi: ${c.certificateName}. Thời gian ký: ${vietnamDateTime(c.signingTime)}.`,
        font: 'italic',
        color: GREY,
      },
    ],
    { size: SMALL, leading: 1.35 },
  );
  // Uses at least the height it asked for, so a measured block (keepTogether) agrees with `ensure` above.
  flow.y = Math.min(flow.y, top - total);
}
