import { createHash } from 'node:crypto';
import {
  type HealthBook,
  HealthBookSchema,
  type HealthRecords,
  type HealthScope,
  type Visit,
  type VisitChoice,
  visitChoices,
} from './schema.ts';
import { prepareForSharing, type SensitiveCategory, withoutExtraSensitive } from './sharing.ts';

/**
 * Fictional e-health books for the people of the fictional population registry, generated from the personal
 * ID number so the same person always has the same book. Facilities are generic names; nothing describes a
 * real person. One hand-written book (below) carries an HIV episode so the sharing filter can be seen at work.
 */
export const HEALTH_FIXTURE_WITH_SENSITIVE_VISIT = '079190000042';

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Birth year from the ID layout PPP G YY RRRRRR: G is the century (0/1 the 1900s, 2/3 the 2000s…). */
export function birthYearOf(citizenId: string): number {
  const g = Number(citizenId[3]);
  return 1900 + Math.floor(g / 2) * 100 + Number(citizenId.slice(4, 6));
}

const pad = (n: number) => String(n).padStart(2, '0');

const FACILITIES = [
  'Trạm Y tế phường Trung Hòa',
  'Bệnh viện Đa khoa khu vực Bắc Thăng Long',
  'Trung tâm Y tế quận Cầu Giấy',
  'Bệnh viện Đa khoa tỉnh Thừa Thiên Huế',
  'Phòng khám Đa khoa An Phúc',
  'Bệnh viện Nhi Trung ương Hòa Bình',
];

const EPISODES: readonly {
  icd10: string[];
  diagnosis: string;
  reason: string;
  type: Visit['type'];
  medicines: Visit['medicines'];
  procedures?: string[];
}[] = [
  {
    icd10: ['J06.9'],
    diagnosis: 'Nhiễm trùng đường hô hấp trên cấp',
    reason: 'Sốt, ho, đau họng 3 ngày',
    type: 'outpatient',
    medicines: [
      {
        name: 'Paracetamol',
        strength: '500 mg',
        quantity: '10 viên',
        dosage: 'Uống 1 viên khi sốt trên 38,5 °C',
      },
    ],
  },
  {
    icd10: ['K29.7'],
    diagnosis: 'Viêm dạ dày',
    reason: 'Đau thượng vị sau ăn',
    type: 'outpatient',
    medicines: [
      { name: 'Omeprazol', strength: '20 mg', quantity: '28 viên', dosage: 'Uống 1 viên trước ăn sáng' },
    ],
  },
  {
    icd10: ['I10'],
    diagnosis: 'Tăng huyết áp vô căn',
    reason: 'Khám sức khỏe định kỳ, huyết áp 150/95 mmHg',
    type: 'outpatient',
    medicines: [{ name: 'Amlodipin', strength: '5 mg', quantity: '30 viên', dosage: 'Uống 1 viên mỗi sáng' }],
  },
  {
    icd10: ['S93.4'],
    diagnosis: 'Bong gân cổ chân phải',
    reason: 'Ngã khi chơi thể thao',
    type: 'outpatient',
    medicines: [
      { name: 'Ibuprofen', strength: '400 mg', quantity: '10 viên', dosage: 'Uống sau ăn khi đau' },
    ],
    procedures: ['Băng ép cố định cổ chân'],
  },
  {
    icd10: ['J18.9', 'E11.9'],
    diagnosis: 'Viêm phổi; Đái tháo đường típ 2',
    reason: 'Sốt cao, khó thở',
    type: 'inpatient',
    medicines: [
      {
        name: 'Amoxicilin + acid clavulanic',
        strength: '875 mg/125 mg',
        quantity: '14 viên',
        dosage: 'Uống 2 lần/ngày',
      },
      { name: 'Metformin', strength: '500 mg', quantity: '60 viên', dosage: 'Uống 2 lần/ngày sau ăn' },
    ],
  },
  {
    icd10: ['A09'],
    diagnosis: 'Tiêu chảy và viêm dạ dày ruột do nhiễm trùng',
    reason: 'Tiêu chảy, nôn',
    type: 'day_care',
    medicines: [
      { name: 'Oresol', quantity: '10 gói', dosage: 'Pha 1 gói với 200 ml nước, uống sau mỗi lần đi ngoài' },
    ],
  },
];

