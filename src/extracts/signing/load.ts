import type { X509Certificate } from 'node:crypto';
import { access } from 'node:fs/promises';
import { ExtractError } from '../errors.ts';
import { createDevKeys, devKeyPaths, loadDevIdentity } from './dev-keys.ts';
import { loadPkcs12Identity, readCertificates, type SigningIdentity } from './identity.ts';

export interface KeySettings {
  /** The agency's PKCS#12; when set, the development keys are not used. */
  pkcs12?: { path: string; passphrase: string };
  /** Where `keys init` writes the development CA and signer (default .data/keys). */
  keysDir: string;
  /** PEM files of trusted CA certificates for verification. Default: the development CA, if present. */
  trustAnchorPaths?: string[];
}

export const DEFAULT_KEYS_DIR = '.data/keys';

/**
 * The signing identity: the agency's PKCS#12 when configured, else the development signer from `keysDir`,
 * created on first use when `createIfMissing` (the embedded default of a fresh checkout).
 */
export async function resolveSigningIdentity(
  settings: KeySettings,
  options: { createIfMissing?: boolean; onCreate?: (dir: string) => void } = {},
): Promise<SigningIdentity> {
  if (settings.pkcs12) return loadPkcs12Identity(settings.pkcs12.path, settings.pkcs12.passphrase);
  const existing = await loadDevIdentity(settings.keysDir);
  if (existing) return existing;
  if (!options.createIfMissing) {
    throw new ExtractError(
      'HOSO_ERR_SIGNING_KEY_MISSING',
      `no signing key: configure the agency PKCS#12 or run "hoso keys init" (keys directory ${settings.keysDir})`,
    );
  }
  await createDevKeys(settings.keysDir);
  options.onCreate?.(settings.keysDir);
  const created = await loadDevIdentity(settings.keysDir);
  if (!created)
    throw new ExtractError('HOSO_ERR_SIGNING_KEY_MISSING', 'development keys could not be created');
  return created;
}

/** Trust anchors for verification: the configured PEM files, else the development CA when it exists. */
export async function resolveTrustAnchors(
  settings: KeySettings,
  extraPaths: string[] = [],
): Promise<X509Certificate[]> {
  const paths = [...(settings.trustAnchorPaths ?? []), ...extraPaths];
  if (paths.length === 0) {
    const devCa = devKeyPaths(settings.keysDir).caCertificate;
    if (await exists(devCa)) paths.push(devCa);
  }
  return readCertificates(paths);
}

/** Key settings from the environment (the lead's config may build KeySettings itself instead). */
export function keySettingsFromEnv(env: NodeJS.ProcessEnv = process.env): KeySettings {
  const settings: KeySettings = { keysDir: env.HOSO_KEYS_DIR || DEFAULT_KEYS_DIR };
  if (env.SIGNING_P12_PATH) {
    settings.pkcs12 = { path: env.SIGNING_P12_PATH, passphrase: env.SIGNING_P12_PASSPHRASE ?? '' };
  }
  if (env.SIGNING_TRUST_ANCHORS) {
    settings.trustAnchorPaths = env.SIGNING_TRUST_ANCHORS.split(',')
      .map((p) => p.trim())
      .filter(Boolean);
  }
  return settings;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
