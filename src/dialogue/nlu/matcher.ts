import { PLACEHOLDERS } from './entities.ts';
import { ENTITY_PHRASES, type EntityLine, INTENT_PATTERNS, type PatternTarget } from './intents.ts';
import { COMMON_WORDS } from './lexicon.ts';
import type { Entities } from './schema.ts';
import { createTypoCorrector } from './typo.ts';
import { dataWords, expandWords, expansionWords, splitWords, untelex } from './words.ts';

/** Entities a phrase carries by its words. */
export type PhraseEntities = Pick<Entities, 'service' | 'form' | 'lang'>;

interface Phrase {
  key: string;
  /** Scores this phrase gives when it is a whole unit of the message. */
  weights: ReadonlyMap<PatternTarget, number>;
  /** Every known phrase inside this one, itself included (combinations look at these). */
  features: readonly string[];
}

interface TrieNode<T> {
  next: Map<string, TrieNode<T>>;
  value?: T;
}

interface Combination {
  target: PatternTarget;
  weight: number;
  parts: readonly (readonly string[])[];
}

export interface Analysis {
  scores: Map<PatternTarget, number>;
  entities: PhraseEntities;
}

export interface Matcher {
  /** Message words after abbreviation expansion, Telex repair, typo correction and rewrites. */
  words(maskedFolded: string): string[];
  analyse(words: readonly string[]): Analysis;
  /** All words the matcher knows (not corrected). */
  vocabulary: ReadonlySet<string>;
}

function insert<T>(root: TrieNode<T>, words: readonly string[], value: T): void {
  let node = root;
  for (const word of words) {
    let child = node.next.get(word);
    if (!child) {
      child = { next: new Map() };
      node.next.set(word, child);
    }
    node = child;
  }
  node.value = value;
}

/** The longest phrase of the trie starting at `start`, as [value, end]. */
function longestAt<T>(root: TrieNode<T>, words: readonly string[], start: number): [T, number] | undefined {
  let node: TrieNode<T> | undefined = root;
  let found: [T, number] | undefined;
  for (let j = start; j < words.length; j++) {
    node = node.next.get(words[j]!);
    if (!node) break;
    if (node.value !== undefined) found = [node.value, j + 1];
  }
  return found;
}

/**
 * Cuts the words into known phrases so that as many words as possible are covered, by as few phrases as
 * possible, the leftmost longest on a tie: "hủy liên kết" beats "hủy" + "liên kết", but one greedy phrase cannot hide a
 * better one ("cấp phiếu số 2" is "cấp" + "phiếu số 2").
 */
function segment<T>(root: TrieNode<T>, words: readonly string[]): T[] {
  const n = words.length;
  // covered[i] / units[i]: best result for words[i..]; choice[i]: end of the phrase taken at i, or 0 to skip.
  const covered = new Array<number>(n + 1).fill(0);
  const units = new Array<number>(n + 1).fill(0);
  const choice = new Array<number>(n + 1).fill(0);
  const value = new Array<T | undefined>(n + 1);
  for (let i = n - 1; i >= 0; i--) {
    covered[i] = covered[i + 1]!;
    units[i] = units[i + 1]!;
    choice[i] = 0;
    let node: TrieNode<T> | undefined = root;
    for (let j = i; j < n; j++) {
      node = node.next.get(words[j]!);
      if (!node) break;
      if (node.value === undefined) continue;
      const end = j + 1;
      const total = end - i + covered[end]!;
      const count = 1 + units[end]!;
      // On a tie the longer first phrase wins (j only grows): leftmost-longest.
      if (total > covered[i]! || (total === covered[i]! && count <= units[i]!)) {
        covered[i] = total;
        units[i] = count;
        choice[i] = end;
        value[i] = node.value;
      }
    }
  }
  const phrases: T[] = [];
  let i = 0;
  while (i < n) {
    const end = choice[i]!;
    if (end === 0) {
      i++;
      continue;
    }
    phrases.push(value[i]!);
    i = end;
  }
  return phrases;
}

/** Contiguous sub-sequences of `words` that are keys of `known`, shortest first. */
function containedKeys(words: readonly string[], known: ReadonlySet<string>): string[] {
  const keys: string[] = [];
  for (let length = 1; length <= words.length; length++) {
    for (let start = 0; start + length <= words.length; start++) {
      const key = words.slice(start, start + length).join(' ');
      if (known.has(key)) keys.push(key);
    }
  }
  return keys;
}

function phraseWords(text: string): string[] {
  return expandWords(dataWords(text));
}

function entityOf(line: EntityLine): PhraseEntities {
  switch (line[0]) {
    case 'service':
      return { service: line[1] };
    case 'form':
      return { form: line[1] };
    case 'lang':
      return { lang: line[1] };
  }
}

