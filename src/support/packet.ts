import { z } from 'zod';
import type { TurnLogger } from '../dialogue/context.ts';
import { type Address, ChannelSchema } from '../dialogue/message.ts';
import {
  type FlowState,
  type Session,
  type TranscriptEntry,
  TranscriptEntrySchema,
} from '../dialogue/session.ts';
import { LangSchema } from '../i18n.ts';
import { maskCitizenId, scrubPersonalData } from '../privacy/mask.ts';

/** Why a citizen was put through to a person. */
export const EscalationReasonSchema = z.enum(['asked', 'misunderstood', 'frustrated', 'flow_failed']);
export type EscalationReason = z.infer<typeof EscalationReasonSchema>;

const CodedMessageSchema = z.object({ code: z.string().min(1).max(80), message: z.string().max(1000) });

/** A citizen ID is never stored in clear in a packet: twelve digits are masked on the way in. */
const MaskedCitizenId = z
  .string()
  .max(20)
  .transform((v) => (/^\d{12}$/.test(v.replace(/\s/g, '')) ? maskCitizenId(v) : v));

/** A value of a flow's answers or an extra line, with personal numbers masked. */
function scrubDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubPersonalData(value);
  if (typeof value === 'number') {
    const masked = scrubPersonalData(String(value));
    return masked === String(value) ? value : masked;
  }
  if (value === null || typeof value !== 'object' || depth > 6) return value;
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubDeep(v, depth + 1)]));
}

export const PacketWhoSchema = z.object({
  channel: ChannelSchema,
  lang: LangSchema,
  /** The name the channel shows (never trusted as identity). */
  displayName: z.string().max(128).optional(),
  /** The name from the linked e-identity, when linked. */
  name: z.string().max(200).optional(),
  citizenIdMasked: MaskedCitizenId.optional(),
  /** VNeID assurance level of the link: 0 none, 1 or 2. */
  linkLevel: z.number().int().min(0).max(2).default(0),
});

export const PacketDoingSchema = z.object({
  flow: z.string().optional(),
  step: z.string().optional(),
  startedAt: z.string().optional(),
  /** The answers given so far (`session.flow.data`), personal numbers masked. */
  answers: z.record(z.string(), z.unknown()).default({}),
});

export const PacketDecisionSchema = z.object({
  service: z.string().min(1),
  eligible: z.boolean(),
  on: z.string().optional(),
  ruleSetVersion: z.string().optional(),
  /** Why not eligible, as the rules explained it. */
  reasons: z.array(CodedMessageSchema).default([]),
  /**
   * Why the rules decided so: each rule, whether it fired, and the facts it read (values as short text,
   * personal numbers masked), so staff can see which answer led where.
   */
  trace: z
    .array(
      z.object({
        rule: z.string().min(1).max(120),
        fired: z.boolean(),
        facts: z.record(z.string(), z.string().max(300)).default({}),
      }),
    )
    .max(300)
    .default([]),
});

/**
 * Everything a staff member needs in front of them when they take over: who, what they were doing, what
 * the rules last decided and why, what is missing and on which legal basis, and the conversation so far.
 */
export const HandoffPacketSchema = z.object({
  version: z.literal(1),
  reason: EscalationReasonSchema,
  /** For a failed flow: its error code or a short description. */
  detail: z.string().max(500).optional(),
  openedAt: z.string(),
  who: PacketWhoSchema,
  doing: PacketDoingSchema,
  decision: PacketDecisionSchema.optional(),
  missingDocuments: z.array(CodedMessageSchema).default([]),
  /** Legal instruments behind the decision, e.g. "Luật Lý lịch tư pháp 2009, Điều 45". */
  legalBasis: z.array(z.string().min(1).max(300)).default([]),
  /** Anything else a module wants staff to see, as label/value lines. */
  extra: z.array(z.object({ label: z.string().min(1).max(100), value: z.string().max(1000) })).default([]),
  /** The conversation before the handoff, personal numbers already masked by the engine. */
  transcript: z.array(TranscriptEntrySchema),
});
export type HandoffPacket = z.infer<typeof HandoffPacketSchema>;

/** What a contributor may fill: sections of the packet, merged over the support module's own. */
export const PacketContributionSchema = z.object({
  who: PacketWhoSchema.partial().omit({ channel: true, lang: true }).optional(),
  doing: PacketDoingSchema.partial().optional(),
  decision: PacketDecisionSchema.optional(),
  missingDocuments: z.array(CodedMessageSchema).optional(),
  legalBasis: z.array(z.string().min(1).max(300)).optional(),
  extra: z.array(z.object({ label: z.string().min(1).max(100), value: z.string().max(1000) })).optional(),
});
export type PacketContribution = z.input<typeof PacketContributionSchema>;

