import {
  type PDFContext,
  PDFDocument,
  PDFHexString,
  PDFInvalidObject,
  PDFName,
  type PDFRef,
  PDFString,
} from 'pdf-lib';
import { deflate } from './compress.ts';
import { A4, type DisplayDocument, type DrawOp, type QrMatrix } from './display-list.ts';
import { DocumentFont, type FontKey, type FontSet, rawStream } from './fonts.ts';

/** What goes into the PAdES signature dictionary; text fields may hold any Unicode (written as UTF-16BE hex). */
export interface SignatureFields {
  name: string;
  reason: string;
  location: string;
  contactInfo?: string;
  signingTime: Date;
  /** Bytes reserved for the DER CMS; the hex placeholder is twice as long. */
  contentsLength: number;
}

export const BYTE_RANGE_PLACEHOLDER = '/ByteRange [0 /********** /********** /**********]';

const FONT_RESOURCE: Record<FontKey, string> = { regular: 'F1', bold: 'F2', italic: 'F3' };
const QR_QUIET_ZONE = 4;

/**
 * Writes a display list as a PDF with an empty signature (the /Contents hole), ready for `signPreparedPdf`.
 * Content streams, font files and images are compressed with node's zlib and handed to pdf-lib as raw streams;
 * pdf-lib only serialises the object graph.
 */
