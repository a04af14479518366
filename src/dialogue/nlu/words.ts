import { collapseSeparators, foldVietnamese } from './fold.ts';
import { ABBREVIATIONS, PHRASE_REWRITES, TELEX_DIGRAPHS, TELEX_TONE_KEYS } from './lexicon.ts';

/** Words of already folded text (letters and digits; everything else separates). */
export function splitWords(folded: string): string[] {
  const text = collapseSeparators(folded);
  return text === '' ? [] : text.split(' ');
}

/** Folds and splits a phrase written in the data modules. */
export function dataWords(text: string): string[] {
  return splitWords(foldVietnamese(text));
}

interface RewriteNode {
  next: Map<string, RewriteNode>;
  to?: readonly string[];
}

const abbreviations = new Map<string, readonly string[]>(
  Object.entries(ABBREVIATIONS).map(([from, to]) => [foldVietnamese(from), dataWords(to)]),
);

const rewriteRoot: RewriteNode = { next: new Map() };
for (const [from, to] of PHRASE_REWRITES) {
  let node = rewriteRoot;
  for (const word of dataWords(from)) {
    let child = node.next.get(word);
    if (!child) {
      child = { next: new Map() };
      node.next.set(word, child);
    }
    node = child;
  }
  node.to = dataWords(to);
}

/** Leftmost-longest replacement of the multi-word rewrites. */
function applyRewrites(words: readonly string[]): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < words.length) {
    let node: RewriteNode | undefined = rewriteRoot;
    let match: readonly string[] | undefined;
    let end = i;
    for (let j = i; j < words.length; j++) {
      node = node.next.get(words[j]!);
      if (!node) break;
      if (node.to) {
        match = node.to;
        end = j + 1;
      }
    }
    if (match) {
      out.push(...match);
      i = end;
    } else {
      out.push(words[i]!);
      i++;
    }
  }
  return out;
}

/** Every word the expansions can produce (they are known words, never typo-corrected). */
export function expansionWords(): string[] {
  const words: string[] = [];
  for (const to of abbreviations.values()) words.push(...to);
  for (const [, to] of PHRASE_REWRITES) words.push(...dataWords(to));
  return words;
}

/**
 * Expands abbreviations word by word, lets `fix` repair the remaining words (Telex residue, typos), then applies
 * the multi-word rewrites.
 */
export function expandWords(
  words: readonly string[],
  fix?: (word: string) => readonly string[] | undefined,
): string[] {
  const out: string[] = [];
  for (const word of words) {
    const expansion = abbreviations.get(word) ?? fix?.(word);
    if (expansion) out.push(...expansion);
    else out.push(word);
  }
  return applyRewrites(out);
}

/** The word meant when Telex keys were typed with the input method off: "lys" → "ly", "ddoongf" → "dong". */
export function untelex(word: string): string {
  let text = word;
  for (const [keys, letter] of TELEX_DIGRAPHS) text = text.replaceAll(keys, letter);
  if (text.length > 1 && TELEX_TONE_KEYS.includes(text[text.length - 1]!)) text = text.slice(0, -1);
  return text;
}
