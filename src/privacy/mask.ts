/**
 * Masking of personal data for logs and for screens that must not show it in full.
 * Decree 13/2023/NĐ-CP and Law 91/2025/QH15 treat ID and phone numbers as personal data.
 */

const CITIZEN_ID = /(?<![\d])\d{12}(?![\d])/g;
// Vietnamese mobile numbers: 0 or +84/84, then a mobile prefix 3/5/7/8/9 and 8 digits; separators allowed.
const PHONE = /(?<![\d+])(?:\+?84[\s.-]?|0)([35789])(?:[\s.-]?\d){8}(?![\d])/g;

export function maskCitizenId(id: string): string {
  const digits = id.replace(/\D/g, '');
  if (digits.length < 6) return '*'.repeat(digits.length);
  return `${digits.slice(0, 3)}${'*'.repeat(digits.length - 5)}${digits.slice(-2)}`;
}

export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '').replace(/^84/, '0');
  if (digits.length < 6) return '*'.repeat(digits.length);
  return `${digits.slice(0, 2)}${'*'.repeat(digits.length - 5)}${digits.slice(-3)}`;
}

/** Replaces every citizen ID number and Vietnamese phone number in free text by its masked form. */
export function scrubPersonalData(text: string): string {
  if (!/\d{9}/.test(text.replace(/[\s.+-]/g, ''))) return text;
  return text.replace(CITIZEN_ID, (m) => maskCitizenId(m)).replace(PHONE, (m) => maskPhone(m));
}
