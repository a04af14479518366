import type { TFunction } from 'i18next';
import { z } from 'zod';
import type { Lang } from '../i18n.ts';
import { formatDate } from '../i18n.ts';
import type { IssuedDocument } from './registry.ts';
import type { VerifyResult } from './verify.ts';

/**
 * What the /verify page and its JSON API say about a document: each check of verifyPdf and the registry
 * status, in the citizen's language (sentences from locales/<lang>/extracts.json), with only masked
 * personal data.
 */

export const CHECK_IDS = ['byteRange', 'digest', 'signature', 'chain', 'registry'] as const;
type CheckId = (typeof CHECK_IDS)[number];

/** Which check a verifyPdf reason code explains (every code verifyPdf can give has its sentence in locales). */
export const REASON_CHECK: Record<string, CheckId> = {
  no_signature: 'byteRange',
  byte_range_incomplete: 'byteRange',
  digest_algorithm_unsupported: 'digest',
  message_digest_missing: 'digest',
  digest_mismatch: 'digest',
  cms_unreadable: 'signature',
  content_type_invalid: 'signature',
  signature_algorithm_unsupported: 'signature',
  signature_invalid: 'signature',
  signing_certificate_missing: 'signature',
  signing_certificate_mismatch: 'signature',
  signer_certificate_missing: 'signature',
  offline_payload_mismatch: 'signature',
  certificate_expired: 'chain',
  untrusted_certificate: 'chain',
  document_id_missing: 'registry',
  not_in_registry: 'registry',
  registry_hash_mismatch: 'registry',
  revoked: 'registry',
};

export const PublicDocumentSchema = z.object({
  id: z.string(),
  service: z.enum(['lltp', 'health_record']),
  serviceName: z.string(),
  issueDate: z.string(),
  issuedAt: z.string(),
  /** Masked: initials and given name, and the ID number's first three and last two digits. */
  subject: z.object({ name: z.string(), idNumber: z.string().optional() }),
  status: z.enum(['valid', 'revoked']),
  statusLabel: z.string(),
  reason: z.string().optional(),
  revokedAt: z.string().optional(),
  development: z.boolean(),
  message: z.string(),
});
export type PublicDocument = z.infer<typeof PublicDocumentSchema>;

export const VerifyReportSchema = z.object({
  valid: z.boolean(),
  summary: z.string(),
  /** Signed with a development key: a test copy, whatever the checks say. */
  development: z.boolean(),
  developmentNote: z.string().optional(),
  documentId: z.string().nullable(),
  signedAt: z.string().nullable(),
  signer: z.object({ commonName: z.string().nullable(), development: z.boolean() }).nullable(),
  fileSha256: z.string(),
  contentSha256: z.string().nullable(),
  checks: z.array(
    z.object({
      id: z.enum(CHECK_IDS),
      status: z.enum(['pass', 'fail', 'skipped']),
      label: z.string(),
      message: z.string(),
    }),
  ),
  /** The registry's entry, when the file names a document it knows. */
  document: PublicDocumentSchema.nullable(),
  /** verifyPdf's reason codes, for scripts. */
  reasons: z.array(z.object({ code: z.string() })),
});
export type VerifyReport = z.infer<typeof VerifyReportSchema>;

export function documentReport(doc: IssuedDocument, t: TFunction, lang: Lang): PublicDocument {
  const serviceName = t(`extracts:service.${doc.service}`);
  const params = {
    id: doc.id,
    service: serviceName,
    date: formatDate(doc.issueDate, lang),
    revokedOn: doc.revokedAt ? formatDate(new Date(doc.revokedAt), lang) : '',
    reason: doc.reason ?? '',
  };
  return {
    id: doc.id,
    service: doc.service,
    serviceName,
    issueDate: doc.issueDate,
    issuedAt: doc.issuedAt,
    subject: doc.subject,
    status: doc.status,
    statusLabel: t(`extracts:verify.status.${doc.status}`),
    ...(doc.reason ? { reason: doc.reason } : {}),
    ...(doc.revokedAt ? { revokedAt: doc.revokedAt } : {}),
    development: doc.development,
    message: t(`extracts:verify.document.${doc.status}`, params),
  };
}

export function verifyReport(
  result: VerifyResult,
  doc: IssuedDocument | undefined,
  t: TFunction,
  lang: Lang,
): VerifyReport {
  const params = {
    revokedOn: result.registry?.revokedAt ? formatDate(new Date(result.registry.revokedAt), lang) : '',
    reason: result.registry?.reason ?? '',
  };
  // The registry answers only for a file the issuer really signed: a forged file naming a guessed document
  // id learns nothing (the QR token guards the same thing on the link).
  const authentic = (['byteRange', 'digest', 'signature', 'chain'] as const).every(
    (id) => result.checks[id] === 'pass',
  );
  const checks = CHECK_IDS.map((id) => {
    const status = id === 'registry' && !authentic ? 'skipped' : result.checks[id];
    const reason = result.reasons.find((r) => REASON_CHECK[r.code] === id);
    // i18next answers a missing key with the key itself minus its namespace, so ask for '' instead:
    // a citizen then reads the check's general sentence, never a raw key.
    const specific =
      status === 'fail' && reason
        ? t(`extracts:verify.reasons.${reason.code}`, { ...params, defaultValue: '' })
        : '';
    const message = specific || t(`extracts:verify.checks.${id}.${status}`);
    return { id, status, label: t(`extracts:verify.checks.${id}.label`), message };
  });
  const development = result.signer?.development ?? false;
  const revoked = authentic && result.registry?.status === 'revoked';
  return {
    valid: result.valid,
    summary: t(`extracts:verify.summary.${result.valid ? 'valid' : revoked ? 'revoked' : 'invalid'}`),
    development,
    ...(development ? { developmentNote: t('extracts:verify.development') } : {}),
    documentId: result.documentId,
    signedAt: result.signedAt,
    signer: result.signer
      ? { commonName: result.signer.commonName, development: result.signer.development }
      : null,
    fileSha256: result.fileSha256,
    contentSha256: result.contentSha256,
    checks,
    document: doc && authentic ? documentReport(doc, t, lang) : null,
    reasons: result.reasons
      .filter((r) => authentic || REASON_CHECK[r.code] !== 'registry')
      .map((r) => ({ code: r.code })),
  };
}
