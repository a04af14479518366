/**
 * Province codes of the personal ID number (the first three digits: where the birth was registered) and the
 * 2025 merger of the 63 provinces into 34 units.
 *
 * The 63-code table is Circular 07/2016/TT-BCA, Appendix (Lawnet attributes it to Circular 58/2020/TT-BCA,
 * Appendix 02); see shared/domain/vietnam.md §3.2. Codes stay valid after the merger, so decoding always uses
 * this table; the current unit is looked up in the separate, dated merger table below (§3.3).
 */

export interface BirthProvince {
  code: string;
  name: string;
}

export const BIRTH_PROVINCES: readonly BirthProvince[] = [
  { code: '001', name: 'Hà Nội' },
  { code: '002', name: 'Hà Giang' },
  { code: '004', name: 'Cao Bằng' },
  { code: '006', name: 'Bắc Kạn' },
  { code: '008', name: 'Tuyên Quang' },
  { code: '010', name: 'Lào Cai' },
  { code: '011', name: 'Điện Biên' },
  { code: '012', name: 'Lai Châu' },
  { code: '014', name: 'Sơn La' },
  { code: '015', name: 'Yên Bái' },
  { code: '017', name: 'Hòa Bình' },
  { code: '019', name: 'Thái Nguyên' },
  { code: '020', name: 'Lạng Sơn' },
  { code: '022', name: 'Quảng Ninh' },
  { code: '024', name: 'Bắc Giang' },
  { code: '025', name: 'Phú Thọ' },
  { code: '026', name: 'Vĩnh Phúc' },
  { code: '027', name: 'Bắc Ninh' },
  { code: '030', name: 'Hải Dương' },
  { code: '031', name: 'Hải Phòng' },
  { code: '033', name: 'Hưng Yên' },
  { code: '034', name: 'Thái Bình' },
  { code: '035', name: 'Hà Nam' },
  { code: '036', name: 'Nam Định' },
  { code: '037', name: 'Ninh Bình' },
  { code: '038', name: 'Thanh Hóa' },
  { code: '040', name: 'Nghệ An' },
  { code: '042', name: 'Hà Tĩnh' },
  { code: '044', name: 'Quảng Bình' },
  { code: '045', name: 'Quảng Trị' },
  { code: '046', name: 'Thừa Thiên Huế' },
  { code: '048', name: 'Đà Nẵng' },
  { code: '049', name: 'Quảng Nam' },
  { code: '051', name: 'Quảng Ngãi' },
  { code: '052', name: 'Bình Định' },
  { code: '054', name: 'Phú Yên' },
  { code: '056', name: 'Khánh Hòa' },
  { code: '058', name: 'Ninh Thuận' },
  { code: '060', name: 'Bình Thuận' },
  { code: '062', name: 'Kon Tum' },
  { code: '064', name: 'Gia Lai' },
  { code: '066', name: 'Đắk Lắk' },
  { code: '067', name: 'Đắk Nông' },
  { code: '068', name: 'Lâm Đồng' },
  { code: '070', name: 'Bình Phước' },
  { code: '072', name: 'Tây Ninh' },
  { code: '074', name: 'Bình Dương' },
  { code: '075', name: 'Đồng Nai' },
  { code: '077', name: 'Bà Rịa – Vũng Tàu' },
  { code: '079', name: 'TP Hồ Chí Minh' },
  { code: '080', name: 'Long An' },
  { code: '082', name: 'Tiền Giang' },
  { code: '083', name: 'Bến Tre' },
  { code: '084', name: 'Trà Vinh' },
  { code: '086', name: 'Vĩnh Long' },
  { code: '087', name: 'Đồng Tháp' },
  { code: '089', name: 'An Giang' },
  { code: '091', name: 'Kiên Giang' },
  { code: '092', name: 'Cần Thơ' },
  { code: '093', name: 'Hậu Giang' },
  { code: '094', name: 'Sóc Trăng' },
  { code: '095', name: 'Bạc Liêu' },
  { code: '096', name: 'Cà Mau' },
];

const byCode = new Map(BIRTH_PROVINCES.map((p) => [p.code, p]));

export function birthProvinceByCode(code: string): BirthProvince | undefined {
  return byCode.get(code);
}

/** The National Assembly resolution of 12 Jun 2025; the new two-tier local governments started this day. */
export const MERGER_EFFECTIVE_FROM = '2025-07-01';

export interface CurrentUnit {
  name: string;
  kind: 'city' | 'province';
  /** Codes of the pre-2025 provinces that form this unit. */
  formedFrom: readonly string[];
  /**
   * `confirmed`: two or more sources agree (§3.3). `uncertain`: from memory in the research, not verified —
   * keep it data, check it before a rule depends on it.
   */
  certainty: 'unchanged' | 'confirmed' | 'uncertain';
}