export async function writePdf(
  doc: DisplayDocument,
  fonts: FontSet,
  signature: SignatureFields,
): Promise<Buffer> {
  const pdf = await PDFDocument.create({ updateMetadata: false });
  const context = pdf.context;
  const docFonts: Record<FontKey, DocumentFont> = {
    regular: new DocumentFont(fonts.face('regular'), FONT_RESOURCE.regular),
    bold: new DocumentFont(fonts.face('bold'), FONT_RESOURCE.bold),
    italic: new DocumentFont(fonts.face('italic'), FONT_RESOURCE.italic),
  };

  const shapes = new Map<string, ShapeOp>();
  const pageContents: Array<{ content: string; images: Map<string, QrMatrix> }> = doc.pages.map((page, i) => {
    const images = new Map<string, QrMatrix>();
    return { content: contentStream(page.ops, docFonts, images, shapes, i), images };
  });
  const shapeRefs: Record<string, PDFRef> = {};
  [...shapes.values()].forEach((shape, i) => {
    shapeRefs[shapeName(i)] = formXObject(context, shape);
  });

  const fontRefs: Record<string, PDFRef> = {};
  for (const font of Object.values(docFonts)) {
    if (font.used) fontRefs[font.resourceName] = font.embed(context);
  }

  const pageRefs: PDFRef[] = [];
  for (const { content, images } of pageContents) {
    const page = pdf.addPage([A4.width, A4.height]);
    const xobjects: Record<string, PDFRef> = { ...shapeRefs };
    for (const [name, matrix] of images) xobjects[name] = qrImage(context, matrix);
    page.node.set(PDFName.of('Resources'), context.obj({ Font: fontRefs, XObject: xobjects }));
    page.node.set(PDFName.of('Contents'), rawStream(context, deflate(content)));
    pageRefs.push(page.ref);
  }

  setInfo(pdf, doc.info);
  addSignaturePlaceholder(context, pdf, pageRefs[pageRefs.length - 1]!, signature);
  const bytes = await pdf.save({
    useObjectStreams: false,
    addDefaultPage: false,
    objectsPerTick: Number.POSITIVE_INFINITY,
  });
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

type ShapeOp = Extract<DrawOp, { kind: 'shape' }>;

function shapeName(index: number): string {
  return `Sh${index + 1}`;
}

function contentStream(
  ops: DrawOp[],
  fonts: Record<FontKey, DocumentFont>,
  images: Map<string, QrMatrix>,
  shapes: Map<string, ShapeOp>,
  pageIndex: number,
): string {
  const out: string[] = [];
  for (const op of ops) {
    if (op.kind === 'shape') {
      if (!shapes.has(op.key)) shapes.set(op.key, op);
      const name = shapeName([...shapes.keys()].indexOf(op.key));
      const color = op.color ? `${num(op.color[0])} ${num(op.color[1])} ${num(op.color[2])} rg ` : '';
      out.push(`q ${color}${op.matrix.map((v) => num(v, 4)).join(' ')} cm /${name} Do Q`);
      continue;
    }
    if (op.kind === 'text') {
      const font = fonts[op.font];
      const color = op.color ? `${num(op.color[0])} ${num(op.color[1])} ${num(op.color[2])} rg ` : '';
      let matrix = `1 0 0 1 ${num(op.x)} ${num(op.y)}`;
      if (op.angle) {
        const r = (op.angle * Math.PI) / 180;
        const c = Math.cos(r);
        const s = Math.sin(r);
        matrix = `${num(c, 4)} ${num(s, 4)} ${num(-s, 4)} ${num(c, 4)} ${num(op.x)} ${num(op.y)}`;
      }
      out.push(
        `q ${color}BT /${font.resourceName} ${num(op.size)} Tf ${matrix} Tm <${font.encode(op.text)}> Tj ET Q`,
      );
    } else if (op.kind === 'line') {
      const color = op.color ? `${num(op.color[0])} ${num(op.color[1])} ${num(op.color[2])} RG ` : '';
      out.push(
        `q ${color}${num(op.width)} w ${num(op.x1)} ${num(op.y1)} m ${num(op.x2)} ${num(op.y2)} l S Q`,
      );
    } else {
      const name = `Qr${pageIndex + 1}_${images.size + 1}`;
      images.set(name, op.matrix);
      out.push(`q ${num(op.size)} 0 0 ${num(op.size)} ${num(op.x)} ${num(op.y)} cm /${name} Do Q`);
    }
  }
  return out.join('\n');
}

/** A filled path as a form XObject; its fill colour comes from the drawing context. */
function formXObject(context: PDFContext, shape: ShapeOp): PDFRef {
  const ref = rawStream(context, deflate(`${shape.path} f`));
  const stream = context.lookup(ref) as unknown as { dict: { set: (k: PDFName, v: unknown) => void } };
  stream.dict.set(PDFName.of('Type'), PDFName.of('XObject'));
  stream.dict.set(PDFName.of('Subtype'), PDFName.of('Form'));
  stream.dict.set(PDFName.of('BBox'), context.obj([...shape.bbox]));
  return ref;
}

/** The QR symbol with its quiet zone as a 1-bit grey image, drawn without interpolation. */
function qrImage(context: PDFContext, matrix: QrMatrix): PDFRef {
  const n = matrix.size + 2 * QR_QUIET_ZONE;
  const rowBytes = Math.ceil(n / 8);
  const bits = Buffer.alloc(rowBytes * n, 0xff);
  for (let r = 0; r < matrix.size; r++) {
    for (let c = 0; c < matrix.size; c++) {
      if (!matrix.dark[r * matrix.size + c]) continue;
      const x = c + QR_QUIET_ZONE;
      const at = (r + QR_QUIET_ZONE) * rowBytes + (x >> 3);
      bits[at] = bits[at]! & ~(0x80 >> (x & 7));
    }
  }
  const ref = rawStream(context, deflate(bits), { Width: n, Height: n, BitsPerComponent: 1 });
  const stream = context.lookup(ref) as unknown as { dict: { set: (k: PDFName, v: unknown) => void } };
  stream.dict.set(PDFName.of('Type'), PDFName.of('XObject'));
  stream.dict.set(PDFName.of('Subtype'), PDFName.of('Image'));
  stream.dict.set(PDFName.of('ColorSpace'), PDFName.of('DeviceGray'));
  stream.dict.set(PDFName.of('Interpolate'), context.obj(false));
  return ref;
}

function setInfo(pdf: PDFDocument, info: DisplayDocument['info']): void {
  const context = pdf.context;
  const dict = context.obj({
    Title: PDFHexString.fromText(info.title),
    Author: PDFHexString.fromText(info.author),
    Subject: PDFHexString.fromText(info.subject),
    Keywords: PDFHexString.fromText(info.keywords.join(', ')),
    Creator: PDFString.of('Hoso'),
    Producer: PDFString.of('Hoso (pdf-lib)'),
  });
  for (const [k, v] of Object.entries(info.custom)) dict.set(PDFName.of(k), PDFString.of(v));
  context.trailerInfo.Info = context.register(dict);
}

function addSignaturePlaceholder(
  context: PDFContext,
  pdf: PDFDocument,
  pageRef: PDFRef,
  sig: SignatureFields,
): void {
  // Written by hand and registered as an opaque object so pdf-lib copies it verbatim (and never into an object
  // stream): the byte range and contents hole are patched in place after saving.
  const text = (s: string) => PDFHexString.fromText(s.normalize('NFC')).toString();
  const fields = [
    '<<',
    '/Type /Sig',
    '/Filter /Adobe.PPKLite',
    '/SubFilter /ETSI.CAdES.detached',
    BYTE_RANGE_PLACEHOLDER,
    `/Contents <${'0'.repeat(sig.contentsLength * 2)}>`,
    `/M ${PDFString.of(pdfDate(sig.signingTime)).toString()}`,
    `/Name ${text(sig.name)}`,
    `/Reason ${text(sig.reason)}`,
    `/Location ${text(sig.location)}`,
    sig.contactInfo ? `/ContactInfo ${text(sig.contactInfo)}` : '',
    '/Prop_Build << /App << /Name /Hoso >> >>',
    '>>',
  ].filter(Boolean);
  const sigRef = context.register(PDFInvalidObject.of(Buffer.from(fields.join('\n'), 'latin1')));

  const widget = context.register(
    context.obj({
      Type: 'Annot',
      Subtype: 'Widget',
      FT: 'Sig',
      Rect: [0, 0, 0, 0],
      V: sigRef,
      T: PDFString.of('Signature1'),
      F: 4 | 128, // Print, Locked
      P: pageRef,
    }),
  );
  const page = context.lookup(pageRef) as unknown as { set: (k: PDFName, v: unknown) => void };
  page.set(PDFName.of('Annots'), context.obj([widget]));
  const acroForm = context.obj({ Fields: [widget], SigFlags: 3 });
  pdf.catalog.set(PDFName.of('AcroForm'), context.register(acroForm));
}

/** PDF date in Vietnam time, e.g. D:20261125165200+07'00' (PDF 32000-1 §7.9.4). */
export function pdfDate(d: Date): string {
  const local = new Date(d.getTime() + 7 * 3_600_000);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `D:${p(local.getUTCFullYear(), 4)}${p(local.getUTCMonth() + 1)}${p(local.getUTCDate())}` +
    `${p(local.getUTCHours())}${p(local.getUTCMinutes())}${p(local.getUTCSeconds())}+07'00'`
  );
}

function num(n: number, digits = 2): string {
  const s = n.toFixed(digits);
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}
