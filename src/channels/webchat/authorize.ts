import type { FastifyRequest } from 'fastify';
import { CitizenHttpError } from '../../http/errors.ts';
import type { Lang } from '../../i18n.ts';
import type { WebchatSessions } from './sessions.ts';

/** The session token: `Authorization: Bearer <token>`, or (for the browser's EventSource) a query parameter. */
export function bearer(request: FastifyRequest, query?: string): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();
  return query;
}

/**
 * Checks a web chat session's token and keeps the session alive; once the session is known, its errors are
 * said in the conversation's language.
 */
export async function authorizeWebchat(
  request: FastifyRequest,
  deps: {
    sessions: WebchatSessions;
    sessionLang?: ((sessionId: string) => Promise<Lang | undefined>) | undefined;
  },
  sessionId: string,
  token: string | undefined,
): Promise<void> {
  if (!token) throw new CitizenHttpError(401, 'HOSO_ERR_WEBCHAT_UNAUTHORIZED');
  // Read side by side (one round trip when the store pipelines); the language is used only once verified.
  const [valid, lang] = await Promise.all([
    deps.sessions.verify(sessionId, token),
    deps.sessionLang?.(sessionId).catch(() => undefined),
  ]);
  if (!valid) throw new CitizenHttpError(401, 'HOSO_ERR_WEBCHAT_UNAUTHORIZED');
  await deps.sessions.touch(sessionId);
  if (lang) request.hosoLang = lang;
}
