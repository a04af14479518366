import { createHash } from 'node:crypto';
import type { ExtractInput } from './schema.ts';

/**
 * Canonical JSON (RFC 8785 JCS for the values extracts hold: object keys sorted by UTF-16 code units, no
 * whitespace, ECMAScript number and string serialisation) of the parsed extract input.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * The document hash carried by the QR payload: SHA-256 of the canonical JSON of the parsed input (after zod,
 * so NFC and defaults applied). It covers everything printed except what depends on the signing itself
 * (signing time, certificate name, the QR code). A PDF cannot contain a hash of itself; the hash of the final
 * signed file is returned separately (RenderedExtract.fileSha256) for the issued-document registry.
 */
export function contentSha256(input: ExtractInput): Buffer {
  return createHash('sha256').update(canonicalJson(input), 'utf8').digest();
}