/** The 34 provincial units from 1 Jul 2025 (§3.3): 11 unchanged, 23 formed by merger. */
export const CURRENT_UNITS: readonly CurrentUnit[] = [
  { name: 'Hà Nội', kind: 'city', formedFrom: ['001'], certainty: 'unchanged' },
  { name: 'Huế', kind: 'city', formedFrom: ['046'], certainty: 'unchanged' },
  { name: 'Lai Châu', kind: 'province', formedFrom: ['012'], certainty: 'unchanged' },
  { name: 'Điện Biên', kind: 'province', formedFrom: ['011'], certainty: 'unchanged' },
  { name: 'Sơn La', kind: 'province', formedFrom: ['014'], certainty: 'unchanged' },
  { name: 'Lạng Sơn', kind: 'province', formedFrom: ['020'], certainty: 'unchanged' },
  { name: 'Quảng Ninh', kind: 'province', formedFrom: ['022'], certainty: 'unchanged' },
  { name: 'Thanh Hóa', kind: 'province', formedFrom: ['038'], certainty: 'unchanged' },
  { name: 'Nghệ An', kind: 'province', formedFrom: ['040'], certainty: 'unchanged' },
  { name: 'Hà Tĩnh', kind: 'province', formedFrom: ['042'], certainty: 'unchanged' },
  { name: 'Cao Bằng', kind: 'province', formedFrom: ['004'], certainty: 'unchanged' },
  { name: 'Tuyên Quang', kind: 'province', formedFrom: ['002', '008'], certainty: 'confirmed' },
  { name: 'Lào Cai', kind: 'province', formedFrom: ['015', '010'], certainty: 'confirmed' },
  { name: 'Thái Nguyên', kind: 'province', formedFrom: ['006', '019'], certainty: 'confirmed' },
  { name: 'Phú Thọ', kind: 'province', formedFrom: ['026', '017', '025'], certainty: 'confirmed' },
  { name: 'Bắc Ninh', kind: 'province', formedFrom: ['024', '027'], certainty: 'confirmed' },
  { name: 'Hưng Yên', kind: 'province', formedFrom: ['034', '033'], certainty: 'confirmed' },
  { name: 'Hải Phòng', kind: 'city', formedFrom: ['030', '031'], certainty: 'confirmed' },
  { name: 'Ninh Bình', kind: 'province', formedFrom: ['035', '036', '037'], certainty: 'confirmed' },
  { name: 'Quảng Trị', kind: 'province', formedFrom: ['044', '045'], certainty: 'confirmed' },
  { name: 'TP Hồ Chí Minh', kind: 'city', formedFrom: ['077', '074', '079'], certainty: 'confirmed' },
  { name: 'Đà Nẵng', kind: 'city', formedFrom: ['049', '048'], certainty: 'uncertain' },
  { name: 'Quảng Ngãi', kind: 'province', formedFrom: ['062', '051'], certainty: 'uncertain' },
  { name: 'Gia Lai', kind: 'province', formedFrom: ['052', '064'], certainty: 'uncertain' },
  { name: 'Khánh Hòa', kind: 'province', formedFrom: ['058', '056'], certainty: 'uncertain' },
  { name: 'Lâm Đồng', kind: 'province', formedFrom: ['067', '060', '068'], certainty: 'uncertain' },
  { name: 'Đắk Lắk', kind: 'province', formedFrom: ['054', '066'], certainty: 'uncertain' },
  { name: 'Đồng Nai', kind: 'province', formedFrom: ['070', '075'], certainty: 'uncertain' },
  { name: 'Tây Ninh', kind: 'province', formedFrom: ['080', '072'], certainty: 'uncertain' },
  { name: 'Cần Thơ', kind: 'city', formedFrom: ['094', '093', '092'], certainty: 'uncertain' },
  { name: 'Vĩnh Long', kind: 'province', formedFrom: ['083', '084', '086'], certainty: 'uncertain' },
  { name: 'Đồng Tháp', kind: 'province', formedFrom: ['082', '087'], certainty: 'uncertain' },
  { name: 'Cà Mau', kind: 'province', formedFrom: ['095', '096'], certainty: 'uncertain' },
  { name: 'An Giang', kind: 'province', formedFrom: ['091', '089'], certainty: 'uncertain' },
];

const unitByOldCode = new Map<string, CurrentUnit>();
for (const unit of CURRENT_UNITS) for (const code of unit.formedFrom) unitByOldCode.set(code, unit);

export const CURRENT_UNIT_NAMES: readonly string[] = CURRENT_UNITS.map((u) => u.name);

/**
 * The provincial unit that today covers a pre-2025 province, as of a date (`YYYY-MM-DD`, Vietnam time).
 * Before the merger date the old province is its own unit.
 */
export function provincialUnitFor(
  code: string,
  on: string,
): { name: string; certainty: CurrentUnit['certainty'] } | undefined {
  const old = byCode.get(code);
  if (!old) return undefined;
  if (on < MERGER_EFFECTIVE_FROM) return { name: old.name, certainty: 'unchanged' };
  const unit = unitByOldCode.get(code);
  return unit && { name: unit.name, certainty: unit.certainty };
}
