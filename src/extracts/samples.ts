import { selectHealthContent } from './health-scope.ts';
import {
  type ExtractInputData,
  type HealthChoice,
  type HealthRecord,
  HealthRecordSchema,
  type LltpExtract,
} from './schema.ts';

/**
 * Fictional people and records for `hoso extract sample`, the tests and the benchmark. Any resemblance to a real
 * person is accidental; the ID numbers are masked and the judgments, courts' case numbers and visits invented.
 */

const SUBJECT = {
  fullName: 'Nguyễn Thị Minh Thư',
  gender: 'female',
  dateOfBirth: '1994-02-14',
  placeOfBirth: 'Phường Kim Liên, Quận Đống Đa, Thành phố Hà Nội',
  nationality: 'Việt Nam',
  residence: 'Số 12 ngõ 45 phố Chùa Bộc, Phường Kim Liên, Thành phố Hà Nội',
  idDocument: {
    kind: 'cccd',
    number: '001******789',
    issuedOn: '2021-05-10',
    issuedBy: 'Cục Cảnh sát QLHC về TTXH',
  },
} as const;

/** The issuing body on a given date (domain §1.4: provincial police from 1 March 2025, Sở Tư pháp before). */
export function sampleLltpAuthority(issueDate: string): { name: string; parent: string } {
  return issueDate >= '2025-03-01'
    ? { parent: 'BỘ CÔNG AN', name: 'CÔNG AN THÀNH PHỐ HÀ NỘI' }
    : { parent: 'UBND THÀNH PHỐ HÀ NỘI', name: 'SỞ TƯ PHÁP' };
}

export interface SampleOptions {
  documentId?: string;
  issueDate?: string;
  requestCode?: string;
}

export function sampleLltp(form: 1 | 2, options: SampleOptions = {}): ExtractInputData {
  const issueDate = options.issueDate ?? '2026-11-25';
  const base = {
    kind: 'lltp' as const,
    form,
    documentId: options.documentId ?? `LLTP-${issueDate.replaceAll('-', '')}-SAMPLE${form}0001`,
    documentNumber: `${form === 1 ? '2418' : '2419'}/LLTP-CAHN`,
    requestCode: options.requestCode ?? `HS${issueDate.replaceAll('-', '').slice(2)}000${form}`,
    issueDate,
    issuePlace: 'Hà Nội',
    authority: sampleLltpAuthority(issueDate),
    signer: { title: ['KT. GIÁM ĐỐC', 'PHÓ GIÁM ĐỐC'], name: 'Đại tá Trần Quốc Bình' },
    subject: SUBJECT,
  };
  if (form === 1) {
    return { ...base, content: { purpose: 'Bổ sung hồ sơ xin việc', convictions: [] } };
  }
  return { ...base, content: sampleForm2Content() };
}

/** Form 2 with two convictions, the older one expunged. */
function sampleForm2Content(): LltpExtract['content'] {
  return {
    purpose: 'Làm thủ tục xin thị thực',
    relatives: { father: 'Nguyễn Văn Hùng', mother: 'Lê Thị Hoa', spouse: null },
    managementBan: { requested: true, bans: [] },
    convictions: [
      {
        judgment: {
          number: '125/2013/HS-ST',
          date: '2013-09-17',
          court: 'Tòa án nhân dân quận Đống Đa, thành phố Hà Nội',
        },
        offences: ['Trộm cắp tài sản'],
        articles: 'Khoản 1 Điều 138 Bộ luật Hình sự năm 1999',
        mainPenalty: '09 tháng tù cho hưởng án treo, thời gian thử thách 18 tháng',
        additionalPenalties: [],
        courtFee: '200.000 đồng án phí hình sự sơ thẩm',
        executionStatus: 'Đã chấp hành xong bản án ngày 17/03/2015',
        expunged: {
          on: '2016-03-17',
          basis: 'Đương nhiên được xóa án tích theo Điều 64 Bộ luật Hình sự năm 1999',
        },
      },
      {
        judgment: {
          number: '48/2024/HS-ST',
          date: '2024-04-02',
          court: 'Tòa án nhân dân quận Hai Bà Trưng, thành phố Hà Nội',
        },
        offences: ['Vi phạm quy định về tham gia giao thông đường bộ'],
        articles: 'Điểm a khoản 2 Điều 260 Bộ luật Hình sự năm 2015 (sửa đổi, bổ sung năm 2017)',
        mainPenalty: '12 tháng cải tạo không giam giữ',
        additionalPenalties: ['Cấm hành nghề lái xe 01 năm kể từ ngày chấp hành xong hình phạt chính'],
        civilObligations: 'Bồi thường cho người bị hại 45.000.000 đồng',
        courtFee: '200.000 đồng án phí hình sự sơ thẩm; 2.250.000 đồng án phí dân sự sơ thẩm',
        executionStatus: 'Đang chấp hành hình phạt bổ sung',
      },
    ],
  };
}

