import { vietnamDate } from '../i18n.ts';
import type { KeyValueStore } from '../store/types.ts';

/**
 * Request codes such as `LLTP-2026-000123`: a prefix per service, the year in Vietnam time, and a counter
 * per service and year from an atomic increment (unique across processes sharing the store).
 */
export const REQUEST_CODE_PATTERN = /^[A-Z]{2,8}-\d{4}-\d{6,9}$/;

/** SKDT: Sổ sức khỏe điện tử. A service the catalog adds later gets a prefix from its id. */
export const SERVICE_CODE_PREFIXES: Readonly<Record<string, string>> = {
  lltp: 'LLTP',
  health_record: 'SKDT',
};

export function codePrefixFor(
  service: string,
  prefixes: Record<string, string> = SERVICE_CODE_PREFIXES,
): string {
  const known = prefixes[service];
  if (known) return known;
  const letters = service
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toUpperCase()
    .slice(0, 8);
  return letters.length >= 2 ? letters : 'HS';
}

export async function nextRequestCode(
  kv: KeyValueStore,
  service: string,
  now: Date = new Date(),
  prefixes?: Record<string, string>,
): Promise<string> {
  const prefix = codePrefixFor(service, prefixes);
  const year = vietnamDate(now).slice(0, 4);
  const n = await kv.incr(`req:seq:${prefix}:${year}`);
  return `${prefix}-${year}-${String(n).padStart(6, '0')}`;
}

/** A code as a citizen may type it (lower case, spaces, no dashes) in its canonical form, if it is one. */
export function normaliseRequestCode(text: string): string | undefined {
  const m = text
    .trim()
    .toUpperCase()
    .match(/^([A-Z]{2,8})[\s_-]*(\d{4})[\s_-]*(\d{1,9})$/);
  if (!m) return undefined;
  const code = `${m[1]}-${m[2]}-${m[3]!.padStart(6, '0')}`;
  return REQUEST_CODE_PATTERN.test(code) ? code : undefined;
}
