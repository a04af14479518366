import fastifyMultipart from '@fastify/multipart';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ConversationHandler } from '../../conversation/handle-inbound.ts';
import type { InboundFile } from '../../dialogue/message.ts';
import { type FileIntake, rejectionOf } from '../../files/intake.ts';
import { CitizenHttpError } from '../../http/errors.ts';
import type { Lang } from '../../i18n.ts';
import { authorizeWebchat, bearer } from './authorize.ts';
import type { DownloadLinks } from './downloads.ts';
import { toWire } from './render.ts';
import type { WebchatSessions } from './sessions.ts';

export interface WebchatUploadOptions {
  handle: ConversationHandler;
  sessions: WebchatSessions;
  links: DownloadLinks;
  intake: FileIntake;
  /** The language of a web chat conversation, so its errors are said in it (undefined: not known). */
  sessionLang?: (sessionId: string) => Promise<Lang | undefined>;
}

const Query = z.object({
  sessionId: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'not a web chat session id'),
});

/**
 * `POST /api/webchat/uploads?sessionId=…` (multipart, one field `file`, `Authorization: Bearer <token>`): a
 * document the conversation asked for. The file is checked (size, real type) and stored encrypted before the
 * turn; a refused file still makes a turn, so the citizen hears why in their own language. The answer has the
 * shape of `POST /api/webchat/messages`: `{ "messages": [ … ] }`.
 */
export function webchatUploadRoutes(options: WebchatUploadOptions): FastifyPluginAsync {
  const { handle, links, intake } = options;
  return async (app) => {
    await app.register(fastifyMultipart, {
      throwFileSizeLimit: false,
      limits: { fileSize: intake.maxBytes, files: 1, fields: 2, fieldSize: 256, parts: 3 },
    });
    app
      .withTypeProvider<ZodTypeProvider>()
      .post('/api/webchat/uploads', { schema: { querystring: Query } }, async (request) => {
        const { sessionId } = request.query;
        await authorizeWebchat(request, options, sessionId, bearer(request));
        if (!request.isMultipart()) {
          throw new CitizenHttpError(400, 'HOSO_ERR_UPLOAD_NOT_MULTIPART');
        }
        const part = await request.file();
        const filename = part?.filename.slice(0, 255);
        if (!part) throw new CitizenHttpError(400, 'HOSO_ERR_UPLOAD_NO_FILE');
        const bytes = await part.toBuffer();
        let file: InboundFile;
        if (part.file.truncated) {
          file = { ref: 'refused', filename, rejected: 'too_large' };
        } else {
          const stored = await intake.store(bytes, filename);
          file = stored.ok
            ? {
                ref: `blob:${stored.fileId}`,
                filename: stored.filename,
                mimeType: stored.mimeType,
                size: bytes.length,
              }
            : {
                ref: 'refused',
                filename,
                rejected: rejectionOf(stored),
              };
        }
        const result = await handle({ channel: 'webchat', userId: sessionId, file });
        return {
          messages: await Promise.all(result.messages.map((m) => toWire(m, links))),
          lang: result.lang,
        };
      });
  };
}