export function compileMatcher(): Matcher {
  // Intent phrases: single-unit weights and combinations.
  const weights = new Map<string, Map<PatternTarget, number>>();
  const phraseWordLists = new Map<string, string[]>();
  const combinations: Combination[] = [];
  const keyOf = (text: string): string => {
    const words = phraseWords(text);
    const key = words.join(' ');
    phraseWordLists.set(key, words);
    return key;
  };
  for (const [target, weight, pattern] of INTENT_PATTERNS) {
    const parts = pattern.split(' + ').map((part) => [...new Set(part.split('|').map(keyOf))]);
    if (parts.length > 1) {
      combinations.push({ target, weight, parts });
      continue;
    }
    for (const key of parts[0]!) {
      const byTarget = weights.get(key) ?? new Map<PatternTarget, number>();
      byTarget.set(target, Math.max(byTarget.get(target) ?? 0, weight));
      weights.set(key, byTarget);
    }
  }
  const phraseKeys = new Set(phraseWordLists.keys());
  const phraseRoot: TrieNode<Phrase> = { next: new Map() };
  for (const [key, words] of phraseWordLists) {
    insert(phraseRoot, words, {
      key,
      weights: weights.get(key) ?? new Map(),
      features: containedKeys(words, phraseKeys),
    });
  }

  // Entity phrases: a phrase inherits the entities of the phrases inside it, its own override them.
  const ownEntities = new Map<string, PhraseEntities>();
  const entityWordLists = new Map<string, string[]>();
  for (const line of ENTITY_PHRASES) {
    for (const alternative of line[2].split('|')) {
      const words = phraseWords(alternative);
      const key = words.join(' ');
      entityWordLists.set(key, words);
      ownEntities.set(key, { ...ownEntities.get(key), ...entityOf(line) });
    }
  }
  const entityKeys = new Set(entityWordLists.keys());
  const entityRoot: TrieNode<PhraseEntities> = { next: new Map() };
  for (const [key, words] of entityWordLists) {
    const merged: PhraseEntities = {};
    for (const inner of containedKeys(words, entityKeys)) Object.assign(merged, ownEntities.get(inner));
    Object.assign(merged, ownEntities.get(key));
    insert(entityRoot, words, merged);
  }

  // Vocabulary: words never corrected; typo targets are the words of the phrases.
  const phraseVocabulary = new Set<string>();
  for (const words of [...phraseWordLists.values(), ...entityWordLists.values()]) {
    for (const word of words) phraseVocabulary.add(word);
  }
  const vocabulary = new Set<string>([
    ...phraseVocabulary,
    ...splitWords(COMMON_WORDS),
    ...expansionWords(),
    ...Object.values(PLACEHOLDERS),
  ]);
  // Run-together phrases ("lylichtuphap", "nhanvien") read as their words.
  const compounds = new Map<string, string[]>();
  for (const words of [...phraseWordLists.values(), ...entityWordLists.values()]) {
    if (words.length < 2 || words.some((word) => /\d/.test(word))) continue;
    const pieces = [words, ...words.slice(1).map((_, i) => words.slice(i, i + 2))];
    for (const piece of pieces) {
      const joined = piece.join('');
      if (!vocabulary.has(joined) && !compounds.has(joined)) compounds.set(joined, piece);
    }
  }
  const corrector = createTypoCorrector([...phraseVocabulary, ...compounds.keys()]);

  const fix = (word: string): readonly string[] | undefined => {
    if (vocabulary.has(word) || /\d/.test(word)) return undefined;
    const compound = compounds.get(word);
    if (compound) return compound;
    const untyped = untelex(word);
    if (untyped !== word && vocabulary.has(untyped)) return [untyped];
    const corrected = corrector.correct(word);
    if (corrected === undefined) return undefined;
    return compounds.get(corrected) ?? [corrected];
  };

  return {
    vocabulary,
    words(maskedFolded) {
      return expandWords(splitWords(maskedFolded), fix);
    },
    analyse(words) {
      const scores = new Map<PatternTarget, number>();
      const features = new Set<string>();
      for (const phrase of segment(phraseRoot, words)) {
        for (const [target, weight] of phrase.weights) scores.set(target, (scores.get(target) ?? 0) + weight);
        for (const feature of phrase.features) features.add(feature);
      }
      for (const { target, weight, parts } of combinations) {
        if (parts.every((alternatives) => alternatives.some((key) => features.has(key)))) {
          scores.set(target, (scores.get(target) ?? 0) + weight);
        }
      }

      // Entity phrases may overlap ("phiếu lý lịch" and "lý lịch tư pháp số 1"); the first mention of a kind wins.
      const entities: PhraseEntities = {};
      for (let i = 0; i < words.length; i++) {
        const carried = longestAt(entityRoot, words, i)?.[0];
        if (!carried) continue;
        if (carried.service && !entities.service) entities.service = carried.service;
        if (carried.form && !entities.form) entities.form = carried.form;
        if (carried.lang && !entities.lang) entities.lang = carried.lang;
      }
      return { scores, entities };
    },
  };
}
