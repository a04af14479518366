/**
 * The service catalog format: the single source of truth. `rules/schema.json` is generated from it
 * (`hoso rules schema --write`) so editors can check catalog files as agencies type them.
 *
 * Conditions are json-rules-engine conditions (`fact` + `$.path`); everything else names facts by their
 * dotted name (`subject.dateOfBirth`).
 */
import { z } from 'zod';
import { ISO_DATE_RE, isCalendarDate } from './dates.ts';

export const CODE_RE = /^[a-z][a-z0-9_]*$/;
export const ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
export const FACT_NAME_RE = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$/;
export const JSON_PATH_RE = /^\$(\.[A-Za-z_][A-Za-z0-9_]*)+$/;

export const IsoDate = z
  .string()
  .regex(ISO_DATE_RE)
  .refine(isCalendarDate, { message: 'not a calendar date', params: { finding: 'malformed_date' } })
  .meta({ description: 'A calendar date, YYYY-MM-DD, Vietnam time.' });

export const Code = z.string().regex(CODE_RE).meta({ description: 'A stable snake_case code.' });
export const FactName = z
  .string()
  .regex(FACT_NAME_RE)
  .meta({ description: 'A fact by its dotted name, e.g. subject.dateOfBirth.' });

export const Localized = z
  .strictObject({ vi: z.string().min(1), en: z.string().min(1) })
  .meta({ id: 'Localized', description: 'Text in Vietnamese and English.' });

/** Messages may be incomplete in a draft; the linter reports a code without vi or en. */
export const Message = z.strictObject({ vi: z.string().min(1).optional(), en: z.string().min(1).optional() });

export const Certainty = z
  .enum(['confirmed', 'single', 'uncertain', 'conflict'])
  .meta({ description: 'How sure the reading is, with the markers of the domain notes.' });

// ---------------------------------------------------------------- conditions (json-rules-engine)

export interface LeafCondition {
  fact: string;
  operator: string;
  value: unknown;
  path?: string | undefined;
  params?: Record<string, unknown> | undefined;
  name?: string | undefined;
  priority?: number | undefined;
}
export type Condition =
  | { all: Condition[]; name?: string | undefined; priority?: number | undefined }
  | { any: Condition[]; name?: string | undefined; priority?: number | undefined }
  | { not: Condition; name?: string | undefined; priority?: number | undefined }
  | { condition: string; name?: string | undefined; priority?: number | undefined }
  | LeafCondition;
export type TopCondition = Exclude<Condition, LeafCondition>;

const conditionMeta = { name: z.string().optional(), priority: z.int().min(1).optional() };

export const LeafConditionSchema = z
  .strictObject({
    fact: z.string().min(1),
    operator: z
      .string()
      .min(1)
      .meta({
        description:
          'equal, notEqual, in, notIn, contains, doesNotContain, lessThan, lessThanInclusive, greaterThan, ' +
          'greaterThanInclusive; optionally decorated (not:, someFact:, everyFact:, someValue:, everyValue:, swap:).',
      }),
    value: z.unknown().refine((v) => v !== undefined, { message: 'value is required' }),
    path: z.string().regex(JSON_PATH_RE).optional(),
    params: z.record(z.string(), z.unknown()).optional(),
    ...conditionMeta,
  })
  .meta({ id: 'FactCondition' });

export const ConditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(ConditionSchema), ...conditionMeta }),
    z.strictObject({ any: z.array(ConditionSchema), ...conditionMeta }),
    z.strictObject({ not: ConditionSchema, ...conditionMeta }),
    z.strictObject({ condition: z.string().min(1), ...conditionMeta }),
    LeafConditionSchema,
  ]),
) as z.ZodType<Condition>;

export const TopConditionSchema: z.ZodType<TopCondition> = z
  .union([
    z.strictObject({ all: z.array(ConditionSchema), ...conditionMeta }),
    z.strictObject({ any: z.array(ConditionSchema), ...conditionMeta }),
    z.strictObject({ not: ConditionSchema, ...conditionMeta }),
    z.strictObject({ condition: z.string().min(1), ...conditionMeta }),
  ])
  .meta({
    id: 'TopCondition',
    description:
      'A json-rules-engine condition root: all, any, not, or a named condition. `{"all": []}` always holds.',
  }) as z.ZodType<TopCondition>;

