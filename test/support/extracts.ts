import { readFileSync } from 'node:fs';
import { SignedExtractIssuer } from '../../src/extracts/issuer.ts';
import { IssuedDocumentRegistry } from '../../src/extracts/registry.ts';
import { ExtractRenderer } from '../../src/extracts/renderer.ts';
import { devKeyPaths } from '../../src/extracts/signing/dev-keys.ts';
import { identityFromPem, type SigningIdentity } from '../../src/extracts/signing/identity.ts';
import type { BlobStore } from '../../src/files/types.ts';
import type { KeyValueStore } from '../../src/store/types.ts';

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