export const SAMPLE_HEALTH_RECORD: HealthRecord = HealthRecordSchema.parse({
  administrative: {
    ethnicity: 'Kinh',
    occupation: 'Kế toán',
    phone: '09******78',
    insuranceCard: {
      number: 'DN4010******789',
      initialFacility: 'Trạm Y tế phường Kim Liên',
      validFrom: '2026-01-01',
      validTo: '2026-12-31',
    },
    address: 'Số 12 ngõ 45 phố Chùa Bộc, Phường Kim Liên, Thành phố Hà Nội',
  },
  history: {
    allergies: [{ type: 'Thuốc', allergen: 'Penicillin', reaction: 'Nổi mề đay, ngứa' }],
    diseases: [
      { time: '2015', place: 'Bệnh viện Bạch Mai', diagnosis: 'Viêm ruột thừa cấp, đã phẫu thuật' },
      { time: '2022', diagnosis: 'Hen phế quản mức độ nhẹ' },
    ],
    vaccinations: [
      { vaccine: 'Viêm gan B', doseNumber: 3, date: '2012-06-20', place: 'Trung tâm Y tế quận Đống Đa' },
      {
        vaccine: 'COVID-19 (Pfizer-BioNTech Comirnaty)',
        doseNumber: 1,
        date: '2021-08-14',
        place: 'Trạm Y tế phường Kim Liên',
      },
      {
        vaccine: 'COVID-19 (Pfizer-BioNTech Comirnaty)',
        doseNumber: 2,
        date: '2021-09-11',
        place: 'Trạm Y tế phường Kim Liên',
      },
      {
        vaccine: 'Cúm mùa (Vaxigrip Tetra)',
        doseNumber: 1,
        date: '2025-10-03',
        place: 'Trung tâm tiêm chủng VNVC Hoàng Mai',
      },
    ],
  },
  visits: [
    {
      id: 'V2026-0301',
      facility: 'Bệnh viện Đa khoa Đống Đa',
      admittedAt: '2026-03-02T08:30',
      dischargedAt: '2026-03-06T10:00',
      type: 'inpatient',
      reason: 'Sốt cao, ho có đờm 3 ngày',
      icd10: ['J18.9', 'J45.9'],
      diagnosis: 'Viêm phổi, không đặc hiệu; hen phế quản',
      dischargeStatus: 'Ra viện',
      treatmentResult: 'Đỡ, giảm',
      indicators: { bloodGroup: 'O Rh+', heightCm: 158, weightKg: 51.5 },
      clinicalResults: ['Nhiệt độ 38,9 °C, ran nổ đáy phổi phải'],
      paraclinicalResults: ['X-quang ngực: đám mờ đáy phổi phải', 'Bạch cầu 13,2 G/L, CRP 48 mg/L'],
      medicines: [
        { name: 'Ceftriaxon', strength: '1 g', quantity: '5 lọ', dosage: 'Tiêm tĩnh mạch 1 lọ/ngày' },
        {
          name: 'Salbutamol (khí dung)',
          strength: '2,5 mg/2,5 ml',
          quantity: '10 ống',
          dosage: 'Khí dung 2 lần/ngày',
        },
      ],
      procedures: [],
      summary: {
        course:
          'Khởi phát sốt cao, ho có đờm; vào viện ngày thứ 3 của bệnh. Đáp ứng tốt với kháng sinh, hết sốt sau 48 giờ.',
        keyResults: 'X-quang ngực có đám mờ đáy phổi phải; CRP tăng.',
        treatment:
          'Kháng sinh đường tĩnh mạch (không dùng nhóm penicillin do tiền sử dị ứng), khí dung giãn phế quản.',
        followUp: 'Uống thuốc theo đơn 5 ngày; tái khám sau 2 tuần hoặc khi sốt lại.',
        doctor: 'BS.CKI Phạm Thu Hà',
      },
    },
    {
      id: 'V2025-1102',
      facility: 'Trạm Y tế phường Kim Liên',
      admittedAt: '2025-11-02T09:15',
      type: 'outpatient',
      reason: 'Khám sức khỏe định kỳ',
      icd10: ['Z00.0'],
      diagnosis: 'Khám sức khỏe tổng quát',
      treatmentResult: 'Bình thường',
      indicators: { heightCm: 158, weightKg: 52 },
    },
  ],
  sources: [
    { facility: 'Bệnh viện Đa khoa Đống Đa', syncedAt: '2026-03-07T06:00' },
    { facility: 'Trạm Y tế phường Kim Liên', syncedAt: '2025-11-03T06:00' },
  ],
});

export function sampleHealthRecord(
  choice: HealthChoice = { scope: 'all', groups: ['administrative', 'history', 'visits', 'summary'] },
  options: SampleOptions = {},
): ExtractInputData {
  const issueDate = options.issueDate ?? '2026-11-25';
  return {
    kind: 'health_record',
    documentId: options.documentId ?? `SKDT-${issueDate.replaceAll('-', '')}-SAMPLE00001`,
    requestCode: options.requestCode ?? `SK${issueDate.replaceAll('-', '').slice(2)}0001`,
    issueDate,
    issuePlace: 'Hà Nội',
    authority: { name: 'HỆ THỐNG TRỢ LÝ DỊCH VỤ CÔNG HOSO' },
    subject: SUBJECT,
    content: selectHealthContent(SAMPLE_HEALTH_RECORD, choice),
  };
}
