/**
 * Deterministic fictional requests drawn from a service's fact declarations and their `sample` hints:
 * the same seed always gives the same citizens, dates, channels and categories.
 */
import { addDays, dayNumber, fromDayNumber, todayInVietnam } from './dates.ts';
import { type Facts, setterFor } from './facts.ts';
import type { FactDecl, ServiceFile } from './schema.ts';

/** mulberry32: small, fast, and good enough to spread samples. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pickWeighted<T>(
  rand: () => number,
  values: readonly T[],
  weights: readonly number[] | undefined,
): T {
  if (!weights || weights.length !== values.length) return values[Math.floor(rand() * values.length)]!;
  let total = 0;
  for (const w of weights) total += w;
  let x = rand() * total;
  for (let i = 0; i < values.length; i++) {
    x -= weights[i]!;
    if (x < 0) return values[i]!;
  }
  return values[values.length - 1]!;
}

export interface SampleOptions {
  seed?: number;
  /** Restrict decision dates to this range (inclusive), e.g. the days both rule sets cover. */
  from?: string;
  to?: string;
  /** Extend the decision dates to this day when the service's range ends earlier (a change dated later). */
  until?: string;
}

/** A generator of raw facts (as a caller would send them) for a service. */
export function sampler(
  service: Pick<ServiceFile, 'facts' | 'coverage'>,
  options: SampleOptions = {},
): () => Facts {
  const rand = prng(options.seed ?? 1);
  const decls = [...service.facts];
  const onDecl = decls.find((d) => d.name === 'on');
  const range = onDecl?.sample?.dateRange ?? [
    service.coverage?.from ?? '2020-01-01',
    addDays(todayInVietnam(), 365),
  ];
  let lo = range[0];
  let hi = range[1];
  if (options.from && options.from > lo) lo = options.from;
  if (options.until && options.until > hi) hi = options.until;
  if (options.to && options.to < hi) hi = options.to;
  if (hi < lo) hi = lo;
  const onLo = dayNumber(lo);
  const onSpan = dayNumber(hi) - onLo + 1;
  const rest = decls.filter((d) => d.name !== 'on').map((decl) => ({ decl, set: setterFor(decl.name) }));

  const draw = (decl: FactDecl, on: string): unknown => {
    const hint = decl.sample;
    if (hint?.values) return pickWeighted(rand, hint.values, hint.weights);
    switch (decl.type) {
      case 'boolean':
        return rand() < 0.5;
      case 'integer':
        if (decl.enum) return pickWeighted(rand, decl.enum, undefined);
        return (
          (decl.min ?? 0) + Math.floor(rand() * ((decl.max ?? (decl.min ?? 0) + 10) - (decl.min ?? 0) + 1))
        );
      case 'string':
        return decl.enum ? pickWeighted(rand, decl.enum, undefined) : undefined;
      case 'date': {
        if (hint?.ageRange) {
          const [a, b] = hint.ageRange;
          const age = a + Math.floor(rand() * (b - a + 1));
          // A birthday within the year before the age is reached: `age` full years on `on`.
          const lastBirthday =
            dayNumber(`${String(+on.slice(0, 4) - age).padStart(4, '0')}-01-01`) +
            dayNumber(on) -
            dayNumber(`${on.slice(0, 4)}-01-01`);
          return fromDayNumber(lastBirthday - Math.floor(rand() * 365));
        }
        const [from, to] = hint?.dateRange ?? ['1940-01-01', on];
        const span = Math.max(1, dayNumber(to) - dayNumber(from) + 1);
        return fromDayNumber(dayNumber(from) + Math.floor(rand() * span));
      }
    }
  };

  return () => {
    const facts: Facts = {};
    const on = fromDayNumber(onLo + Math.floor(rand() * onSpan));
    facts.on = on;
    for (const { decl, set } of rest) {
      // Without a hint, a fact is left to its default half of the time.
      const omit = decl.sample ? (decl.sample.omit ?? 0) : 0.5;
      if (!decl.required && rand() < omit) continue;
      const v = draw(decl, on);
      if (v !== undefined) set(facts, v);
    }
    return facts;
  };
}
