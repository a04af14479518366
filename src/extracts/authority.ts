import {
  BIRTH_PROVINCES,
  CURRENT_UNITS,
  MERGER_EFFECTIVE_FROM,
  provincialUnitFor,
} from '../identity/provinces.ts';
import type { ExtractContent } from '../ports/agency/types.ts';

/**
 * The issuing body printed at the top left of an extract, as in force on the issue date (domain §1.4, rules
 * E7-authority-*): the criminal record extract came from the provincial Department of Justice (Sở Tư pháp,
 * under the provincial People's Committee) until 28 Feb 2025, and comes from the provincial police (Công an
 * tỉnh, thành phố, under the Ministry of Public Security) from 1 Mar 2025 — of the province where the subject
 * resides. Without a province, the national bodies named in the rules' notes issue it.
 *
 * The agency's result carries the authority. A real back office gives the printed name; the simulated one
 * passes on the rules' decision.authority, which describes the rule ("Công an tỉnh, thành phố nơi người được
 * cấp phiếu thường trú (…)", about 147 characters) and cannot be printed. A description like that is replaced
 * by the body it designates, by issue date and the subject's province.
 */

export const LLTP_POLICE_FROM = '2025-03-01';
/** Thừa Thiên Huế became the centrally governed city of Huế on this day (Resolution 1314/NQ-UBTVQH15). */
const HUE_CITY_FROM = '2025-01-01';
/** A printed body name is short ("CÔNG AN THÀNH PHỐ HỒ CHÍ MINH"); a rule's description is a sentence. */
const PRINTABLE_MAX = 60;
/** The centrally governed cities before the 2025 merger (their police is "Công an thành phố"). */
const CITIES_BEFORE_MERGER = new Set(['001', '031', '048', '079', '092']);

export interface PrintedAuthority {
  name: string;
  parent?: string;
}

export function printedAuthority(content: ExtractContent): PrintedAuthority {
  const given = content.authority;
  const upper = (s: string) => s.normalize('NFC').replace(/\s+/g, ' ').trim().toLocaleUpperCase('vi');
  const police = content.kind === 'lltp' && content.issueDate >= LLTP_POLICE_FROM;
  if (isPrintable(given.name)) {
    const parent = given.parent ?? (police && /^công an/i.test(given.name) ? 'Bộ Công an' : undefined);
    return { name: upper(given.name), ...(parent && isPrintable(parent) ? { parent: upper(parent) } : {}) };
  }
  if (content.kind !== 'lltp') return { name: upper(shorten(given.name)) };
  const province =
    provinceIn(content.subject.residence, content.issueDate) ??
    provinceIn(content.issuePlace, content.issueDate);
  if (police) {
    return province
      ? { parent: 'BỘ CÔNG AN', name: upper(`Công an ${province.kind} ${province.name}`) }
      : { parent: 'BỘ CÔNG AN', name: 'CỤC HỒ SƠ NGHIỆP VỤ' };
  }
  return province
    ? { parent: upper(`UBND ${province.kind} ${province.name}`), name: 'SỞ TƯ PHÁP' }
    : { parent: 'BỘ TƯ PHÁP', name: 'TRUNG TÂM LÝ LỊCH TƯ PHÁP QUỐC GIA' };
}

/**
 * The place printed in the "…, ngày … tháng … năm …" line: where the issuing body sits (Decree 30/2020,
 * Appendix I). A provincial body's province wins over the agency's own place, so an extract headed "CÔNG AN
 * THÀNH PHỐ HẢI PHÒNG" is never dated from Hà Nội; a national body keeps the place the agency gave.
 */
export function printedPlace(authority: PrintedAuthority, issueDate: string, given: string): string {
  for (const line of [authority.name, authority.parent]) {
    const province = provinceIn(line, issueDate);
    if (province) return province.name === 'Hồ Chí Minh' ? 'Thành phố Hồ Chí Minh' : province.name;
  }
  return given;
}

