import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createTranslator } from '../../src/i18n.ts';
import { RULES_ERROR_CODES } from '../../src/rules/errors.ts';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const translator = createTranslator();

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : /\.(ts|js)$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

describe('the rules’ error codes', () => {
  it('each have a sentence in Vietnamese and in English, with every placeholder filled', () => {
    for (const code of RULES_ERROR_CODES) {
      const vi = translator.t('vi')(`errors.${code}`, { minutes: 15 });
      const en = translator.t('en')(`errors.${code}`, { minutes: 15 });
      expect(vi, code).not.toBe(`errors.${code}`);
      expect(en, code).not.toBe(`errors.${code}`);
      expect(vi, `${code} in en is the Vietnamese sentence`).not.toBe(en);
      expect(`${vi} ${en}`, code).not.toMatch(/\{\{|HOSO_ERR/);
      expect(vi, code).toMatch(/[ăâđêôơưáàảãạéèẻẽẹíìỉĩịóòỏõọúùủũụýỳỷỹỵ]/i);
    }
  });

  it('are all listed: no HOSO_ERR_RULES_ code in the source lacks its sentences', () => {
    const used = new Set<string>();
    for (const file of sourceFiles(SRC))
      for (const m of readFileSync(file, 'utf8').matchAll(/HOSO_ERR_RULES_[A-Z_]+/g)) used.add(m[0]);
    expect(used.size).toBeGreaterThan(20);
    expect([...used].filter((c) => !(RULES_ERROR_CODES as readonly string[]).includes(c))).toEqual([]);
  });
});
