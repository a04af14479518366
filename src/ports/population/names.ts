/**
 * Name parts for fictional people. Each part is common; the combinations are drawn at random and describe
 * nobody. Both tone-mark placements appear on purpose (Hoà/Hòa, Thuý/Thúy) so name matching is exercised.
 */
// biome-ignore format: a compact word list reads better than one word per line
export const SURNAMES = [
  'Nguyễn', 'Nguyễn', 'Nguyễn', 'Trần', 'Trần', 'Lê', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ',
  'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý', 'Đinh', 'Trịnh', 'Mai', 'Tạ', 'Cao', 'Lương',
] as const;

export const MIDDLE_NAMES = {
  male: ['Văn', 'Văn', 'Hữu', 'Đức', 'Minh', 'Quốc', 'Thành', 'Công', 'Gia', 'Xuân', 'Anh', 'Tuấn'],
  female: ['Thị', 'Thị', 'Thị', 'Ngọc', 'Thu', 'Thanh', 'Minh', 'Bảo', 'Kim', 'Phương', 'Hồng', 'Diệu'],
} as const;

// biome-ignore format: a compact word list reads better than one word per line
export const GIVEN_NAMES = {
  male: [
    'An', 'Bình', 'Cường', 'Dũng', 'Đạt', 'Hải', 'Hiếu', 'Hoàng', 'Hùng', 'Huy', 'Khang', 'Khoa', 'Khôi',
    'Long', 'Nam', 'Nghĩa', 'Phúc', 'Quân', 'Sơn', 'Tài', 'Thắng', 'Thịnh', 'Toàn', 'Trung', 'Tuấn', 'Việt',
    'Vinh', 'Hoà', 'Thuỵ',
  ],
  female: [
    'Anh', 'Châu', 'Chi', 'Dung', 'Giang', 'Hà', 'Hạnh', 'Hằng', 'Hoa', 'Hòa', 'Hoà', 'Hương', 'Lan', 'Linh',
    'Loan', 'Mai', 'My', 'Nga', 'Ngân', 'Nhung', 'Oanh', 'Phương', 'Quỳnh', 'Tâm', 'Thảo', 'Thuý', 'Thúy',
    'Thư', 'Trang', 'Uyên', 'Vân', 'Yến',
  ],
} as const;

export interface ForeignNameSet {
  nationality: string;
  /** Family name first (East Asian order) or last. */
  familyFirst: boolean;
  family: readonly string[];
  given: { male: readonly string[]; female: readonly string[] };
  /** Fictional passport number shape: a prefix and a digit count. */
  passport: { prefix: string; digits: number };
}

export const FOREIGN_NAMES: readonly ForeignNameSet[] = [
  {
    nationality: 'KR',
    familyFirst: true,
    family: ['Kim', 'Lee', 'Park', 'Choi', 'Jung'],
    given: { male: ['Min-jun', 'Ji-ho', 'Do-yun'], female: ['Seo-yeon', 'Ha-eun', 'Ji-woo'] },
    passport: { prefix: 'M', digits: 8 },
  },
  {
    nationality: 'JP',
    familyFirst: true,
    family: ['Sato', 'Suzuki', 'Takahashi', 'Tanaka'],
    given: { male: ['Haruto', 'Sota', 'Ren'], female: ['Yui', 'Aoi', 'Hina'] },
    passport: { prefix: 'TK', digits: 7 },
  },
  {
    nationality: 'CN',
    familyFirst: true,
    family: ['Wang', 'Li', 'Zhang', 'Liu'],
    given: { male: ['Wei', 'Lei', 'Jun'], female: ['Fang', 'Jing', 'Xiu'] },
    passport: { prefix: 'E', digits: 8 },
  },
  {
    nationality: 'US',
    familyFirst: false,
    family: ['Smith', 'Johnson', 'Brown', 'Miller'],
    given: { male: ['James', 'Oliver', 'Ethan'], female: ['Emily', 'Sophie', 'Grace'] },
    passport: { prefix: '5', digits: 8 },
  },
  {
    nationality: 'FR',
    familyFirst: false,
    family: ['Martin', 'Bernard', 'Dubois'],
    given: { male: ['Lucas', 'Hugo', 'Louis'], female: ['Chloé', 'Léa', 'Manon'] },
    passport: { prefix: '19FR', digits: 5 },
  },
  {
    nationality: 'DE',
    familyFirst: false,
    family: ['Müller', 'Schmidt', 'Weber'],
    given: { male: ['Lukas', 'Felix', 'Jonas'], female: ['Anna', 'Lena', 'Marie'] },
    passport: { prefix: 'C', digits: 8 },
  },
];

/** Mobile prefixes in use (03x, 05x, 07x, 08x, 09x), three digits each. */
// biome-ignore format: a compact list
export const PHONE_PREFIXES = [
  '032', '033', '034', '035', '036', '037', '038', '039', '056', '058', '070', '076', '077', '078', '079',
  '081', '082', '083', '084', '085', '086', '088', '089', '090', '091', '093', '094', '096', '097', '098',
] as const;
