import { z } from 'zod';
import { HttpError } from '../http/errors.ts';
import type { Translator } from '../i18n.ts';
import type { AuditLog } from '../support/audit.ts';
import type { StaffApiExtension } from '../support/staff/routes.ts';
import { ExtractError } from './errors.ts';
import {
  DocumentIdSchema,
  type IssuedDocument,
  type IssuedDocumentRegistry,
  RevocationReasonSchema,
} from './registry.ts';

export interface DocumentStaffRoutesOptions {
  registry: IssuedDocumentRegistry;
  audit: AuditLog;
  translator: Translator;
}

const Params = z.object({ id: z.string().trim().toUpperCase().pipe(DocumentIdSchema) });

/**
 * The staff console's view of the issued-document registry: any staff member looks a document up; a
 * supervisor revokes it with a reason, which /verify then shows to whoever checks it. Every revocation is in
 * the audit log.
 */
export function documentStaffRoutes(options: DocumentStaffRoutesOptions): StaffApiExtension {
  const { registry, audit, translator } = options;
  const t = translator.t('vi');

  function notFound(id: string): HttpError {
    return new HttpError(
      404,
      'HOSO_ERR_DOCUMENT_NOT_FOUND',
      t('extracts:errors.HOSO_ERR_DOCUMENT_NOT_FOUND', { id }),
    );
  }

  const view = (doc: IssuedDocument) => ({
    ...doc,
    serviceName: t(`extracts:service.${doc.service}`),
  });

  return ({ router, guard, who }) => {
    router.get(
      '/staff/api/documents/:id',
      { onRequest: guard(), schema: { params: Params } },
      async (request) => {
        who(request);
        const doc = await registry.get(request.params.id);
        if (!doc) throw notFound(request.params.id);
        return { document: view(doc) };
      },
    );

    router.post(
      '/staff/api/documents/:id/revoke',
      {
        onRequest: guard(['supervisor']),
        schema: { params: Params, body: z.object({ reason: RevocationReasonSchema }) },
      },
      async (request) => {
        const staff = who(request);
        const { id } = request.params;
        let revoked: IssuedDocument;
        try {
          revoked = await registry.revoke(id, { reason: request.body.reason, by: staff.username });
        } catch (err) {
          if (err instanceof ExtractError && err.code === 'HOSO_ERR_DOCUMENT_NOT_FOUND') throw notFound(id);
          if (err instanceof ExtractError && err.code === 'HOSO_ERR_DOCUMENT_ALREADY_REVOKED') {
            throw new HttpError(409, err.code, t(`extracts:errors.${err.code}`, { id }));
          }
          throw err;
        }
        await audit.record({
          actor: staff.username,
          role: staff.role,
          action: 'revoke',
          target: id,
          detail: revoked.reason,
        });
        return { document: view(revoked) };
      },
    );
  };
}
