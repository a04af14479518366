import type { Channel } from '../../dialogue/message.ts';
import type { Session, TranscriptEntry } from '../../dialogue/session.ts';
import type { ConversationLocks } from '../../store/conversation-lock.ts';
import type { SessionStore } from '../../store/session-store.ts';
import type { PersonalDataContributor } from '../contributors.ts';

export interface ConversationContributorDeps {
  sessions: SessionStore<Session>;
  /** The masked transcript kept for staff, outside the session. */
  transcripts: { read(address: { channel: string; userId: string }): Promise<TranscriptEntry[]> };
  /** Removes what is kept beside a conversation's session (its transcript, an answer kept for a retry). */
  forget: (conversation: string) => Promise<void>;
  /** The session key of an account, as the conversation handler names it. */
  sessionKey: (channel: string, userId: string) => string;
  /** Erasing under the conversation lock: a turn running meanwhile cannot write the session back. */
  locks: ConversationLocks;
  /** What a channel keeps per account besides the session (the web chat's pending messages). */
  channelErasers?: Partial<Record<Channel, (userId: string) => Promise<void>>>;
}

/** Conversation sessions: language, consent, the masked transcript kept for staff, flows under way. */
export function conversationContributor(deps: ConversationContributorDeps): PersonalDataContributor {
  return {
    name: 'conversations',
    async export(subject) {
      const out = [];
      for (const address of subject.accounts) {
        const session = await deps.sessions.load(deps.sessionKey(address.channel, address.userId));
        if (!session) continue;
        const transcript = [...(session.transcriptBacklog ?? []), ...(await deps.transcripts.read(address))];
        out.push({
          account: address,
          language: session.lang,
          startedAt: session.createdAt,
          turns: session.turns,
          consent: session.consent ?? null,
          flowInProgress: session.flow?.id ?? null,
          transcript,
        });
      }
      return out.length > 0 ? out : null;
    },
    async erase(subject, { t }) {
      let count = 0;
      for (const address of subject.accounts) {
        const key = deps.sessionKey(address.channel, address.userId);
        await deps.locks.run(key, async () => {
          if (await deps.sessions.load(key)) count++;
          await deps.sessions.delete(key);
          await deps.forget(key);
          await deps.channelErasers?.[address.channel]?.(address.userId);
        });
      }
      return { erased: count > 0 ? [t('privacy:erased.conversations', { count })] : [], kept: [] };
    },
  };
}
