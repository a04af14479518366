import type { DisplayDocument } from '../pdf/display-list.ts';
import type { Flow } from '../pdf/layout.ts';
import type { HealthContent, HealthExtract } from '../schema.ts';
import { shortDate } from '../text.ts';
import {
  BODY,
  birthDateLabel,
  closing,
  createFlow,
  type DocumentFrame,
  field,
  finishPages,
  genderLabel,
  heading,
  idDocumentLine,
  item,
  plain,
  SMALL,
  title,
} from './common.ts';
import type { TemplateContext } from './context.ts';

/**
 * Extract of the electronic health book (Sổ sức khỏe điện tử). Sections follow the four data groups of
 * Decision 1332/QĐ-BYT (administrative, history, visits, record summary), printed only when chosen; blood
 * group, height and weight are flagged as the main tracked indicators; the data source, sync time and lag are
 * stated, with a note that the legally valid copy is the one on VNeID (domain §8.6 H2–H4).
 */
export function renderHealthRecord(input: HealthExtract, ctx: TemplateContext): DisplayDocument {
  const titleText = 'TRÍCH XUẤT SỔ SỨC KHỎE ĐIỆN TỬ';
  const frame: DocumentFrame = {
    title: titleText,
    authority: input.authority,
    documentNumber: input.documentNumber ?? input.documentId,
    documentId: input.documentId,
    requestCode: input.requestCode,
    development: ctx.development,
  };
  const flow = createFlow(ctx.setter, frame);
  title(flow, titleText, `Mã hồ sơ: ${input.requestCode}`);
  plain(flow, 'Các nhóm thông tin theo Quyết định số 1332/QĐ-BYT ngày 21 tháng 5 năm 2024 của Bộ Y tế.');
  field(flow, 'Phạm vi trích xuất', SCOPE_LABEL[input.content.scope]);

  const s = input.subject;
  heading(flow, 'THÔNG TIN NGƯỜI ĐƯỢC TRÍCH XUẤT');
  field(flow, 'Họ và tên', s.fullName.toLocaleUpperCase('vi'), { bold: true });
  field(flow, 'Ngày sinh', birthDateLabel(s.dateOfBirth));
  field(flow, 'Giới tính', genderLabel(s.gender));
  field(flow, 'Quốc tịch', s.nationality);
  const [idLabel, idValue] = idDocumentLine(s);
  field(flow, idLabel, idValue);

  const c = input.content;
  const roman = ['I', 'II', 'III', 'IV', 'V', 'VI'];
  const sections: Array<(f: Flow) => void> = [];
  const section = (title: string, draw: (f: Flow) => void) => {
    const head = `${roman[sections.length]}. ${title}`;
    sections.push((f) => {
      heading(f, head);
      draw(f);
    });
  };

  if (c.administrative) {
    const a = c.administrative;
    section('THÔNG TIN HÀNH CHÍNH', (f) => administrative(f, a, s));
  }
  if (c.history) {
    const h = c.history;
    section('TIỀN SỬ', (f) => history(f, h));
  }
  if (c.keyIndicators) {
    const k = c.keyIndicators;
    section('CHỈ SỐ THEO DÕI CHÍNH', (f) => {
      field(f, 'Nhóm máu', k.bloodGroup ?? 'Chưa có dữ liệu');
      field(f, 'Chiều cao', k.heightCm !== undefined ? `${formatNumber(k.heightCm)} cm` : 'Chưa có dữ liệu');
      field(f, 'Cân nặng', k.weightKg !== undefined ? `${formatNumber(k.weightKg)} kg` : 'Chưa có dữ liệu');
      if (k.measuredOn) field(f, 'Ghi nhận lần gần nhất', localDateTime(k.measuredOn));
    });
  }
  if (c.visits) {
    const visits = c.visits;
    const head = `${roman[sections.length]}. THÔNG TIN KHÁM BỆNH, CHỮA BỆNH`;
    sections.push((flow) => {
      // The section heading stays with the first visit.
      flow.keepTogether((f) => {
        heading(f, head);
        if (visits.length === 0) plain(f, 'Không có dữ liệu trong phạm vi đã chọn.');
        else visit(f, visits[0]!, 1);
      });
      visits.slice(1).forEach((v, i) => {
        flow.keepTogether((f) => visit(f, v, i + 2));
      });
    });
  }
  if (c.summaries) {
    const summaries = c.summaries;
    section('TÓM TẮT HỒ SƠ BỆNH ÁN', (flow) => {
      if (summaries.length === 0) plain(flow, 'Không có dữ liệu trong phạm vi đã chọn.');
      for (const sum of summaries) flow.keepTogether((f) => summary(f, sum));
    });
  }
  if (sections.length === 0) {
    sections.push((f) => plain(f, 'Không có dữ liệu trong phạm vi đã chọn.', { spaceBefore: 6 }));
  }

  for (const draw of sections.slice(0, -1)) draw(flow);
  // The signature is kept with the last content (a page holding only the signature and QR code reads as
  // detached from the document): when the notes and signature do not fit under the last section, it moves too.
  const last = sections.at(-1)!;
  const before = flow.checkpoint();
  last(flow);
  const tail = (f: Flow) => {
    notes(f, c);
    signature(f);
  };
  if (!flow.fits(tail)) {
    flow.rewind(before);
    if (!flow.atPageTop()) flow.newPage();
    last(flow);
  }
  flow.keepTogether(tail);
  finishPages(ctx.setter, flow.pages, frame);
  return document();

  function signature(f: Flow): void {
    closing(f, {
      issuePlace: input.issuePlace,
      issueDate: input.issueDate,
      signerTitle: input.signer?.title ?? ['CƠ QUAN TRÍCH XUẤT'],
      ...(input.signer ? { signerName: input.signer.name } : {}),
      certificateName: ctx.certificateName,
      signingTime: ctx.signingTime,
      qr: ctx.qr,
      documentId: input.documentId,
    });
  }

  function document(): DisplayDocument {
    return {
      pages: flow.pages,
      info: {
        // No personal data in the metadata: viewers and indexers show it outside the page.
        title: titleText,
        author: input.authority.name,
        subject: `Trích xuất Sổ sức khỏe điện tử, mã hồ sơ ${input.requestCode}`,
        keywords: ['sổ sức khỏe điện tử', SCOPE_LABEL[c.scope], input.documentId],
        custom: ctx.info,
      },
    };
  }
}

