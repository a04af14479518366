import type { DisplayDocument } from '../pdf/display-list.ts';
import type { Flow } from '../pdf/layout.ts';
import type { Conviction, LltpExtract } from '../schema.ts';
import { shortDate } from '../text.ts';
import {
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
  title,
} from './common.ts';
import type { TemplateContext } from './context.ts';

/**
 * Criminal record extract (Phiếu lý lịch tư pháp), Law 28/2009/QH12:
 * - Form 1 (Art. 42): identity fields; only convictions not yet expunged ("Không có án tích" otherwise);
 *   the management-ban section only when the requester asked for it.
 * - Form 2 (Art. 43): adds the father's, mother's and spouse's names, every conviction including expunged
 *   ones with the expungement noted, and always the management-ban section.
 */
export function renderLltp(input: LltpExtract, ctx: TemplateContext): DisplayDocument {
  const titleText = `PHIẾU LÝ LỊCH TƯ PHÁP SỐ ${input.form}`;
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

  for (const basis of lltpLegalBasis(input.issueDate)) plain(flow, basis, { hanging: 0 });
  flow.paragraph([{ text: 'XÁC NHẬN:', font: 'bold' }], { size: 10.5, spaceBefore: 6, spaceAfter: 2 });

  const s = input.subject;
  let n = 0;
  const numbered = (label: string, value: string, bold = false) =>
    field(flow, `${++n}. ${label}`, value, { bold });
  numbered('Họ và tên', s.fullName.toLocaleUpperCase('vi'), true);
  numbered('Giới tính', genderLabel(s.gender));
  numbered('Ngày, tháng, năm sinh', birthDateLabel(s.dateOfBirth));
  numbered('Nơi sinh', s.placeOfBirth);
  numbered('Quốc tịch', s.nationality);
  numbered('Nơi cư trú', s.residence);
  const [idLabel, idValue] = idDocumentLine(s);
  numbered(idLabel, idValue);
  if (input.form === 2 && input.content.relatives) {
    const none = '(không có)';
    numbered('Họ và tên cha', input.content.relatives.father ?? none);
    numbered('Họ và tên mẹ', input.content.relatives.mother ?? none);
    numbered('Họ và tên vợ/chồng', input.content.relatives.spouse ?? none);
  }
  if (input.content.purpose) field(flow, 'Mục đích sử dụng', input.content.purpose);

  // Form 1 never shows an expunged conviction, whatever the caller passed (Art. 42(1)).
  const convictions =
    input.form === 1 ? input.content.convictions.filter((c) => !c.expunged) : input.content.convictions;
  // The heading stays with its first item.
  flow.keepTogether((f) => {
    heading(f, 'TÌNH TRẠNG ÁN TÍCH:');
    if (convictions.length === 0) plain(f, 'Không có án tích.');
    else {
      plain(f, input.form === 1 ? 'Có án tích chưa được xóa:' : 'Có án tích:');
      conviction(f, convictions[0]!, 1, input.form);
    }
  });
  convictions.slice(1).forEach((c, i) => {
    flow.keepTogether((f) => conviction(f, c, i + 2, input.form));
  });

  const ban = input.content.managementBan;
  if (input.form === 2 || ban.requested) {
    heading(flow, 'THÔNG TIN VỀ VIỆC CẤM ĐẢM NHIỆM CHỨC VỤ, THÀNH LẬP, QUẢN LÝ DOANH NGHIỆP, HỢP TÁC XÃ:');
    if (ban.bans.length === 0) {
      plain(flow, 'Không bị cấm đảm nhiệm chức vụ, thành lập, quản lý doanh nghiệp, hợp tác xã.');
    } else {
      ban.bans.forEach((b, i) => {
        item(flow, `${i + 1}.`, [
          { text: `Bị cấm ${b.scope}; thời hạn: ${b.duration}; theo ${b.decision}.`, font: 'regular' },
        ]);
      });
    }
  }

  closing(flow, {
    issuePlace: input.issuePlace,
    issueDate: input.issueDate,
    signerTitle: input.signer?.title ?? ['THỦ TRƯỞNG CƠ QUAN'],
    ...(input.signer ? { signerName: input.signer.name } : {}),
    certificateName: ctx.certificateName,
    signingTime: ctx.signingTime,
    qr: ctx.qr,
    documentId: input.documentId,
  });
  finishPages(ctx.setter, flow.pages, frame);

  return {
    pages: flow.pages,
    info: {
      // No personal data in the metadata: viewers and indexers show it outside the page.
      title: titleText,
      author: input.authority.name,
      subject: `Phiếu lý lịch tư pháp số ${input.form}, mã hồ sơ ${input.requestCode}`,
      keywords: ['lý lịch tư pháp', `phiếu số ${input.form}`, input.documentId],
      custom: ctx.info,
    },
  };
}

function conviction(flow: Flow, c: Conviction, index: number, form: 1 | 2): void {
  const indent = 14;
  item(flow, `${index}.`, [
    {
      text: `Bản án số ${c.judgment.number} ngày ${shortDate(c.judgment.date)} của ${c.judgment.court}`,
      font: 'bold',
    },
  ]);
  const sub = (label: string, value: string) => field(flow, label, value, { indent });
  sub('Tội danh', c.offences.join('; '));
  sub('Điều, khoản của Bộ luật Hình sự được áp dụng', c.articles);
  sub('Hình phạt chính', c.mainPenalty);
  sub('Hình phạt bổ sung', c.additionalPenalties.length ? c.additionalPenalties.join('; ') : 'Không');
  if (c.civilObligations) sub('Nghĩa vụ dân sự trong bản án hình sự', c.civilObligations);
  if (c.courtFee) sub('Án phí', c.courtFee);
  sub('Tình trạng thi hành án', c.executionStatus);
  if (form === 2 && c.expunged) {
    const basis = c.expunged.basis ? ` (${c.expunged.basis})` : '';
    sub('Xóa án tích', `Đã được xóa án tích ngày ${shortDate(c.expunged.on)}${basis}`);
  }
  flow.space(3);
}

/** The legal basis printed under the title, by issue date (domain §1.1, §1.12). */
export function lltpLegalBasis(issueDate: string): string[] {
  const law =
    issueDate >= '2026-07-01'
      ? 'Căn cứ Luật Lý lịch tư pháp số 28/2009/QH12, được sửa đổi, bổ sung bởi Luật số 107/2025/QH15;'
      : 'Căn cứ Luật Lý lịch tư pháp số 28/2009/QH12 ngày 17 tháng 6 năm 2009;';
  return [law, 'Căn cứ kết quả tra cứu Cơ sở dữ liệu lý lịch tư pháp,'];
}
