import type { TFunction } from 'i18next';
import type { Button } from '../../dialogue/message.ts';
import { foldVietnamese } from '../../dialogue/nlu/fold.ts';
import { formatDate, type Lang } from '../../i18n.ts';
import { parseVietnameseDate, vietnamToday } from '../../identity/parse/date.ts';
import type { Input } from '../../rules/schema.ts';

/**
 * One catalog input as a chat question, and the citizen's reply as an answer: buttons for choices and yes/no,
 * validated free text for numbers, dates and text. Nothing here knows a service: the catalog says what to ask.
 */

export interface Option {
  value: string | number;
  label: string;
}

/** What a question offers: the catalog's options, or those a source supplied for this citizen. */
export function optionsOf(input: Input, lang: Lang, dynamic: Option[] | undefined): Option[] {
  if (input.type === 'choice') {
    return input.optionsFrom !== undefined
      ? (dynamic ?? [])
      : input.options.map((o) => ({ value: o.value as string | number, label: o.label[lang] }));
  }
  return [];
}

export type Answer =
  | { ok: true; value: unknown }
  | { ok: false; key: string; params?: Record<string, unknown> };

// How people answer yes or no in a chat, with or without marks and a polite "ạ" or "nhé" after it.
const YES =
  /^(?:co|co a|da co|vang|vang co|dung|dung roi|phai|roi|da|u|uh|uhm|um|ok|oke|okay|yes|y|yeah|yep|sure|true)(?: (?:a|nhe|nha|roi|a nhe))?$/;
const NO =
  /^(?:khong|ko|k|kg|kh|khg|hong|hem|hok|khong co|ko co|k co|hong co|chua|chua co|sai|no|n|nope|nah|false)(?: (?:a|nhe|nha|dau|a nhe))?$/;

const NUMBER_WORDS: Record<string, number> = {
  mot: 1,
  hai: 2,
  ba: 3,
  bon: 4,
  tu: 4,
  nam: 5,
  sau: 6,
  bay: 7,
  tam: 8,
  chin: 9,
  muoi: 10,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
};

/** The buttons of a question (the answers), plus "Quay lại" when there is a step to go back to. */
export function questionButtons(
  input: Input,
  options: Option[],
  t: TFunction,
  action: (payload: string) => string,
): Button[] {
  if (input.type === 'yesno') {
    return [
      { label: t('requests:flow.yes'), action: action(`a:${input.id}:y`) },
      { label: t('requests:flow.no'), action: action(`a:${input.id}:n`) },
    ];
  }
  return options.map((o, i) => ({ label: o.label, action: action(`a:${input.id}:${i}`) }));
}

/** A button press `a:<input>:<index|y|n>` as an answer to `input`. */
export function answerFromButton(input: Input, options: Option[], payload: string): Answer | undefined {
  if (input.type === 'yesno') {
    if (payload === 'y') return { ok: true, value: true };
    if (payload === 'n') return { ok: true, value: false };
    return undefined;
  }
  const option = options[Number(payload)];
  return option && /^\d+$/.test(payload) ? { ok: true, value: option.value } : undefined;
}

function matchOption(options: Option[], text: string): Option | undefined {
  const folded = foldVietnamese(text);
  if (folded === '') return undefined;
  const exact = options.find(
    (o) => foldVietnamese(o.label) === folded || foldVietnamese(String(o.value)) === folded,
  );
  if (exact) return exact;
  if (/^\d{1,2}$/.test(folded)) return options[Number(folded) - 1];
  // "cho con", "ban than", "phieu 2": a part of one label and of no other.
  if (folded.length >= 3) {
    const partial = options.filter((o) => {
      const label = ` ${foldVietnamese(o.label)} `;
      return label.includes(` ${folded} `) || folded.includes(foldVietnamese(o.label));
    });
    if (partial.length === 1) return partial[0];
  }
  return undefined;
}

