import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import i18next, { type i18n, type TFunction } from 'i18next';
import { z } from 'zod';

export const LangSchema = z.enum(['vi', 'en']);
export type Lang = z.infer<typeof LangSchema>;
export const LANGS = LangSchema.options;

export const TIME_ZONE = 'Asia/Ho_Chi_Minh';

const LOCALES_DIR = fileURLToPath(new URL('../locales/', import.meta.url));

/** Every JSON file of `locales/<lang>/` is a namespace named after the file; `common` is the default. */
function readResources(dir: string): Record<Lang, Record<string, unknown>> {
  const resources = {} as Record<Lang, Record<string, unknown>>;
  for (const lang of LANGS) {
    const folder = join(dir, lang);
    resources[lang] = {};
    for (const file of readdirSync(folder).filter((f) => f.endsWith('.json'))) {
      resources[lang][basename(file, '.json')] = JSON.parse(readFileSync(join(folder, file), 'utf8'));
    }
  }
  return resources;
}

export interface Translator {
  /** A translation function fixed to one language; never changes a shared instance's language. */
  t(lang: Lang): TFunction;
  instance: i18n;
}

export function createTranslator(options: { localesDir?: string } = {}): Translator {
  const resources = readResources(options.localesDir ?? LOCALES_DIR);
  const namespaces = Object.keys(resources.vi);
  const instance = i18next.createInstance();
  void instance.init({
    initAsync: false,
    lng: 'vi',
    fallbackLng: 'vi',
    supportedLngs: [...LANGS],
    ns: namespaces,
    defaultNS: 'common',
    resources: Object.fromEntries(
      LANGS.map((lang) => [
        lang,
        Object.fromEntries(
          Object.entries(resources[lang]).map(([ns, v]) => [ns, v as Record<string, unknown>]),
        ),
      ]),
    ),
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  instance.services.formatter?.add('vnd', (value, lng) => formatVnd(Number(value), lngOf(lng)));
  instance.services.formatter?.add('date', (value, lng) => formatDate(value as Date | string, lngOf(lng)));
  instance.services.formatter?.add('datetime', (value, lng) =>
    formatDateTime(value as Date | string, lngOf(lng)),
  );
  const fixed = new Map<Lang, TFunction>(LANGS.map((lang) => [lang, memoized(instance.getFixedT(lang))]));
  return { t: (lang) => fixed.get(lang) ?? instance.getFixedT(lang), instance };
}

/**
 * Sentences without parameters never change while the process runs: look each up once. i18next's lookup
 * showed in profiles of the webhook turn (menus translate several labels on every turn).
 */
function memoized(t: TFunction): TFunction {
  const cache = new Map<string, string>();
  const call = t as unknown as (...a: unknown[]) => string;
  const wrapped = ((...args: unknown[]) => {
    if (args.length !== 1 || typeof args[0] !== 'string') return call(...args);
    const key = args[0];
    let hit = cache.get(key);
    if (hit === undefined) {
      hit = call(key);
      cache.set(key, hit);
    }
    return hit;
  }) as unknown as TFunction;
  return wrapped;
}

function lngOf(lng: string | undefined): Lang {
  return lng === 'en' ? 'en' : 'vi';
}

const vndFormat = {
  vi: new Intl.NumberFormat('vi-VN', { style: 'currency', currency: 'VND' }),
  en: new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'VND', currencyDisplay: 'code' }),
};

/** "200.000 ₫" in Vietnamese (no-break space before ₫), "VND 200,000" in English. Whole đồng only. */
export function formatVnd(amount: number, lang: Lang): string {
  return vndFormat[lang].format(Math.round(amount));
}

const dateFormat = new Intl.DateTimeFormat('en-GB', {
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  timeZone: TIME_ZONE,
});
const timeFormat = new Intl.DateTimeFormat('en-GB', {
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: TIME_ZONE,
});

function toDate(value: Date | string): Date {
  // A bare calendar date means that day in Vietnam, not midnight UTC.
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value))
    return new Date(`${value}T12:00:00+07:00`);
  return value instanceof Date ? value : new Date(value);
}

/** dd/mm/yyyy in Vietnam time, in both languages. */
export function formatDate(value: Date | string, _lang: Lang = 'vi'): string {
  return dateFormat.format(toDate(value));
}

/** "14:05 ngày 25/11/2026" / "14:05 on 25/11/2026", Vietnam time. */
export function formatDateTime(value: Date | string, lang: Lang = 'vi'): string {
  const d = toDate(value);
  return `${timeFormat.format(d)} ${lang === 'vi' ? 'ngày' : 'on'} ${dateFormat.format(d)}`;
}

// Built once: a DateTimeFormat with a time zone is costly to create (it showed in profiles of the webhook turn).
const isoDateFormat = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE });

/** The calendar date (YYYY-MM-DD) in Vietnam at a given instant. */
export function vietnamDate(at: Date = new Date()): string {
  return isoDateFormat.format(at);
}
