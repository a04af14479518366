import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import i18next, { type Resource, type TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { otpProblem, parseOtpCode } from '../../src/identity/otp.ts';
import { parseCitizenId } from '../../src/identity/parse/citizen-id.ts';
import { parseVietnameseDate } from '../../src/identity/parse/date.ts';
import { parsePhone } from '../../src/identity/parse/phone.ts';
import type { ParseProblem, ParseResult } from '../../src/identity/parse/result.ts';
import { rateLimitProblem } from '../../src/identity/rate-limit.ts';

const root = new URL('../../', import.meta.url).pathname;
const languages = ['vi', 'en'] as const;
const t: Record<string, TFunction> = {};

beforeAll(async () => {
  // As the lead's i18n does: every JSON file of locales/<lang>/ is a namespace named after the file.
  const resources: Resource = {};
  for (const lang of languages) {
    resources[lang] = {};
    for (const file of readdirSync(join(root, 'locales', lang)).filter((f) => f.endsWith('.json'))) {
      resources[lang][file.replace(/\.json$/, '')] = JSON.parse(
        readFileSync(join(root, 'locales', lang, file), 'utf8'),
      );
    }
  }
  for (const lang of languages) {
    const instance = i18next.createInstance();
    await instance.init({ lng: lang, fallbackLng: false, resources, interpolation: { escapeValue: false } });
    t[lang] = instance.t.bind(instance) as TFunction;
  }
});

function problemOf<T>(result: ParseResult<T>): ParseProblem {
  if (result.ok) throw new Error('expected a refusal');
  return result.error;
}

function warningOf<T>(result: ParseResult<T>): ParseProblem {
  if (!result.ok || !result.warnings[0]) throw new Error('expected a warning');
  return result.warnings[0];
}

const today = '2026-03-15';
/** One real example of every message the identity code can produce. */
const examples: Record<string, () => ParseProblem> = {
  HOSO_ERR_CCCD_EMPTY: () => problemOf(parseCitizenId('')),
  HOSO_ERR_CCCD_NOT_DIGITS: () => problemOf(parseCitizenId('00109901234O')),
  HOSO_ERR_CCCD_IS_OLD_CMND: () => problemOf(parseCitizenId('012345678')),
  HOSO_ERR_CCCD_LENGTH: () => problemOf(parseCitizenId('00109901234')),
  HOSO_WARN_CCCD_UNKNOWN_PROVINCE: () => warningOf(parseCitizenId('003099012345')),
  HOSO_WARN_CCCD_BIRTH_YEAR_MISMATCH: () =>
    warningOf(parseCitizenId('001099012345', { dateOfBirth: '1998-01-01' })),
  HOSO_WARN_CCCD_GENDER_MISMATCH: () => warningOf(parseCitizenId('001099012345', { gender: 'female' })),
  HOSO_WARN_CCCD_BIRTH_YEAR_IN_FUTURE: () => warningOf(parseCitizenId('001499012345', { today })),
  HOSO_ERR_DATE_EMPTY: () => problemOf(parseVietnameseDate('', { today })),
  HOSO_ERR_DATE_FORMAT: () => problemOf(parseVietnameseDate('hôm qua', { today })),
  HOSO_ERR_DATE_NO_YEAR: () => problemOf(parseVietnameseDate('2/10', { today })),
  HOSO_ERR_DATE_TWO_DIGIT_YEAR: () => problemOf(parseVietnameseDate('2/10/90', { today })),
  HOSO_ERR_DATE_YEAR_FORMAT: () => problemOf(parseVietnameseDate('2/10/990', { today })),
  HOSO_ERR_DATE_MONTH_FIRST: () => problemOf(parseVietnameseDate('10/25/1990', { today })),
  HOSO_ERR_DATE_MONTH_RANGE: () => problemOf(parseVietnameseDate('31/13/1990', { today })),
  HOSO_ERR_DATE_DAY_RANGE: () => problemOf(parseVietnameseDate('31/02/2023', { today })),
  HOSO_ERR_DATE_TOO_OLD: () => problemOf(parseVietnameseDate('1/1/1850', { today })),
  HOSO_ERR_DATE_IN_FUTURE: () => problemOf(parseVietnameseDate('1/1/2030', { today })),
  HOSO_ERR_PHONE_EMPTY: () => problemOf(parsePhone('')),
  HOSO_ERR_PHONE_NOT_DIGITS: () => problemOf(parsePhone('0912abc678')),
  HOSO_ERR_PHONE_FOREIGN: () => problemOf(parsePhone('+14155550100')),
  HOSO_ERR_PHONE_NO_LEADING_ZERO: () => problemOf(parsePhone('912345678')),
  HOSO_ERR_PHONE_OLD_ELEVEN_DIGITS: () => problemOf(parsePhone('01234567890')),
  HOSO_ERR_PHONE_LANDLINE: () => problemOf(parsePhone('02438251234')),
  HOSO_ERR_PHONE_TOO_SHORT: () => problemOf(parsePhone('091234567')),
  HOSO_ERR_PHONE_TOO_LONG: () => problemOf(parsePhone('09123456789')),
  HOSO_ERR_PHONE_NOT_MOBILE: () => problemOf(parsePhone('0612345678')),
  HOSO_ERR_OTP_FORMAT: () => problemOf(parseOtpCode('12345')),
  HOSO_ERR_OTP_NOT_DIGITS: () => problemOf(parseOtpCode('12a456')),
  HOSO_ERR_OTP_WRONG: () => otpProblem({ status: 'wrong', triesLeft: 3 })!,
  HOSO_ERR_OTP_EXPIRED: () => otpProblem({ status: 'expired' })!,
  HOSO_ERR_OTP_LOCKED: () => otpProblem({ status: 'locked', until: 15 * 60_000 }, 0)!,
  HOSO_ERR_OTP_THROTTLED: () => otpProblem({ status: 'throttled', retryAfterMs: 42_000 })!,
  HOSO_ERR_OTP_THROTTLED_MINUTES: () => otpProblem({ status: 'throttled', retryAfterMs: 30 * 60_000 }, 0)!,
  HOSO_ERR_LOOKUP_RATE_LIMITED: () => rateLimitProblem({ allowed: false, retryAfterMs: 20 * 60_000 })!,
};

/** Codes that are not parse results but errors thrown by the ports; they have no parameters. */
const thrownCodes = ['HOSO_ERR_POPULATION_UNAVAILABLE', 'HOSO_ERR_SMS_UNAVAILABLE'];

function sourceCodes(): Set<string> {
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) {
        for (const m of readFileSync(path, 'utf8').matchAll(/'(HOSO_(?:ERR|WARN)_[A-Z0-9_]+)'/g))
          found.add(m[1]!);
      }
    }
  };
  walk(join(root, 'src/identity'));
  return found;
}