// ---------------------------------------------------------------- facts

const FactRef = z.strictObject({ fact: FactName }).meta({ description: 'The value of another fact.' });
const Today = z.strictObject({ today: z.literal(true) }).meta({ description: "Today's date in Vietnam." });
const Scalar = z.union([z.string(), z.number(), z.boolean()]);

export const SampleHint = z
  .strictObject({
    omit: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .meta({ description: 'Chance the fact is left out (its default applies).' }),
    values: z.array(Scalar).min(1).optional(),
    weights: z.array(z.number().nonnegative()).min(1).optional(),
    ageRange: z
      .tuple([z.int().min(0), z.int().min(0)])
      .optional()
      .meta({ description: 'For a date of birth: the age range on the decision date.' }),
    dateRange: z.tuple([IsoDate, IsoDate]).optional(),
  })
  .meta({ description: 'How `rules impact` draws fictional values for this fact.' });

const factBase = {
  name: FactName,
  description: z.string().min(1),
  required: z.boolean().optional(),
  sample: SampleHint.optional(),
};

export const FactDeclSchema = z
  .discriminatedUnion('type', [
    z.strictObject({
      ...factBase,
      type: z.literal('boolean'),
      default: z.union([z.boolean(), FactRef]).optional(),
    }),
    z.strictObject({
      ...factBase,
      type: z.literal('integer'),
      min: z.int().optional(),
      max: z.int().optional(),
      enum: z.array(z.int()).min(1).optional(),
      default: z.union([z.int(), FactRef]).optional(),
    }),
    z.strictObject({
      ...factBase,
      type: z.literal('string'),
      enum: z.array(z.string()).min(1).optional(),
      pattern: z.string().optional(),
      default: z.union([z.string(), FactRef]).optional(),
    }),
    z.strictObject({
      ...factBase,
      type: z.literal('date'),
      notAfter: FactName.optional().meta({ description: 'The date may not be later than this date fact.' }),
      default: z.union([IsoDate, FactRef, Today]).optional(),
    }),
  ])
  .meta({ id: 'Fact' });

export type Expr =
  | number
  | string
  | { add: Expr[] }
  | { sub: [Expr, Expr] }
  | { mul: Expr[] }
  | { min: Expr[] }
  | { max: Expr[] }
  | { age: { of: string; on: string } };

export const ExprSchema: z.ZodType<Expr> = z.lazy(() =>
  z.union([
    z.number(),
    FactName,
    z.strictObject({ add: z.array(ExprSchema).min(1) }),
    z.strictObject({ sub: z.tuple([ExprSchema, ExprSchema]) }),
    z.strictObject({ mul: z.array(ExprSchema).min(1) }),
    z.strictObject({ min: z.array(ExprSchema).min(1) }),
    z.strictObject({ max: z.array(ExprSchema).min(1) }),
    z.strictObject({ age: z.strictObject({ of: FactName, on: FactName }) }),
  ]),
) as z.ZodType<Expr>;

export const DerivedFactSchema = z
  .strictObject({
    name: FactName,
    type: z.enum(['integer', 'number']),
    description: z.string().min(1),
    expr: ExprSchema.meta({
      description:
        'A number, a fact name, {add|mul|min|max: [..]}, {sub: [a, b]}, or {age: {of, on}} (full years).',
    }),
  })
  .meta({ id: 'DerivedFact', description: 'Computed once per decision, before any rule runs.' });

// ---------------------------------------------------------------- inputs (what the conversation asks)

const inputBase = {
  id: z.string().regex(ID_RE),
  fills: FactName.meta({ description: 'The fact this answer fills.' }),
  prompt: Localized,
  label: Localized.optional().meta({
    description: 'A short name for the answer in a summary ("Loại phiếu"); the prompt when absent.',
  }),
  help: Localized.optional(),
  when: TopConditionSchema.optional().meta({
    description: 'Ask only when this holds on the answers so far.',
  }),
  record: z.boolean().optional().meta({
    description:
      'Asked for the agency and the extract (the purpose, a scope), not for a rule: no warning that no rule reads it.',
  }),
};

