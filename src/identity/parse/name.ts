/**
 * Vietnamese personal names: stored and shown in NFC, compared without regard to case, spacing or where the
 * tone mark sits. Both placements are in use — "hoà, thuý, khoẻ" (old) and "hòa, thúy, khỏe" (new) — so a name
 * typed one way must match a registry that stores it the other way (shared/domain/vietnam.md §6).
 */

/** Invisible characters that arrive with copy-paste (zero-width space/joiners, BOM, soft hyphen). */
const INVISIBLE = /[\u200b-\u200d\u2060\ufeff\u00ad]/g;

/** The five tone marks as combining characters: huyền, sắc, ngã, hỏi, nặng (plus two legacy code points). */
const TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323\u0340\u0341]/g;
const LEGACY_TONE: Record<string, string> = { '\u0340': '\u0300', '\u0341': '\u0301' };

/** NFC, invisible characters removed, spaces trimmed and collapsed. Case is kept. */
export function normalizeName(input: string): string {
  return input.normalize('NFC').replace(INVISIBLE, '').trim().replace(/\s+/gu, ' ');
}

/**
 * A comparison key: each syllable becomes its letters without the tone mark, plus the tone, so the position
 * of the mark inside the syllable no longer matters. Vowel shapes (ă â ê ô ơ ư) and đ are kept: "Hoa" and
 * "Hoà" stay different names.
 */
export function nameKey(input: string): string {
  return normalizeName(input)
    .toLowerCase()
    .split(' ')
    .map((syllable) => {
      const decomposed = syllable.normalize('NFD');
      const tones = (decomposed.match(TONE_MARKS) ?? []).map((t) => LEGACY_TONE[t] ?? t).join('');
      const letters = decomposed.replace(TONE_MARKS, '').normalize('NFC');
      return tones ? `${letters}${tones}` : letters;
    })
    .join(' ');
}

export function namesEqual(a: string, b: string): boolean {
  return nameKey(a) === nameKey(b);
}