function summary(flow: Flow, sum: NonNullable<HealthContent['summaries']>[number]): void {
  item(flow, '•', [{ text: `${sum.facility} – ${localDateTime(sum.date)}`, font: 'bold' }]);
  const sub = (label: string, value: string) => field(flow, label, value, { indent: 14 });
  sub('Quá trình bệnh lý và diễn biến lâm sàng', sum.course);
  if (sum.keyResults) sub('Kết quả cận lâm sàng có giá trị chẩn đoán', sum.keyResults);
  sub('Phương pháp điều trị', sum.treatment);
  if (sum.followUp) sub('Hướng điều trị tiếp theo, lời dặn, hẹn tái khám', sum.followUp);
  sub('Bác sĩ điều trị', sum.doctor);
  flow.space(3);
}

/** Only a stay ends with a discharge: an outpatient or remote visit has no "tình trạng ra viện" to print. */
const DISCHARGED: ReadonlySet<string> = new Set(['inpatient', 'day_care']);

const SCOPE_LABEL: Record<HealthContent['scope'], string> = {
  summary: 'Tóm tắt',
  vaccinations: 'Lịch sử tiêm chủng',
  visit: 'Một lần khám bệnh, chữa bệnh',
  all: 'Toàn bộ',
};

const VISIT_TYPE: Record<NonNullable<HealthContent['visits']>[number]['type'], string> = {
  outpatient: 'Ngoại trú',
  inpatient: 'Nội trú',
  day_care: 'Điều trị ban ngày',
  telemedicine: 'Khám bệnh, chữa bệnh từ xa',
};

function administrative(
  flow: Flow,
  a: NonNullable<HealthContent['administrative']>,
  subject: HealthExtract['subject'],
): void {
  if (a.ethnicity) field(flow, 'Dân tộc', a.ethnicity);
  if (a.occupation) field(flow, 'Nghề nghiệp', a.occupation);
  if (a.phone) field(flow, 'Số điện thoại', a.phone);
  field(flow, 'Địa chỉ', a.address ?? subject.residence);
  if (a.insuranceCard) {
    const card = a.insuranceCard;
    field(flow, 'Số thẻ bảo hiểm y tế', card.number);
    if (card.initialFacility) field(flow, 'Nơi đăng ký khám bệnh, chữa bệnh ban đầu', card.initialFacility);
    if (card.validFrom || card.validTo) {
      const from = card.validFrom ? `từ ${shortDate(card.validFrom)}` : '';
      const to = card.validTo ? `đến ${shortDate(card.validTo)}` : '';
      field(flow, 'Giá trị sử dụng của thẻ', [from, to].filter(Boolean).join(' '));
    }
  }
  if (a.representative) {
    const r = a.representative;
    const extra = [r.idNumber ? `số định danh ${r.idNumber}` : '', r.phone ? `điện thoại ${r.phone}` : '']
      .filter(Boolean)
      .join(', ');
    field(
      flow,
      'Người đại diện, giám hộ hoặc chăm sóc chính',
      `${r.name} (${r.relationship})${extra ? `; ${extra}` : ''}`,
    );
  }
}

