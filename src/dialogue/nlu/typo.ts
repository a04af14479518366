/**
 * Light typo tolerance: a word of 4+ letters one edit away (two for 8+ letters) from the vocabulary is read as
 * that vocabulary word. Edits are Damerau–Levenshtein in its optimal-string-alignment form (insert, delete,
 * substitute, swap two neighbours).
 *
 * Lookups use symmetric deletion: every variant of a vocabulary word with up to two letters removed is indexed
 * once at start-up, so a lookup only generates the deletions of the typed word and checks a few candidates.
 */

const MIN_LENGTH = 4;
const LONG_LENGTH = 8;

/** Most edits allowed for a typed word of this length. */
export function maxEditsFor(length: number): number {
  if (length >= LONG_LENGTH) return 2;
  if (length >= MIN_LENGTH) return 1;
  return 0;
}

/** Optimal-string-alignment distance, stopping early once it must exceed `limit`. */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const width = b.length + 1;
  let twoBack = new Array<number>(width).fill(0);
  let previous = Array.from({ length: width }, (_, j) => j);
  let current = new Array<number>(width).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, twoBack[j - 2]! + 1);
      }
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return limit + 1;
    [twoBack, previous, current] = [previous, current, twoBack];
  }
  return previous[b.length]!;
}

function addDeletions(word: string, depth: number, into: Set<string>): void {
  if (depth === 0) return;
  for (let i = 0; i < word.length; i++) {
    const shorter = word.slice(0, i) + word.slice(i + 1);
    if (!into.has(shorter)) {
      into.add(shorter);
      addDeletions(shorter, depth - 1, into);
    }
  }
}

function deletionsOf(word: string, depth: number): Set<string> {
  const variants = new Set<string>([word]);
  addDeletions(word, depth, variants);
  return variants;
}

export interface TypoCorrector {
  /** The vocabulary word meant by `word`, or undefined when none is close enough or two are equally close. */
  correct(word: string): string | undefined;
}

export function createTypoCorrector(vocabulary: Iterable<string>): TypoCorrector {
  const index = new Map<string, string[]>();
  for (const target of new Set(vocabulary)) {
    if (target.length < MIN_LENGTH) continue;
    // A target this long can meet a typed word of 8+ letters two edits away; shorter targets only one away.
    const depth = target.length >= LONG_LENGTH - 2 ? 2 : 1;
    for (const variant of deletionsOf(target, depth)) {
      const bucket = index.get(variant);
      if (bucket) bucket.push(target);
      else index.set(variant, [target]);
    }
  }

  return {
    correct(word) {
      const limit = maxEditsFor(word.length);
      if (limit === 0) return undefined;
      let best: string | undefined;
      let bestDistance = limit + 1;
      let tie = false;
      for (const variant of deletionsOf(word, limit)) {
        const bucket = index.get(variant);
        if (!bucket) continue;
        for (const target of bucket) {
          if (target === best) continue;
          const distance = editDistance(word, target, limit);
          if (distance > limit) continue;
          if (distance < bestDistance) {
            best = target;
            bestDistance = distance;
            tie = false;
          } else if (distance === bestDistance && target !== best) {
            // Prefer the candidate that keeps the first letter: people rarely mistype it.
            const keepsFirst = target[0] === word[0];
            const bestKeepsFirst = best?.[0] === word[0];
            if (keepsFirst && !bestKeepsFirst) {
              best = target;
              tie = false;
            } else if (keepsFirst === bestKeepsFirst) {
              tie = true;
            }
          }
        }
      }
      return tie ? undefined : best;
    },
  };
}
