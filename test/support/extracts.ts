import { readFileSync } from 'node:fs';
import { deriveLinkKey, verificationUrl, verifyLinkToken } from '../../src/extracts/document-id.ts';
import { SignedExtractIssuer } from '../../src/extracts/issuer.ts';
import { IssuedDocumentRegistry } from '../../src/extracts/registry.ts';
import { ExtractRenderer } from '../../src/extracts/renderer.ts';
import { devKeyPaths } from '../../src/extracts/signing/dev-keys.ts';
import { identityFromPem, type SigningIdentity } from '../../src/extracts/signing/identity.ts';
import type { BlobStore } from '../../src/files/types.ts';
import type { App } from '../../src/main.ts';
import { SimulatedBackOffice } from '../../src/ports/agency/simulated.ts';
import { EmbeddedJudicialRecords } from '../../src/ports/judicial/embedded.ts';
import { toSubmission } from '../../src/requests/jobs.ts';
import type { NewRequest } from '../../src/requests/schema.ts';
import type { KeyValueStore } from '../../src/store/types.ts';
import { lltpRequest } from '../requests/support.ts';

/** The development signer in `dir` (the run's shared keys: inject('devKeysDir')), read synchronously. */
export function devIdentity(dir: string): SigningIdentity {
  const paths = devKeyPaths(dir);
  return identityFromPem(
    readFileSync(paths.signerKey, 'utf8'),
    readFileSync(paths.signerCertificate, 'utf8'),
  );
}

/** The real issuer as main.ts wires it, on the given store and blob store. */
export function signedExtractIssuer(
  kv: KeyValueStore,
  files: BlobStore,
  keysDir: string,
  publicUrl = 'http://127.0.0.1:3000',
) {
  const registry = new IssuedDocumentRegistry(kv);
  const renderer = new ExtractRenderer({ identity: devIdentity(keysDir), publicUrl });
  return { registry, renderer, issuer: new SignedExtractIssuer({ kv, files, registry, renderer }) };
}

/**
 * An extract issued by an app's own issuer for Hoà (the simulated back office's result for a Form 1 request),
 * without running the whole pipeline: the request, the issued document and the signed PDF.
 */
export async function issueThroughApp(app: App, overrides: Partial<NewRequest> = {}) {
  const request = await app.requests.create(lltpRequest(overrides));
  const agency = new SimulatedBackOffice(app.store, new EmbeddedJudicialRecords(), { processingDelayMs: 0 });
  const submission = toSubmission(request);
  const { agencyRef } = await agency.submit(submission);
  const status = await agency.status(agencyRef, submission);
  if (status.state !== 'issued') throw new Error(`the simulated back office answered ${status.state}`);
  const issued = await app.extracts.issuer.issue(request, status.result);
  const file = await app.files.get(issued.fileId);
  if (!file) throw new Error('the issued file is not in the blob store');
  return { request, issued, pdf: Buffer.from(file.bytes) };
}

/** The QR text printed on an issued extract: the verification link with its token, and the offline payload. */
export function qrTextOf(app: App, pdf: Buffer): { documentId: string; link: string; payload: string } {
  const text = pdf.toString('latin1');
  const documentId = /\/HosoDocumentId \(([A-Z0-9-]+)\)/.exec(text)?.[1];
  const payload = /\/HosoOfflinePayload \(([\w.-]+)\)/.exec(text)?.[1];
  if (!documentId || !payload) throw new Error('the PDF carries no document id or offline payload');
  // The app derives its link key from the signing key when VERIFY_LINK_SECRET is not set.
  const token = verifyLinkToken(deriveLinkKey(app.extracts.identity.privateKey), documentId);
  return { documentId, link: verificationUrl(app.config.publicUrl, documentId, token), payload };
}