/** Generic titles an agency may send when it names the signer but not their post. */
const GENERIC_TITLES = new Set(['THỦ TRƯỞNG CƠ QUAN', 'THỦ TRƯỞNG ĐƠN VỊ']);

/**
 * The title of the head of the issuing body, printed over the signer's name: the director (Giám đốc) of a
 * provincial police or Department of Justice or of the national centre, the director general (Cục trưởng)
 * of a department. A specific title the agency gave is kept.
 */
export function signerTitle(authority: PrintedAuthority, given: readonly string[]): string[] {
  if (!given.every((t) => GENERIC_TITLES.has(t.trim().toLocaleUpperCase('vi')))) return [...given];
  return /^CỤC\b/u.test(authority.name) ? ['CỤC TRƯỞNG'] : ['GIÁM ĐỐC'];
}

function isPrintable(name: string): boolean {
  const n = name.trim();
  return n.length > 0 && n.length <= PRINTABLE_MAX && !/tỉnh, thành phố|\(/i.test(n);
}

/** Cuts a long name at a word boundary within the printable length. */
function shorten(name: string): string {
  const n = name.replace(/\s+/g, ' ').trim();
  if (n.length <= PRINTABLE_MAX) return n;
  const cut = n.slice(0, PRINTABLE_MAX);
  return cut.slice(0, Math.max(cut.lastIndexOf(' '), 20)).replace(/[,;:(]+$/, '');
}

interface Province {
  /** As printed after the kind: "Hà Nội", "Hồ Chí Minh". */
  name: string;
  kind: 'thành phố' | 'tỉnh';
}

const fold = (s: string) => s.normalize('NFC').toLocaleLowerCase('vi');
/** "TP Hồ Chí Minh" is written "Thành phố Hồ Chí Minh" or "Hồ Chí Minh" in addresses. */
const bare = (name: string) => name.replace(/^TP /, '');

/**
 * The province an address names (the last one mentioned: addresses end with it), as it was called on `on`:
 * a pre-2025 province is mapped to the unit that covers it from the merger date.
 */
function provinceIn(address: string | undefined, on: string): Province | undefined {
  if (!address) return undefined;
  const text = fold(address);
  let best: { at: number; code?: string; unit?: (typeof CURRENT_UNITS)[number] } | undefined;
  for (const p of BIRTH_PROVINCES) {
    const at = text.lastIndexOf(fold(bare(p.name)));
    if (at >= 0 && (!best || at > best.at)) best = { at, code: p.code };
  }
  for (const unit of CURRENT_UNITS) {
    const at = text.lastIndexOf(fold(bare(unit.name)));
    // A unit name that is also an old province name was found above with its code.
    if (at >= 0 && (!best || at > best.at)) best = { at, unit };
  }
  if (!best) return undefined;
  if (best.unit) {
    if (on < MERGER_EFFECTIVE_FROM && best.unit.formedFrom.length === 1) {
      return oldProvince(best.unit.formedFrom[0]!, on);
    }
    return { name: bare(best.unit.name), kind: best.unit.kind === 'city' ? 'thành phố' : 'tỉnh' };
  }
  if (on < MERGER_EFFECTIVE_FROM) return oldProvince(best.code!, on);
  const current = provincialUnitFor(best.code!, on);
  const unit = CURRENT_UNITS.find((u) => u.name === current?.name);
  return unit && { name: bare(unit.name), kind: unit.kind === 'city' ? 'thành phố' : 'tỉnh' };
}

function oldProvince(code: string, on: string): Province | undefined {
  const p = BIRTH_PROVINCES.find((x) => x.code === code);
  if (!p) return undefined;
  if (code === '046' && on >= HUE_CITY_FROM) return { name: 'Huế', kind: 'thành phố' };
  return { name: bare(p.name), kind: CITIES_BEFORE_MERGER.has(code) ? 'thành phố' : 'tỉnh' };
}
