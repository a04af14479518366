const COMBINING_MARKS = /[\u0300-\u036f]/g;
const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{N}]+/gu;
const ASCII_ONLY = /^[\x00-\x7f]*$/;

/**
 * Removes Vietnamese diacritics and lower-cases, keeping punctuation (entity patterns need "/", "-", "+").
 * "đ" has no Unicode decomposition, so it is mapped by hand ("Đ" lower-cases to it).
 */
export function foldMarks(text: string): string {
  const lower = text.toLowerCase();
  // Unaccented typing is common and needs no decomposition.
  if (ASCII_ONLY.test(lower)) return lower;
  return lower.normalize('NFD').replace(COMBINING_MARKS, '').replace(/đ/g, 'd');
}

/** Letters and digits of folded text, separated by single spaces. */
export function collapseSeparators(folded: string): string {
  return folded.replace(NOT_LETTER_OR_DIGIT, ' ').trim();
}

/** The matching form of a message: no diacritics, lower case, words separated by single spaces. */
export function foldVietnamese(text: string): string {
  return collapseSeparators(foldMarks(text));
}
