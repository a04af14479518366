/** Vietnamese text helpers for extracts. */

export function nfc(s: string): string {
  return s.normalize('NFC');
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * Place and date line of an administrative document: "Hà Nội, ngày 05 tháng 01 năm 2026".
 * Decree 30/2020/NĐ-CP, Appendix I §II.5: days below 10 and months 1 and 2 take a leading zero.
 */
export function placeAndDate(place: string, isoDate: string): string {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  const day = pad2(d);
  const month = m <= 2 ? pad2(m) : String(m);
  return `${nfc(place)}, ngày ${day} tháng ${month} năm ${y}`;
}

/** dd/MM/yyyy for a full date, MM/yyyy or yyyy for partial ones (birth dates can be partial). */
export function shortDate(isoDate: string): string {
  const parts = isoDate.split('-');
  return parts.reverse().join('/');
}

/** "16:52 ngày 25/11/2026" in Vietnam time. */
export function vietnamDateTime(d: Date): string {
  const local = new Date(d.getTime() + 7 * 3_600_000);
  return (
    `${pad2(local.getUTCHours())}:${pad2(local.getUTCMinutes())} ngày ` +
    `${pad2(local.getUTCDate())}/${pad2(local.getUTCMonth() + 1)}/${local.getUTCFullYear()}`
  );
}

/** ISO date (YYYY-MM-DD) of an instant in Vietnam time. */
export function vietnamIsoDate(d: Date): string {
  const local = new Date(d.getTime() + 7 * 3_600_000);
  return `${local.getUTCFullYear()}-${pad2(local.getUTCMonth() + 1)}-${pad2(local.getUTCDate())}`;
}

/** Initials of a full name, diacritics kept: "Nguyễn Thị Minh Thư" → "NTMT", "Đặng Văn Ơn" → "ĐVƠ". */
export function nameInitials(fullName: string): string {
  return nfc(fullName)
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => [...w][0]!.toLocaleUpperCase('vi'))
    .join('');
}

/** A 12-digit citizen ID shown as 001******789: the province code and the last three digits stay. */
export function maskIdNumber(id: string): string {
  if (id.length <= 6) return '*'.repeat(id.length);
  return id.slice(0, 3) + '*'.repeat(id.length - 6) + id.slice(-3);
}

/** A phone number shown as 09******78. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length <= 4) return '*'.repeat(digits.length);
  return digits.slice(0, 2) + '*'.repeat(digits.length - 4) + digits.slice(-2);
}
