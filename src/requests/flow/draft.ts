import { z } from 'zod';
import type { Address } from '../../dialogue/message.ts';
import { defineSlice, type Session } from '../../dialogue/session.ts';

/**
 * A request being put together in the conversation. It holds personal data (dates of birth, the child's ID,
 * health consent), so the session keeps it sealed with the data key, bound to the chat account; nothing in
 * `session.flow` is readable without that key.
 */
const OptionSchema = z.object({ value: z.union([z.string(), z.number()]), label: z.string() });

export const DraftSchema = z.object({
  service: z.string().min(1),
  /** Random, made with the draft: filing it twice (a turn repeated after a crash) makes one request. */
  filingKey: z.string().optional(),
  /** The rule-set version the conversation started on and keeps. */
  version: z.string().min(1),
  /** The facts known so far: prefilled from the linked identity and answered by the citizen. */
  facts: z.record(z.string(), z.unknown()),
  /** Inputs the citizen answered, in order, so "quay lại" can undo the last one. */
  answered: z.array(z.string()).default([]),
  // refused: a refusal no answer can lift was shown; only "back" keeps the draft, anything else ends the flow.
  stage: z.enum(['ask', 'child', 'summary', 'edit', 'documents', 'refused']),
  /** The input being asked (stage ask). */
  asking: z.string().optional(),
  /** Set while changing one answer from the summary: the summary comes back once nothing else is missing. */
  editing: z.boolean().optional(),
  /** Options a source gave for the input being asked (they depend on the citizen), as offered. */
  options: z.array(OptionSchema).optional(),
  /** The option picked for each input whose options came from a source, so a summary can name it. */
  picked: z.record(z.string(), OptionSchema).optional(),
  /** Who the extract is about, when it is not the citizen: one of their children in the registry. */
  child: z.object({ id: z.string(), name: z.string(), dateOfBirth: z.string() }).optional(),
  /** Children offered at stage child. */
  children: z.array(z.object({ id: z.string(), name: z.string(), dateOfBirth: z.string() })).optional(),
  /** Documents the decision asks for, and the files received for them. */
  documents: z
    .array(
      z.object({
        code: z.string(),
        message: z.string(),
        fileId: z.string().optional(),
        filename: z.string().optional(),
        mimeType: z.string().optional(),
      }),
    )
    .default([]),
});
export type Draft = z.infer<typeof DraftSchema>;

export interface DraftSealer {
  seal(plain: string, context: string): string;
  open(sealed: string, context: string): string;
}

const sealedSlice = defineSlice('request', z.object({ sealed: z.string() }).optional(), () => undefined);

const aad = (address: Address) => `request-draft:${address.channel}:${address.userId}`;

export function readDraft(session: Session, address: Address, sealer: DraftSealer): Draft | undefined {
  const stored = sealedSlice.get(session);
  if (!stored) return undefined;
  try {
    const parsed = DraftSchema.safeParse(JSON.parse(sealer.open(stored.sealed, aad(address))));
    return parsed.success ? parsed.data : undefined;
  } catch {
    // A draft sealed under a key no longer held (rotation without the old key) is dropped, not fatal.
    return undefined;
  }
}

export function writeDraft(
  session: Session,
  address: Address,
  sealer: DraftSealer,
  draft: Draft | undefined,
): void {
  sealedSlice.set(session, draft ? { sealed: sealer.seal(JSON.stringify(draft), aad(address)) } : undefined);
}
