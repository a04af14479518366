import type { X509Certificate } from 'node:crypto';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
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

/** The configuration the signing key is read from (a subset of the app's Config). */
export interface SigningConfig {
  DATA_DIR: string;
  HOSO_KEYS_DIR?: string | undefined;
  SIGNING_P12_PATH?: string | undefined;
  SIGNING_P12_PASSPHRASE?: string | undefined;
  SIGNING_TRUST_ANCHORS?: string[] | undefined;
}

/** Key settings from the configuration: the development keys live in HOSO_KEYS_DIR, else DATA_DIR/keys. */
export function keySettingsFromConfig(config: SigningConfig): KeySettings {
  const settings: KeySettings = { keysDir: config.HOSO_KEYS_DIR ?? join(config.DATA_DIR, 'keys') };
  if (config.SIGNING_P12_PATH) {
    settings.pkcs12 = { path: config.SIGNING_P12_PATH, passphrase: config.SIGNING_P12_PASSPHRASE ?? '' };
  }
  if (config.SIGNING_TRUST_ANCHORS?.length) settings.trustAnchorPaths = config.SIGNING_TRUST_ANCHORS;
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
