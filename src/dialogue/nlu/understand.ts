import { extractPatternEntities, type PatternEntities } from './entities.ts';
import { foldMarks } from './fold.ts';
import { INTENT_RULES, LANG_CODES, type PatternTarget, SLASH_COMMANDS, THRESHOLDS } from './intents.ts';
import { compileMatcher, type PhraseEntities } from './matcher.ts';
import { type Entities, type Intent, IntentSchema, type Understanding } from './schema.ts';

const matcher = compileMatcher();
const INTENTS: readonly Intent[] = IntentSchema.options;
const SLASH_COMMAND = /^\/([a-z_]+)(?:@\w+)?(?:\s+([\s\S]*))?$/;

/**
 * How the bot understands one message: an intent of contracts §2, a confidence in 0..1, and the entities found.
 * Deterministic and free of I/O; works on text with or without diacritics, chat abbreviations and light typos.
 */
export function understand(text: string): Understanding {
  const folded = foldMarks(text).trim();
  const command = SLASH_COMMAND.exec(folded);
  const commandIntent = command ? SLASH_COMMANDS[command[1]!] : undefined;
  if (command && commandIntent) return understandCommand(commandIntent, command[2] ?? '');

  const { entities: found, masked } = extractPatternEntities(folded);
  const { scores, entities: said } = matcher.analyse(matcher.words(masked));
  const { intent, confidence, frustrated } = decide(scores);
  const understanding: Understanding = { intent, confidence, entities: assemble(intent, said, found) };
  if (frustrated) understanding.frustrated = true;
  return understanding;
}

function understandCommand(intent: Intent, argument: string): Understanding {
  const { entities: found, masked } = extractPatternEntities(argument);
  const words = matcher.words(masked);
  const said = matcher.analyse(words).entities;
  if (intent === 'change_language') {
    const code = words.length === 1 ? LANG_CODES[words[0]!] : undefined;
    if (code) said.lang = code;
  }
  return { intent, confidence: 1, entities: assemble(intent, said, found) };
}

/** Entities in a stable order; the language only travels with `change_language`. */
function assemble(intent: Intent, said: PhraseEntities, found: PatternEntities): Entities {
  const entities: Entities = {};
  const service =
    said.service ??
    (intent === 'criminal_record' ? 'lltp' : intent === 'health_record' ? 'health_record' : undefined);
  if (service) entities.service = service;
  if (said.form) entities.form = said.form;
  if (found.cccd) entities.cccd = found.cccd;
  if (found.date) entities.date = found.date;
  if (found.phone) entities.phone = found.phone;
  if (found.request_id) entities.request_id = found.request_id;
  if (intent === 'change_language' && said.lang) entities.lang = said.lang;
  return entities;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/**
 * Confidence grows with the winner's score and shrinks when a runner-up comes close:
 * (1 − e^(−best/1.5)) × (1 − ½·second/best), capped at 0.99 (only a command is certain).
 */
function confidenceOf(best: number, second: number): number {
  if (best <= 0) return 0;
  return Math.min(0.99, (1 - Math.exp(-best / 1.5)) * (1 - (0.5 * second) / best));
}

function decide(scores: ReadonlyMap<PatternTarget, number>): {
  intent: Intent;
  confidence: number;
  frustrated: boolean;
} {
  const frustrated = (scores.get('frustration') ?? 0) >= THRESHOLDS.minScore;
  const suppressed = new Set<Intent>();
  let contentSaid = false;
  for (const intent of INTENTS) {
    if ((scores.get(intent) ?? 0) < THRESHOLDS.minScore) continue;
    for (const other of INTENT_RULES[intent]?.suppresses ?? []) suppressed.add(other);
    if (!INTENT_RULES[intent]?.social && intent !== 'unknown') contentSaid = true;
  }
  let best: Intent | undefined;
  let bestScore = 0;
  let secondScore = 0;
  for (const intent of INTENTS) {
    const score = scores.get(intent) ?? 0;
    if (score <= 0 || suppressed.has(intent) || (contentSaid && INTENT_RULES[intent]?.social)) continue;
    if (score > bestScore) {
      secondScore = bestScore;
      best = intent;
      bestScore = score;
    } else if (score > secondScore) {
      secondScore = score;
    }
  }
  const confidence = confidenceOf(bestScore, secondScore);
  if (
    best !== undefined &&
    best !== 'unknown' &&
    bestScore >= THRESHOLDS.minScore &&
    confidence >= THRESHOLDS.minConfidence
  ) {
    return { intent: best, confidence: round2(confidence), frustrated };
  }
  if (frustrated)
    return { intent: 'talk_to_staff', confidence: THRESHOLDS.frustrationConfidence, frustrated };
  // Unknown is as sure as the best guess was unsure, or as sure as an explicit look-alike phrase.
  return {
    intent: 'unknown',
    confidence: round2(best === 'unknown' ? confidence : 1 - confidence),
    frustrated,
  };
}
