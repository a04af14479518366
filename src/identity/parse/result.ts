/**
 * What a parser hands back: a value, never a throw. A user can meet every error, so each one carries a
 * stable code and the i18next key of a message that says exactly what is wrong, with its parameters.
 */
export type Params = Record<string, string | number>;

export interface ParseProblem<Code extends string = string> {
  code: Code;
  key: string;
  params: Params;
}

export type ParseError = ParseProblem<`HOSO_ERR_${string}`>;
export type ParseWarning = ParseProblem<`HOSO_WARN_${string}`>;

export type ParseResult<T> =
  | { ok: true; value: T; warnings: ParseWarning[] }
  | { ok: false; error: ParseError };

/** Message keys live in the `identity` namespace, under `errors.<code>` and `warnings.<code>`. */
export function fail(code: `HOSO_ERR_${string}`, params: Params = {}): { ok: false; error: ParseError } {
  return { ok: false, error: { code, key: `identity:errors.${code}`, params } };
}

export function warning(code: `HOSO_WARN_${string}`, params: Params = {}): ParseWarning {
  return { code, key: `identity:warnings.${code}`, params };
}

export function succeed<T>(
  value: T,
  warnings: ParseWarning[] = [],
): { ok: true; value: T; warnings: ParseWarning[] } {
  return { ok: true, value, warnings };
}

/** Characters a user typed that do not belong in a number, quoted and de-duplicated for the message. */
export function listStrayCharacters(text: string, allowed: RegExp): string {
  const seen = new Set<string>();
  for (const ch of text) if (!allowed.test(ch)) seen.add(ch);
  return [...seen].map((ch) => `“${ch}”`).join(', ');
}

/**
 * The one number a sentence carries, as a citizen answers a prompt in words: "cccd cua toi la 001190012345",
 * "ma la 952 260". Undefined unless exactly one standalone run of digits (grouped by spaces, dots or dashes)
 * has at least `minDigits` digits, so a typo inside a number ("001O99…") is still reported as such.
 */
export function numberInSentence(input: string, minDigits: number): string | undefined {
  const text = input.normalize('NFKC');
  if (!/\p{L}{2,}/u.test(text)) return undefined;
  const runs = [...text.matchAll(/(?:^|[\s:,(])(\d[\d\s.-]*\d)(?=$|[\s.,!?;)])/gu)]
    .map((m) => (m[1] ?? '').replace(/[\s.-]/gu, ''))
    .filter((digits) => digits.length >= minDigits);
  return runs.length === 1 ? runs[0] : undefined;
}
