import { createHash } from 'node:crypto';
import type { Conviction, JudicialRecord, JudicialRecords, ManagementBan } from './schema.ts';

/**
 * Fictional judicial records, keyed by the personal ID numbers of the fictional population registry
 * (`src/ports/population`). Nothing here describes a real person. Most people have no record
 * ("không có án tích"); a hash of the ID gives a few percent a record, deterministically, and the people
 * below have hand-written ones so each case of Form 1 and Form 2 can be tried.
 */
export const JUDICIAL_FIXTURES: Readonly<Record<string, JudicialRecord>> = {
  // Đỗ Quốc Hùng (population fixture `withCriminalRecord`): a current conviction and an expunged one.
  // Form 1 shows the current one; Form 2 shows both.
  '031079007788': {
    convictions: [
      {
        judgment: {
          number: '87/2023/HS-ST',
          date: '2023-06-15',
          court: 'Tòa án nhân dân thành phố Hải Phòng',
        },
        offences: ['Vi phạm quy định về tham gia giao thông đường bộ'],
        articles: 'Điểm b khoản 2 Điều 260 Bộ luật Hình sự năm 2015',
        mainPenalty: 'Phạt tù 24 tháng nhưng cho hưởng án treo, thời gian thử thách 48 tháng',
        additionalPenalties: ['Cấm hành nghề lái xe 2 năm'],
        civilObligations: 'Bồi thường cho người bị hại 85.000.000 đồng',
        courtFee: 'Án phí hình sự sơ thẩm 200.000 đồng',
        executionStatus: 'Đang chấp hành thời gian thử thách',
      },
      {
        judgment: {
          number: '142/2004/HS-ST',
          date: '2004-09-20',
          court: 'Tòa án nhân dân quận Lê Chân, thành phố Hải Phòng',
        },
        offences: ['Trộm cắp tài sản'],
        articles: 'Khoản 1 Điều 138 Bộ luật Hình sự năm 1999',
        mainPenalty: 'Phạt tù 9 tháng',
        additionalPenalties: [],
        courtFee: 'Án phí hình sự sơ thẩm 50.000 đồng',
        executionStatus: 'Đã chấp hành xong hình phạt ngày 20/6/2005',
        expunged: { on: '2008-06-20', basis: 'Đương nhiên được xóa án tích' },
      },
    ],
    managementBans: [],
  },
  // Lý Thị Nguyệt (population fixture `noPhone`): one expunged conviction only. Form 1 says
  // "không có án tích"; Form 2 shows the conviction and that it was expunged.
  '066170003579': {
    convictions: [
      {
        judgment: {
          number: '31/1996/HS-ST',
          date: '1996-03-12',
          court: 'Tòa án nhân dân tỉnh Đắk Lắk',
        },
        offences: ['Đánh bạc'],
        articles: 'Khoản 1 Điều 200 Bộ luật Hình sự năm 1985',
        mainPenalty: 'Phạt tiền 2.000.000 đồng',
        additionalPenalties: [],
        executionStatus: 'Đã chấp hành xong ngày 30/4/1996',
        expunged: { on: '1997-04-30', basis: 'Đương nhiên được xóa án tích' },
      },
    ],
    managementBans: [],
  },
  // Lê Văn Bình (population fixture `level1Adult`): no conviction, but banned from managing enterprises
  // after a bankruptcy; Form 1 shows the ban only when asked, Form 2 always.
  '079085004321': {
    convictions: [],
    managementBans: [
      {
        decision:
          'Quyết định tuyên bố phá sản số 05/2022/QĐ-TBPS ngày 14/3/2022 của Tòa án nhân dân Thành phố Hồ Chí Minh',
        scope: 'Không được thành lập doanh nghiệp, không được làm người quản lý doanh nghiệp',
        duration: '3 năm kể từ ngày 14/3/2022',
      },
    ],
  },
};

/** Fixture people who must stay clean whatever their hash says (the demo's "không có án tích"). */
const ALWAYS_CLEAN = new Set([
  '001190012345',
  '048188006789',
  '048086003344',
  '048217001122',
  '900192005566',
  '036195009900',
  '038050001234',
  '092205002468',
]);

/** About three people in a hundred have a record. */
const RECORD_SHARE = 0.03;

