import type { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import fastifyMultipart from '@fastify/multipart';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import type { FastifyError, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HttpError } from '../http/errors.ts';
import { setPageSecurityHeaders } from '../http/security-headers.ts';
import { type Lang, LangSchema, type Translator } from '../i18n.ts';
import { checkVerifyLinkToken } from './document-id.ts';
import { DocumentIdSchema, type IssuedDocumentRegistry } from './registry.ts';
import { verifyPdf } from './verify.ts';
import { documentReport, PublicDocumentSchema, VerifyReportSchema, verifyReport } from './verify-report.ts';

const WEB_DIR = fileURLToPath(new URL('../web/verify/', import.meta.url));

export interface VerifyRoutesOptions {
  registry: IssuedDocumentRegistry;
  trustAnchors: readonly X509Certificate[];
  /** The QR link token key (VERIFY_LINK_SECRET, or derived from the signing key). */
  linkKey: Buffer;
  translator: Translator;
  maxUploadBytes: number;
  /** Calls per client address per minute on each API route. */
  rateLimit?: number;
}

const LangQuery = z.object({ lang: LangSchema.default('vi') });
const LinkQuery = LangQuery.extend({
  d: z.string().max(64).default(''),
  t: z.string().max(64).default(''),
});

/** Fastify's and the multipart plugin's own refusals of an upload, answered as coded errors in the page's words. */
const TOO_LARGE = new Set(['FST_REQ_FILE_TOO_LARGE', 'FST_ERR_CTP_BODY_TOO_LARGE', 'FST_PARTS_LIMIT']);
const NOT_PDF = new Set([
  'FST_ERR_CTP_INVALID_MEDIA_TYPE',
  'FST_INVALID_MULTIPART_CONTENT_TYPE',
  'FST_ERR_CTP_EMPTY_TYPE',
  'FST_FILES_LIMIT',
]);

/**
 * The verification page at /verify and its JSON API:
 * - GET /api/verify/document?d=…&t=… — the registry status of the document a QR link names (the token must
 *   match: ids cannot be enumerated);
 * - POST /api/verify — a PDF (multipart field `file`, or an application/pdf body) checked by verifyPdf against
 *   the trust anchors and the registry.
 */
export function verifyRoutes(options: VerifyRoutesOptions): FastifyPluginAsync {
  const { registry, trustAnchors, linkKey, translator } = options;
  const maxKb = Math.floor(options.maxUploadBytes / 1024);

  function refuse(status: number, code: string, lang: Lang, params: Record<string, unknown> = {}): HttpError {
    return new HttpError(status, code, translator.t(lang)(`extracts:errors.${code}`, params));
  }

  function langOf(request: FastifyRequest): Lang {
    const parsed = LangQuery.safeParse(request.query ?? {});
    return parsed.success ? parsed.data.lang : 'vi';
  }

  return async (app) => {
    await app.register(fastifyRateLimit, { global: false });
    await app.register(fastifyMultipart, {
      limits: { fileSize: options.maxUploadBytes, files: 1, fields: 4, parts: 5 },
    });
    app.addContentTypeParser(
      'application/pdf',
      { parseAs: 'buffer', bodyLimit: options.maxUploadBytes },
      (_request, body, done) => done(null, body),
    );
    // Anything this plugin cannot take becomes a coded answer in the citizen's language; the rest goes on
    // to the server's handler.
    app.setErrorHandler((err: FastifyError, request) => {
      if (TOO_LARGE.has(err.code))
        throw refuse(413, 'HOSO_ERR_VERIFY_FILE_TOO_LARGE', langOf(request), { maxKb });
      if (NOT_PDF.has(err.code)) throw refuse(415, 'HOSO_ERR_VERIFY_NOT_PDF', langOf(request));
      throw err;
    });

    // The page shows a token in its address and a QR payload in its fragment: no referrer, no framing.
    app.addHook('onSend', async (_request, reply) => {
      setPageSecurityHeaders(reply);
    });

    const page = await readFile(`${WEB_DIR}index.html`);
    await app.register(fastifyStatic, {
      root: WEB_DIR,
      prefix: '/verify/',
      index: false,
      decorateReply: false,
    });
    for (const url of ['/verify', '/verify/']) {
      app.get(url, async (_request, reply) => reply.type('text/html; charset=utf-8').send(page));
    }

    const r = app.withTypeProvider<ZodTypeProvider>();
    const rateLimit = { max: options.rateLimit ?? 30, timeWindow: '1 minute' };

    r.get(
      '/api/verify/document',
      {
        schema: { querystring: LinkQuery, response: { 200: z.object({ document: PublicDocumentSchema }) } },
        config: { rateLimit },
      },
      async (request, reply) => {
        const { d, t, lang } = request.query;
        reply.header('cache-control', 'no-store');
        if (!DocumentIdSchema.safeParse(d).success || !checkVerifyLinkToken(linkKey, d, t)) {
          throw refuse(400, 'HOSO_ERR_VERIFY_LINK_INVALID', lang);
        }
        const doc = await registry.get(d);
        if (!doc) throw refuse(404, 'HOSO_ERR_VERIFY_DOCUMENT_UNKNOWN', lang);
        return { document: documentReport(doc, translator.t(lang), lang) };
      },
    );

    r.post(
      '/api/verify',
      {
        schema: { querystring: LangQuery, response: { 200: VerifyReportSchema } },
        config: { rateLimit },
      },
      async (request, reply) => {
        const { lang } = request.query;
        reply.header('cache-control', 'no-store');
        const pdf = await uploadedFile(request, lang);
        if (!pdf || pdf.length === 0) throw refuse(400, 'HOSO_ERR_VERIFY_NO_FILE', lang);
        // A PDF starts with its header (readers allow up to 1 KB of junk before it; Hoso's files have none).
        if (!pdf.subarray(0, 1024).includes('%PDF-')) throw refuse(415, 'HOSO_ERR_VERIFY_NOT_PDF', lang);
        const result = await verifyPdf(pdf, { trustAnchors, registryLookup: registry.lookup });
        const doc = result.documentId ? await registry.get(result.documentId) : undefined;
        return verifyReport(result, doc, translator.t(lang), lang);
      },
    );

    async function uploadedFile(request: FastifyRequest, lang: Lang): Promise<Buffer | undefined> {
      if (!request.isMultipart()) {
        if (Buffer.isBuffer(request.body)) return request.body;
        // Text or JSON that Fastify parsed: something, but not a PDF.
        if (request.body !== undefined && request.body !== null)
          throw refuse(415, 'HOSO_ERR_VERIFY_NOT_PDF', lang);
        return undefined;
      }
      for await (const part of request.parts()) {
        if (part.type !== 'file') continue;
        if (part.fieldname !== 'file') {
          part.file.resume();
          continue;
        }
        try {
          const bytes = await part.toBuffer();
          // toBuffer notices the size limit only when the cut is seen while a chunk is read; when busboy cuts the
          // file after its last chunk was already read (it depends on how the request's bytes arrived), the file
          // comes back shortened to the limit and marked truncated, and would be checked as if it were whole.
          if (part.file.truncated) throw refuse(413, 'HOSO_ERR_VERIFY_FILE_TOO_LARGE', lang, { maxKb });
          return bytes;
        } catch (err) {
          if ((err as FastifyError).code === 'FST_REQ_FILE_TOO_LARGE') {
            throw refuse(413, 'HOSO_ERR_VERIFY_FILE_TOO_LARGE', lang, { maxKb });
          }
          throw err;
        }
      }
      return undefined;
    }
  };
}