export const InputSchema = z
  .discriminatedUnion('type', [
    z.strictObject({
      ...inputBase,
      type: z.literal('choice'),
      options: z.array(z.strictObject({ value: Scalar, label: Localized })).default([]),
      optionsFrom: z
        .string()
        .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/)
        .optional()
        .meta({
          description:
            'Options that depend on the citizen (e.g. "health.visits": the visits in their e-health book), supplied at run time by the service named here; `options` is then left empty.',
        }),
    }),
    z.strictObject({
      ...inputBase,
      type: z.literal('integer'),
      min: z.int().optional(),
      max: z.int().optional(),
    }),
    z.strictObject({
      ...inputBase,
      type: z.literal('date'),
      notInFuture: z.boolean().optional(),
      min: IsoDate.optional(),
      max: IsoDate.optional(),
    }),
    z.strictObject({ ...inputBase, type: z.literal('yesno') }),
    z.strictObject({
      ...inputBase,
      type: z.literal('text'),
      pattern: z.string().optional(),
      maxLength: z.int().min(1).optional(),
      uppercase: z.boolean().optional(),
    }),
  ])
  .meta({ id: 'Input' });

// ---------------------------------------------------------------- events (the fixed vocabulary)

export const FeeParamsSchema = z.union([
  z.strictObject({
    code: Code,
    amount: z.int().meta({ description: 'Whole đồng; negative for a discount.' }),
  }),
  z.strictObject({ code: Code, unitAmount: z.int(), units: FactName }),
  z.strictObject({
    code: Code,
    percent: z
      .number()
      .min(-100)
      .max(100)
      .meta({ description: 'Of the sum of the amount and per-unit lines.' }),
  }),
]);

export const EventSchema = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('deny'), params: z.strictObject({ reason: Code }) }),
    z.strictObject({ type: z.literal('require'), params: z.strictObject({ document: Code }) }),
    z.strictObject({ type: z.literal('fee'), params: FeeParamsSchema }),
    z.strictObject({
      type: z.literal('processing'),
      params: z.strictObject({ days: z.int().min(0), unit: z.enum(['working', 'calendar']) }),
    }),
    z.strictObject({
      type: z.literal('authority'),
      params: z.union([z.strictObject({ code: Code }), Localized]),
    }),
  ])
  .meta({ id: 'Event' });

export const BasisSchema = z
  .strictObject({
    instrument: z.string().min(1),
    article: z
      .string()
      .min(1)
      .meta({ description: 'The article, or the named provision when no number is known.' }),
    url: z.string().url().optional(),
  })
  .meta({ id: 'LegalBasis' });

export const RuleSchema = z
  .strictObject({
    id: z.string().regex(ID_RE),
    title: z
      .union([Localized, z.string().min(1)])
      .optional()
      .meta({
        description:
          'What the rule says, in Vietnamese and English. A plain string (English only, the older form) is ' +
          'still read so stored versions load; lint warns about it.',
      }),
    effective: z.strictObject({ from: IsoDate, to: IsoDate.optional() }).meta({
      description: 'In force from `from` to `to`, both days included; no `to` means until further notice.',
    }),
    basis: z.array(BasisSchema).min(1),
    certainty: Certainty.optional(),
    note: z
      .string()
      .optional()
      .meta({ description: 'Why this reading; required when certainty is not confirmed.' }),
    conditions: TopConditionSchema,
    event: EventSchema,
  })
  .meta({ id: 'Rule' });

// ---------------------------------------------------------------- files

export const MessagesSchema = z.strictObject({
  reasons: z.record(z.string(), Message).optional(),
  documents: z.record(z.string(), Message).optional(),
  fees: z.record(z.string(), Message).optional(),
  authorities: z.record(z.string(), Message).optional(),
});