/** "3", "3 bản", "ba", "mười một", "hai mươi lăm": numbers as people type them, up to 99 in words. */
function parseInteger(text: string): number | undefined {
  const folded = foldVietnamese(text)
    .replace(/[.,!?]/g, ' ')
    .trim()
    .replace(/\s+/g, ' ');
  const digits = /^(\d{1,6})(?:\s|$)/.exec(folded);
  if (digits) return Number(digits[1]);
  // Inside a sentence ("tôi cần 2 bản", "cho tôi hai bản", "two copies please"): one number, digits or words.
  const inside = [...folded.matchAll(/(?:^|\s)(\d{1,6})(?=\s|$)/g)];
  if (inside.length === 1) return Number(inside[0]?.[1]);
  const whole = wordsToNumber(folded);
  if (whole !== undefined) return whole;
  const words = folded.split(' ');
  for (let i = 1; i < words.length; i++) {
    const next = words.slice(i).join(' ');
    if (!/^\D+ (?:ban|copies|copy)\b/.test(next) && !/^(?:muoi|\S+ muoi)\b/.test(next)) continue;
    const n = wordsToNumber(next);
    if (n !== undefined) return n;
  }
  return undefined;
}

function wordsToNumber(folded: string): number | undefined {
  // After "mười/mươi", five is "lăm" and one may be "mốt"; all fold without marks.
  const ones = (w: string | undefined) => {
    const n = w === 'lam' ? 5 : NUMBER_WORDS[w ?? ''];
    return n !== undefined && n < 10 ? n : 0;
  };
  const [a, b, c] = folded.split(' ');
  if (a === 'muoi') return 10 + ones(b);
  const first = NUMBER_WORDS[a ?? ''];
  if (first !== undefined && first < 10 && b === 'muoi') return first * 10 + ones(c);
  return first;
}

/** A typed reply as an answer to `input`, or why it is not one (a message key with its parameters). */
export function answerFromText(input: Input, options: Option[], text: string, now: Date): Answer {
  switch (input.type) {
    case 'choice': {
      const option = matchOption(options, text);
      return option ? { ok: true, value: option.value } : { ok: false, key: 'requests:flow.invalid.choice' };
    }
    case 'yesno': {
      const folded = foldVietnamese(text);
      if (YES.test(folded)) return { ok: true, value: true };
      if (NO.test(folded)) return { ok: true, value: false };
      return { ok: false, key: 'requests:flow.invalid.yesno' };
    }
    case 'integer': {
      const n = parseInteger(text);
      const bounds = { min: input.min ?? 1, max: input.max ?? 9999 };
      if (n === undefined || n < bounds.min || n > bounds.max)
        return { ok: false, key: 'requests:flow.invalid.integer', params: bounds };
      return { ok: true, value: n };
    }
    case 'date': {
      const today = vietnamToday(now);
      // A date that may not be in the future gets the parser's own exact wording for it ("… is after today").
      const parsed = parseVietnameseDate(text, { today, birth: input.notInFuture === true });
      if (!parsed.ok) return { ok: false, key: parsed.error.key, params: parsed.error.params };
      const iso = parsed.value.iso;
      if (
        (input.notInFuture && iso > today) ||
        (input.min && iso < input.min) ||
        (input.max && iso > input.max)
      )
        return { ok: false, key: 'requests:flow.invalid.dateRange' };
      return { ok: true, value: iso };
    }
    case 'text': {
      const value = (input.uppercase ? text.toUpperCase() : text).normalize('NFC').trim();
      if (
        value === '' ||
        (input.maxLength !== undefined && value.length > input.maxLength) ||
        (input.pattern !== undefined && !new RegExp(input.pattern).test(value))
      )
        return { ok: false, key: 'requests:flow.invalid.text' };
      return { ok: true, value };
    }
  }
}

/** An answer as the citizen reads it back in the summary. */
export function describeAnswer(
  input: Input,
  options: Option[],
  value: unknown,
  t: TFunction,
  lang: Lang,
): string {
  switch (input.type) {
    case 'choice':
      return options.find((o) => o.value === value)?.label ?? String(value);
    case 'yesno':
      return t(value ? 'requests:flow.yes' : 'requests:flow.no');
    case 'date':
      return typeof value === 'string' ? formatDate(value, lang) : String(value);
    default:
      return String(value);
  }
}