export interface HandoffContext {
  session: Session;
  address: Address;
  reason: EscalationReason;
}

/**
 * The extension point through which other modules fill the packet: identity adds the name, masked ID and
 * link level; rules add the last decision with its reasons, missing documents and legal basis.
 */
export type HandoffContributor = (context: HandoffContext) => Promise<PacketContribution | undefined>;

/** Shows a staff member the citizen's full ID on request (the identity module registers it); audited. */
export type CitizenIdRevealer = (address: Address) => Promise<string | undefined>;

const CONTRIBUTOR_TIMEOUT_MS = 2000;

/** Contributors and the revealer, registered by modules at start-up. */
export class HandoffRegistry {
  private readonly contributors: { name: string; contribute: HandoffContributor }[] = [];
  private revealer: CitizenIdRevealer | undefined;

  register(name: string, contribute: HandoffContributor): void {
    this.contributors.push({ name, contribute });
  }

  setRevealer(revealer: CitizenIdRevealer): void {
    this.revealer = revealer;
  }

  async reveal(address: Address): Promise<string | undefined> {
    return this.revealer?.(address);
  }

  get canReveal(): boolean {
    return this.revealer !== undefined;
  }

  /** Each contributor's checked part; one that fails, times out or returns nonsense is left out and logged. */
  async collect(
    context: HandoffContext,
    log: TurnLogger,
  ): Promise<z.infer<typeof PacketContributionSchema>[]> {
    const results = await Promise.allSettled(
      this.contributors.map(({ contribute }) =>
        Promise.race([
          contribute(context),
          new Promise<never>((_, reject) =>
            setTimeout(() => reject(new Error('timed out')), CONTRIBUTOR_TIMEOUT_MS).unref(),
          ),
        ]),
      ),
    );
    const parts: z.infer<typeof PacketContributionSchema>[] = [];
    results.forEach((result, i) => {
      const name = this.contributors[i]?.name;
      if (result.status === 'rejected') {
        log.warn({ contributor: name, err: String(result.reason) }, 'handoff contributor failed');
        return;
      }
      if (result.value === undefined) return;
      const parsed = PacketContributionSchema.safeParse(result.value);
      if (parsed.success) parts.push(parsed.data);
      else
        log.warn(
          { contributor: name, issue: parsed.error.issues[0]?.path.join('.') },
          'handoff contribution ignored',
        );
    });
    return parts;
  }
}

export interface BuildPacketInput extends HandoffContext {
  /** The flow to describe: the one active now, or the one remembered when staff were offered. */
  flow: FlowState | undefined;
  /** The recent transcript (kept outside the session), personal numbers already masked. */
  transcript: TranscriptEntry[];
  detail?: string;
  displayName?: string;
  now: Date;
}

/** Builds and checks the packet: the session's own facts first, then each contributor's sections over them. */
export async function buildHandoffPacket(
  input: BuildPacketInput,
  registry: HandoffRegistry,
  log: TurnLogger,
): Promise<HandoffPacket> {
  const { session, address, reason, flow } = input;
  const parts = await registry.collect({ session, address, reason }, log);
  const packet = {
    version: 1 as const,
    reason,
    ...(input.detail ? { detail: input.detail.slice(0, 500) } : {}),
    openedAt: input.now.toISOString(),
    who: {
      channel: address.channel,
      lang: session.lang,
      ...(input.displayName ? { displayName: scrubPersonalData(input.displayName) } : {}),
      linkLevel: 0,
    } as Record<string, unknown>,
    doing: (flow
      ? { flow: flow.id, step: flow.step, startedAt: flow.startedAt, answers: flow.data }
      : { answers: {} }) as Record<string, unknown>,
    decision: undefined as unknown,
    missingDocuments: [] as unknown[],
    legalBasis: [] as string[],
    extra: [] as unknown[],
    transcript: input.transcript,
  };
  for (const part of parts) {
    if (part.who) Object.assign(packet.who, part.who);
    if (part.doing) Object.assign(packet.doing, part.doing);
    if (part.decision) packet.decision = part.decision;
    if (part.missingDocuments) packet.missingDocuments.push(...part.missingDocuments);
    if (part.legalBasis)
      packet.legalBasis.push(...part.legalBasis.filter((l) => !packet.legalBasis.includes(l)));
    if (part.extra) packet.extra.push(...part.extra);
  }
  packet.doing.answers = scrubDeep(packet.doing.answers);
  packet.extra = packet.extra.map((e) => scrubDeep(e));
  return HandoffPacketSchema.parse(packet);
}
