/** The decision envelope of contracts §3, shared by every service. */
import { z } from 'zod';
import { BasisSchema, Certainty, Localized } from './schema.ts';

const Coded = z.object({ code: z.string(), message: z.string() });

export const TraceEntrySchema = z.object({
  rule: z.string(),
  fired: z.boolean(),
  event: z.object({ type: z.string(), params: z.record(z.string(), z.unknown()) }),
  effective: z.object({ from: z.string(), to: z.string().optional() }),
  basis: z.array(BasisSchema),
  certainty: Certainty,
  note: z.string().optional(),
  /** The rule's title, in both languages (absent for an older English-only title). */
  title: Localized.optional(),
  /** What the event means, in both languages (reason, document, fee line or authority). */
  label: Localized.optional(),
  /** The fact values the rule read, by dotted name; conditions not reached are absent. */
  facts: z.record(z.string(), z.unknown()),
  /** json-rules-engine's own result tree: each condition with its factResult and result. */
  conditions: z.unknown(),
});

export const DecisionSchema = z.object({
  service: z.string(),
  ruleSet: z.object({ version: z.string(), hash: z.string() }),
  on: z.string(),
  eligible: z.boolean(),
  reasons: z.array(Coded),
  documents: z.array(Coded),
  fee: z.object({
    total: z.int(),
    currency: z.literal('VND'),
    lines: z.array(z.object({ code: z.string(), amount: z.int() })),
  }),
  processing: z.object({ days: z.int(), unit: z.enum(['working', 'calendar']) }).nullable(),
  authority: z.string().nullable(),
  trace: z.array(TraceEntrySchema).optional(),
});

export type Decision = z.infer<typeof DecisionSchema>;
export type TraceEntry = z.infer<typeof TraceEntrySchema>;