export const ServiceFileSchema = z
  .strictObject({
    $schema: z.string().optional(),
    id: z.string().regex(CODE_RE),
    version: z.string().min(1),
    title: Localized,
    description: Localized.optional(),
    coverage: z
      .strictObject({ from: IsoDate })
      .optional()
      .meta({
        description:
          'The first day this rule set answers for; earlier dates are refused. From that day on, lint requires ' +
          'a "base" fee line, a processing time and an authority (the kinds the service uses) for every request.',
      }),
    facts: z.array(FactDeclSchema).min(1),
    derived: z.array(DerivedFactSchema).optional(),
    conditions: z.record(z.string(), TopConditionSchema).optional().meta({
      description: 'Named conditions, referenced from rules as {"condition": "name"}.',
    }),
    inputs: z.array(InputSchema),
    sensitive: z
      .strictObject({
        when: TopConditionSchema.optional(),
        reason: Code.meta({
          description:
            'Why, as the identity module words it (identity:fresh.reasons.<reason>, e.g. health_data, form2).',
        }),
      })
      .optional()
      .meta({
        description:
          'The request touches sensitive data (always, or when `when` holds on the answers): the citizen proves again who they are if their link is older than the configured age (Decree 13/2023, Law 91/2025).',
      }),
    messages: MessagesSchema,
  })
  .meta({ id: 'ServiceFile', description: 'A service: rules/<id>/service.json' });

export const RulesFileSchema = z
  .strictObject({ $schema: z.string().optional(), rules: z.array(RuleSchema) })
  .meta({ id: 'RulesFile', description: 'Rules of a service: rules/<id>/rules/*.json' });

export const ScenarioSchema = z
  .strictObject({
    id: z.string().regex(ID_RE),
    description: z.string().min(1),
    facts: z.record(z.string(), z.unknown()),
    expect: z.strictObject({
      eligible: z.boolean().optional(),
      reasons: z.array(Code).optional(),
      documents: z.array(Code).optional(),
      fee: z
        .strictObject({
          total: z.int().optional(),
          lines: z.array(z.strictObject({ code: Code, amount: z.int() })).optional(),
        })
        .optional(),
      processing: z
        .strictObject({ days: z.int().min(0), unit: z.enum(['working', 'calendar']) })
        .nullable()
        .optional(),
      authority: Code.nullable().optional(),
    }),
  })
  .meta({ id: 'Scenario' });

export const ScenariosFileSchema = z
  .strictObject({ $schema: z.string().optional(), scenarios: z.array(ScenarioSchema) })
  .meta({ id: 'ScenariosFile', description: 'Scenario tests of a service: rules/<id>/scenarios/*.json' });

const PhrasesSchema = z.strictObject({
  eligible: z.string().min(1),
  ineligible: z.string().min(1),
  decidedBy: z.string().min(1),
  basis: z.string().min(1),
  uncertain: z.string().min(1),
  nextSteps: z.string().min(1),
  fixFirst: z.string().min(1),
  documents: z.string().min(1),
  fee: z.string().min(1),
  feeFree: z.string().min(1),
  authority: z.string().min(1),
  processing: z.string().min(1),
  workingDays: z.string().min(1),
  calendarDays: z.string().min(1),
  immediate: z.string().min(1),
  noTrace: z.string().min(1),
  thisService: z.string().min(1),
});

export const ExplainFileSchema = z
  .strictObject({
    $schema: z.string().optional(),
    phrases: z.strictObject({ vi: PhrasesSchema, en: PhrasesSchema }),
  })
  .meta({ id: 'ExplainFile', description: 'Sentences that frame a citizen explanation: rules/explain.json' });

export const CatalogFileSchema = z
  .union([ServiceFileSchema, RulesFileSchema, ScenariosFileSchema, ExplainFileSchema])
  .meta({ title: 'Hoso service catalog file' });

export type FactDecl = z.infer<typeof FactDeclSchema>;
export type DerivedFact = z.infer<typeof DerivedFactSchema>;
export type Input = z.infer<typeof InputSchema>;
export type RuleEvent = z.infer<typeof EventSchema>;
export type FeeParams = z.infer<typeof FeeParamsSchema>;
export type Rule = z.infer<typeof RuleSchema>;
export type Basis = z.infer<typeof BasisSchema>;
export type ServiceFile = z.infer<typeof ServiceFileSchema>;
export type RulesFile = z.infer<typeof RulesFileSchema>;
export type Scenario = z.infer<typeof ScenarioSchema>;
export type ScenariosFile = z.infer<typeof ScenariosFileSchema>;
export type ExplainFile = z.infer<typeof ExplainFileSchema>;
export type Phrases = ExplainFile['phrases']['vi'];
export type Lang = 'vi' | 'en';
export type LocalizedText = z.infer<typeof Localized>;
export type EventType = RuleEvent['type'];
export const EVENT_TYPES: readonly EventType[] = ['deny', 'require', 'fee', 'processing', 'authority'];