const CHILD_VACCINES: readonly [string, number, number][] = [
  // vaccine, dose, age in days (Expanded Programme on Immunization schedule)
  ['Viêm gan B sơ sinh', 1, 0],
  ['BCG (lao)', 1, 7],
  ['DPT-VGB-Hib (5 trong 1)', 1, 60],
  ['DPT-VGB-Hib (5 trong 1)', 2, 90],
  ['DPT-VGB-Hib (5 trong 1)', 3, 120],
  ['Sởi', 1, 270],
];

const BLOOD_GROUPS = ['O+', 'A+', 'B+', 'AB+', 'O-', 'A-'];

function generatedBook(citizenId: string): HealthBook {
  const hash = createHash('sha256').update(`hoso-health-fixture:${citizenId}`).digest();
  const random = seeded(hash.readUInt32BE(0));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const year = birthYearOf(citizenId);
  const born = Date.UTC(year, Math.floor(random() * 12), 1 + Math.floor(random() * 28));
  const dateAt = (t: number) => new Date(t).toISOString().slice(0, 10);
  const lastSync = '2026-01-15';
  const home = pick(FACILITIES);

  const vaccinations =
    year >= 2000
      ? CHILD_VACCINES.map(([vaccine, doseNumber, days]) => ({
          vaccine,
          doseNumber,
          date: dateAt(born + days * 86_400_000),
          place: 'Trạm Y tế phường Trung Hòa',
        }))
      : [];
  if (year <= 2009) {
    vaccinations.push(
      { vaccine: 'COVID-19 (Comirnaty)', doseNumber: 1, date: '2021-09-10', place: home },
      { vaccine: 'COVID-19 (Comirnaty)', doseNumber: 2, date: '2021-10-08', place: home },
    );
  }

  const age = 2026 - year;
  const visits: Visit[] = [];
  const count = 1 + Math.floor(random() * 3);
  for (let i = 0; i < count; i++) {
    const episode = pick(EPISODES);
    const y = 2022 + i + Math.floor(random() * 2);
    const admitted = `${y}-${pad(1 + Math.floor(random() * 12))}-${pad(1 + Math.floor(random() * 28))}`;
    const facility = pick(FACILITIES);
    const heightCm = age < 18 ? 50 + Math.min(age, 17) * 7 : 150 + Math.floor(random() * 30);
    const weightKg = age < 18 ? 3 + Math.min(age, 17) * 3 : 45 + Math.floor(random() * 30);
    visits.push({
      id: `KCB-${citizenId.slice(-4)}-${i + 1}`,
      facility,
      admittedAt: `${admitted}T0${7 + Math.floor(random() * 3)}:${pad(Math.floor(random() * 60))}`,
      ...(episode.type === 'inpatient' ? { dischargedAt: admitted } : {}),
      type: episode.type,
      reason: episode.reason,
      icd10: episode.icd10,
      diagnosis: episode.diagnosis,
      dischargeStatus: 'Ra viện',
      treatmentResult: 'Đỡ, giảm',
      indicators: {
        bloodGroup: BLOOD_GROUPS[hash[5]! % BLOOD_GROUPS.length]!,
        heightCm,
        weightKg,
      },
      clinicalResults: [],
      paraclinicalResults: episode.type === 'inpatient' ? ['X-quang ngực: đám mờ thùy dưới phổi phải'] : [],
      medicines: episode.medicines,
      procedures: episode.procedures ?? [],
      ...(i === count - 1
        ? {
            summary: {
              course: `${episode.reason}. Khám và chẩn đoán: ${episode.diagnosis}.`,
              treatment: 'Điều trị nội khoa theo đơn.',
              followUp: 'Tái khám sau 7 ngày hoặc khi có dấu hiệu bất thường.',
              doctor: 'BS. Nguyễn Văn Minh',
            },
          }
        : {}),
    });
  }

  const facilities = [...new Set([...visits.map((v) => v.facility), ...vaccinations.map((v) => v.place)])];
  return HealthBookSchema.parse({
    administrative: {
      ethnicity: 'Kinh',
      ...(age >= 18
        ? { occupation: pick(['Nhân viên văn phòng', 'Giáo viên', 'Kỹ sư', 'Buôn bán', 'Nông dân']) }
        : {}),
      insuranceCard: {
        number: `${age < 6 ? 'TE' : age >= 60 ? 'HT' : 'GD'}4${citizenId.slice(0, 2)}${citizenId.slice(2)}`,
        initialFacility: home,
        validFrom: '2026-01-01',
        validTo: '2026-12-31',
      },
    },
    history: {
      allergies:
        random() < 0.3 ? [{ type: 'Thuốc', allergen: 'Penicilin', reaction: 'Nổi mề đay, ngứa' }] : [],
      diseases: visits
        .filter((v) => v.icd10.includes('I10') || v.icd10.includes('E11.9'))
        .map((v) => ({
          time: v.admittedAt.slice(0, 4),
          place: v.facility,
          diagnosis: v.diagnosis,
          icd10: v.icd10[0],
        })),
      vaccinations,
    },
    visits,
    sources: facilities.map((facility) => ({ facility, syncedAt: `${lastSync}T08:00` })),
  });
}