describe('identity messages', () => {
  it('has an example here for every code the identity code can produce', () => {
    expect([...sourceCodes()].sort()).toEqual(Object.keys(examples).sort());
  });

  for (const [code, make] of Object.entries(examples)) {
    it(`renders ${code} in Vietnamese and English with every parameter filled`, () => {
      const problem = make();
      expect(problem.code).toBe(code);
      for (const lang of languages) {
        const text = t[lang]!(problem.key, problem.params);
        expect(text, `${lang}: ${problem.key}`).not.toBe(problem.key.split(':')[1]);
        expect(text, `${lang}: ${text}`).not.toMatch(/\{\{|\}\}|\$t\(|undefined|identity:/);
        expect(text.normalize('NFC')).toBe(text);
      }
    });
  }

  it('has a message for the port errors the dialogue shows', () => {
    for (const code of thrownCodes) {
      for (const lang of languages) expect(t[lang]!(`identity:errors.${code}`)).not.toContain('errors.');
    }
  });

  it('says exactly what is wrong with a short ID number, in Vietnamese', () => {
    const problem = problemOf(parseCitizenId('00109901234'));
    expect(t.vi!(problem.key, problem.params)).toBe('Số CCCD phải có 12 chữ số, anh/chị đã nhập 11 chữ số.');
  });

  it('names the gender in the reader’s language', () => {
    const w = warningOf(parseCitizenId('001099012345', { gender: 'female' }));
    expect(t.vi!(w.key, w.params)).toContain('giới tính nam');
    expect(t.en!(w.key, w.params)).toContain('stands for male');
  });

  it('has the same keys in both languages', () => {
    const keys = (lang: string) => {
      const flat: string[] = [];
      const walk = (o: Record<string, unknown>, prefix: string) => {
        for (const [k, v] of Object.entries(o)) {
          if (typeof v === 'string') flat.push(prefix + k);
          else walk(v as Record<string, unknown>, `${prefix}${k}.`);
        }
      };
      walk(JSON.parse(readFileSync(join(root, 'locales', lang, 'identity.json'), 'utf8')), '');
      return flat.sort();
    };
    expect(keys('en')).toEqual(keys('vi'));
  });
});
