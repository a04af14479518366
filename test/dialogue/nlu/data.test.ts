import { describe, expect, it } from 'vitest';
import { foldVietnamese } from '../../../src/dialogue/nlu/fold.ts';
import { ENTITY_PHRASES, INTENT_PATTERNS, SLASH_COMMANDS } from '../../../src/dialogue/nlu/intents.ts';
import { ABBREVIATIONS } from '../../../src/dialogue/nlu/lexicon.ts';
import { IntentSchema } from '../../../src/dialogue/nlu/schema.ts';
import { understand } from '../../../src/dialogue/nlu/understand.ts';

describe('the NLU data', () => {
  it('gives every intent but unknown some patterns', () => {
    const targets = new Set(INTENT_PATTERNS.map(([target]) => target));
    const missing = IntentSchema.options.filter((intent) => intent !== 'unknown' && !targets.has(intent));
    expect(missing).toEqual([]);
  });

  it('has no empty alternative or part in a pattern', () => {
    for (const [, , pattern] of [...INTENT_PATTERNS, ...ENTITY_PHRASES]) {
      for (const part of String(pattern).split(' + ')) {
        for (const alternative of part.split('|')) expect(foldVietnamese(alternative), pattern).not.toBe('');
      }
    }
  });

  it('has no abbreviation that folds onto another one with a different meaning', () => {
    const seen = new Map<string, string>();
    for (const [from, to] of Object.entries(ABBREVIATIONS)) {
      const key = foldVietnamese(from);
      const meaning = foldVietnamese(to);
      expect(seen.get(key) ?? meaning, from).toBe(meaning);
      seen.set(key, meaning);
    }
  });

  it('maps every slash command to a contract intent', () => {
    for (const intent of Object.values(SLASH_COMMANDS)) expect(IntentSchema.options).toContain(intent);
  });

  it('understands a pattern line added to the data, through chat abbreviations and missing diacritics', () => {
    // Proof that phrases in the data are written as people type them: "LLTP" in a pattern is expanded.
    expect(understand('lltp').intent).toBe('criminal_record');
    expect(understand('LÝ LỊCH TƯ PHÁP').intent).toBe('criminal_record');
  });
});