function history(flow: Flow, h: NonNullable<HealthContent['history']>): void {
  const none = () => plain(flow, 'Không ghi nhận.', { x: flow.frame.left + 14 });
  if (h.allergies) {
    flow.paragraph([{ text: 'Dị ứng', font: 'bold' }], { size: BODY, spaceBefore: 2 });
    if (h.allergies.length === 0) none();
    for (const a of h.allergies) {
      const reaction = a.reaction ? `; biểu hiện: ${a.reaction}` : '';
      item(flow, '•', [{ text: `${a.type}: ${a.allergen}${reaction}`, font: 'regular' }], 14);
    }
  }
  if (h.diseases) {
    flow.paragraph([{ text: 'Bệnh tật', font: 'bold' }], { size: BODY, spaceBefore: 2 });
    if (h.diseases.length === 0) none();
    for (const d of h.diseases) {
      const place = d.place ? ` (${d.place})` : '';
      item(flow, '•', [{ text: `${d.time}: ${d.diagnosis}${place}`, font: 'regular' }], 14);
    }
  }
  if (h.vaccinations) {
    flow.paragraph([{ text: 'Tiêm chủng', font: 'bold' }], { size: BODY, spaceBefore: 2 });
    if (h.vaccinations.length === 0) none();
    const sorted = [...h.vaccinations].sort((a, b) => a.date.localeCompare(b.date));
    for (const v of sorted) {
      item(
        flow,
        '•',
        [{ text: `${shortDate(v.date)}: ${v.vaccine}, mũi ${v.doseNumber} – ${v.place}`, font: 'regular' }],
        14,
      );
    }
  }
}

function visit(flow: Flow, v: NonNullable<HealthContent['visits']>[number], index: number): void {
  const period = v.dischargedAt
    ? `${localDateTime(v.admittedAt)} – ${localDateTime(v.dischargedAt)}`
    : localDateTime(v.admittedAt);
  item(flow, `${index}.`, [{ text: `${v.facility} (${period})`, font: 'bold' }]);
  const sub = (label: string, value: string) => field(flow, label, value, { indent: 14 });
  sub('Hình thức', VISIT_TYPE[v.type]);
  sub('Lý do đến khám', v.reason);
  sub('Chẩn đoán', `${v.diagnosis} (ICD-10: ${v.icd10.join('; ')})`);
  if (v.dischargeStatus && DISCHARGED.has(v.type)) sub('Tình trạng ra viện', v.dischargeStatus);
  if (v.treatmentResult) sub('Kết quả điều trị', v.treatmentResult);
  const ind = v.indicators;
  const indicators = [
    ind.bloodGroup ? `nhóm máu ${ind.bloodGroup}` : '',
    ind.heightCm !== undefined ? `chiều cao ${formatNumber(ind.heightCm)} cm` : '',
    ind.weightKg !== undefined ? `cân nặng ${formatNumber(ind.weightKg)} kg` : '',
  ].filter(Boolean);
  if (indicators.length) sub('Chỉ số theo dõi chính', indicators.join(', '));
  const list = (label: string, items: string[]) => {
    if (items.length === 0) return;
    flow.paragraph([{ text: `${label}:`, font: 'regular' }], { size: BODY, x: flow.frame.left + 14 });
    for (const it of items) item(flow, '–', [{ text: it, font: 'regular' }], 28);
  };
  list('Kết quả lâm sàng', v.clinicalResults);
  list('Kết quả cận lâm sàng', v.paraclinicalResults);
  list(
    'Thuốc đã dùng',
    v.medicines.map((m) => [m.name, m.strength, m.quantity, m.dosage].filter(Boolean).join(' – ')),
  );
  list('Phẫu thuật, thủ thuật', v.procedures);
  flow.space(3);
}

function notes(flow: Flow, c: HealthContent): void {
  const style = { size: SMALL + 0.5, leading: 1.35 };
  flow.space(8);
  const sources = c.sources.length
    ? c.sources.map((s) => `${s.facility} (đồng bộ ${localDateTime(s.syncedAt)})`).join('; ')
    : 'cơ sở khám bệnh, chữa bệnh';
  flow.paragraph(
    [
      { text: 'Nguồn dữ liệu: ', font: 'bold' },
      {
        text:
          `${sources}. Dữ liệu do cơ sở khám bệnh, chữa bệnh ký số, gửi qua Bảo hiểm xã hội Việt Nam và ` +
          'được cập nhật chậm nhất 24 giờ sau khi cơ sở gửi.',
        font: 'italic',
      },
    ],
    style,
  );
  flow.paragraph(
    [{ text: 'Bản có giá trị pháp lý là Sổ sức khỏe điện tử trên ứng dụng VNeID.', font: 'italic' }],
    style,
  );
  flow.paragraph(
    [
      {
        text: 'Thông tin sức khỏe là dữ liệu cá nhân nhạy cảm; chỉ chia sẻ cho người có thẩm quyền khi cần.',
        font: 'italic',
      },
    ],
    style,
  );
}

/** "08:30 02/03/2026" or "02/03/2026". */
function localDateTime(s: string): string {
  const date = shortDate(s.slice(0, 10));
  return s.length > 10 ? `${s.slice(11, 16)} ${date}` : date;
}

function formatNumber(n: number): string {
  return String(n).replace('.', ',');
}