const OFFENCES: readonly { name: string; articles: string; penalties: readonly string[] }[] = [
  {
    name: 'Trộm cắp tài sản',
    articles: 'Khoản 1 Điều 173 Bộ luật Hình sự năm 2015',
    penalties: ['Phạt tù 9 tháng', 'Cải tạo không giam giữ 12 tháng'],
  },
  {
    name: 'Cố ý gây thương tích hoặc gây tổn hại cho sức khỏe của người khác',
    articles: 'Điểm a khoản 1 Điều 134 Bộ luật Hình sự năm 2015',
    penalties: ['Phạt tù 12 tháng nhưng cho hưởng án treo, thời gian thử thách 24 tháng', 'Phạt tù 6 tháng'],
  },
  {
    name: 'Đánh bạc',
    articles: 'Khoản 1 Điều 321 Bộ luật Hình sự năm 2015',
    penalties: ['Phạt tiền 25.000.000 đồng', 'Cải tạo không giam giữ 9 tháng'],
  },
  {
    name: 'Lừa đảo chiếm đoạt tài sản',
    articles: 'Khoản 1 Điều 174 Bộ luật Hình sự năm 2015',
    penalties: ['Phạt tù 18 tháng', 'Phạt tù 12 tháng nhưng cho hưởng án treo, thời gian thử thách 24 tháng'],
  },
  {
    name: 'Vi phạm quy định về tham gia giao thông đường bộ',
    articles: 'Khoản 1 Điều 260 Bộ luật Hình sự năm 2015',
    penalties: ['Phạt tiền 40.000.000 đồng', 'Cải tạo không giam giữ 18 tháng'],
  },
];

const COURTS: readonly string[] = [
  'Tòa án nhân dân quận Hoàn Kiếm, thành phố Hà Nội',
  'Tòa án nhân dân quận 3, Thành phố Hồ Chí Minh',
  'Tòa án nhân dân thành phố Huế, tỉnh Thừa Thiên Huế',
  'Tòa án nhân dân quận Hải Châu, thành phố Đà Nẵng',
  'Tòa án nhân dân huyện Gia Lâm, thành phố Hà Nội',
];

/** A small deterministic generator seeded from the ID's hash (not for anything secret). */
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

function hashOf(citizenId: string): Buffer {
  return createHash('sha256').update(`hoso-judicial-fixture:${citizenId}`).digest();
}

/** Whether the hash gives this person a record (exported so tests can check the share). */
export function hasGeneratedRecord(citizenId: string): boolean {
  if (ALWAYS_CLEAN.has(citizenId)) return false;
  return hashOf(citizenId).readUInt32BE(0) / 2 ** 32 < RECORD_SHARE;
}

function generatedRecord(citizenId: string, now: Date): JudicialRecord {
  const random = seeded(hashOf(citizenId).readUInt32BE(4));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const count = random() < 0.8 ? 1 : 2;
  const convictions: Conviction[] = [];
  for (let i = 0; i < count; i++) {
    const offence = pick(OFFENCES);
    const year = 2005 + Math.floor(random() * (now.getUTCFullYear() - 2006));
    const month = 1 + Math.floor(random() * 12);
    const day = 1 + Math.floor(random() * 28);
    const date = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    const served = `${day}/${month}/${year + 1}`;
    // Older convictions are usually expunged by now (Criminal Code 2015 Art. 70: 1 to 3 years after serving).
    const expunged = year + 4 < now.getUTCFullYear() && random() < 0.7;
    convictions.push({
      judgment: {
        number: `${1 + Math.floor(random() * 300)}/${year}/HS-ST`,
        date,
        court: pick(COURTS),
      },
      offences: [offence.name],
      articles: offence.articles,
      mainPenalty: pick(offence.penalties),
      additionalPenalties: [],
      courtFee: 'Án phí hình sự sơ thẩm 200.000 đồng',
      executionStatus: expunged ? `Đã chấp hành xong ngày ${served}` : 'Đang chấp hành án',
      ...(expunged
        ? {
            expunged: {
              on: `${year + 3}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
              basis: 'Đương nhiên được xóa án tích',
            },
          }
        : {}),
    });
  }
  convictions.sort((a, b) => b.judgment.date.localeCompare(a.judgment.date));
  return { convictions, managementBans: [] as ManagementBan[] };
}

export class EmbeddedJudicialRecords implements JudicialRecords {
  constructor(private readonly now: () => Date = () => new Date('2026-01-01T00:00:00Z')) {}

  async lookup(citizenId: string): Promise<JudicialRecord> {
    const fixed = JUDICIAL_FIXTURES[citizenId];
    if (fixed) return structuredClone(fixed);
    if (!hasGeneratedRecord(citizenId)) return { convictions: [], managementBans: [] };
    return generatedRecord(citizenId, this.now());
  }
}