const HAND_WRITTEN: Readonly<Record<string, HealthBook>> = {
  [HEALTH_FIXTURE_WITH_SENSITIVE_VISIT]: HealthBookSchema.parse({
    administrative: { ethnicity: 'Kinh', occupation: 'Kỹ sư' },
    history: {
      allergies: [],
      diseases: [
        {
          time: '2021',
          place: 'Phòng khám ngoại trú điều trị HIV/AIDS',
          diagnosis: 'Nhiễm HIV',
          icd10: 'B24',
        },
        { time: '2019', place: 'Trung tâm Y tế quận 3', diagnosis: 'Viêm mũi dị ứng', icd10: 'J30.4' },
      ],
      vaccinations: [
        { vaccine: 'Viêm gan B', doseNumber: 1, date: '2015-03-02', place: 'Trung tâm Y tế quận 3' },
      ],
    },
    visits: [
      {
        id: 'KCB-0042-1',
        facility: 'Phòng khám ngoại trú điều trị HIV/AIDS',
        admittedAt: '2025-11-03T08:30',
        type: 'outpatient',
        reason: 'Tái khám định kỳ',
        icd10: ['B24'],
        diagnosis: 'Bệnh do HIV, điều trị ARV ổn định',
        indicators: { bloodGroup: 'B+', heightCm: 168, weightKg: 62 },
        medicines: [
          { name: 'Tenofovir + Lamivudin + Dolutegravir', strength: '300/300/50 mg', quantity: '90 viên' },
        ],
      },
      {
        id: 'KCB-0042-2',
        facility: 'Trung tâm Y tế quận 3',
        admittedAt: '2025-12-10T09:15',
        type: 'outpatient',
        reason: 'Ho, sổ mũi',
        icd10: ['J06.9'],
        diagnosis: 'Nhiễm trùng đường hô hấp trên cấp',
        indicators: { heightCm: 168, weightKg: 61 },
        medicines: [
          { name: 'Paracetamol', strength: '500 mg', quantity: '10 viên' },
          // Prescribed again here: alone it would reveal the HIV treatment.
          { name: 'Tenofovir + Lamivudin + Dolutegravir', strength: '300/300/50 mg', quantity: '30 viên' },
        ],
        summary: {
          course: 'Ho, sổ mũi 2 ngày, không sốt.',
          treatment: 'Điều trị triệu chứng.',
          doctor: 'BS. Lê Thị Thu',
        },
      },
    ],
    sources: [
      { facility: 'Phòng khám ngoại trú điều trị HIV/AIDS', syncedAt: '2025-11-04T08:00' },
      { facility: 'Trung tâm Y tế quận 3', syncedAt: '2025-12-11T08:00' },
    ],
  }),
};

/** The whole book, unfiltered: what the health-records system holds (tests and the fake HTTP API use it). */
export function fictionalHealthBook(citizenId: string): HealthBook | undefined {
  if (!/^\d{12}$/.test(citizenId)) return undefined;
  return structuredClone(HAND_WRITTEN[citizenId] ?? generatedBook(citizenId));
}

export class EmbeddedHealthRecords implements HealthRecords {
  constructor(private readonly excluded?: readonly SensitiveCategory[]) {}

  async getBook(citizenId: string, scope: HealthScope): Promise<HealthBook | undefined> {
    const book = fictionalHealthBook(citizenId);
    return book && prepareForSharing(book, scope, this.excluded);
  }

  async listVisits(citizenId: string): Promise<VisitChoice[]> {
    const book = fictionalHealthBook(citizenId);
    return book ? visitChoices(withoutExtraSensitive(book, this.excluded)) : [];
  }
}
