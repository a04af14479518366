/**
 * API keys of the rules admin API, with roles, from configuration (`RULES_API_KEYS`, a JSON list):
 *   admin    — every service, every action, the audit log, waivers of dropped scenarios
 *   approver — its own services: what a drafter does, and publish (now or at a time), waive, roll back
 *   agency   — its own services: what a drafter does, and publish, roll back (no waivers)
 *   drafter  — its own services: read, upload, lint, test, impact, propose
 *   viewer   — its own services (or all, if none listed): read only
 * Publishing takes four eyes, as in the console: a key proposes a draft, a different key publishes it.
 * Keys are compared by SHA-256 in constant time; a deployment may store only the hash (`keySha256`).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

export const ApiKeySchema = z
  .strictObject({
    name: z.string().min(1).max(64),
    role: z.enum(['admin', 'approver', 'agency', 'drafter', 'viewer']),
    services: z.array(z.string().regex(/^[a-z][a-z0-9_]*$/)).optional(),
    key: z.string().min(24, 'an API key has at least 24 characters').optional(),
    keySha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'keySha256 is 64 hex digits')
      .optional(),
  })
  .refine((k) => Boolean(k.key) !== Boolean(k.keySha256), {
    message: 'give exactly one of key and keySha256',
  })
  .refine((k) => !['agency', 'approver', 'drafter'].includes(k.role) || (k.services?.length ?? 0) > 0, {
    message: 'an agency, approver or drafter key names its services',
  });

export const ApiKeysSchema = z.array(ApiKeySchema);
export type ApiKey = z.infer<typeof ApiKeySchema>;

export type Permission = 'read' | 'write' | 'publish' | 'audit';

const sha256 = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Parses the `RULES_API_KEYS` value; throws with the problems when it is not valid. */
export function parseApiKeys(value: string | undefined): ApiKey[] {
  if (!value) return [];
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    throw new Error(
      'RULES_API_KEYS: not JSON; expected a list such as [{"name":"ops","role":"admin","key":"…"}]',
    );
  }
  const parsed = ApiKeysSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(
      `RULES_API_KEYS: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}

export class ApiKeyring {
  private readonly keys: { key: ApiKey; digest: Buffer }[];

  constructor(keys: readonly ApiKey[]) {
    this.keys = keys.map((key) => ({
      key,
      digest: key.keySha256 ? Buffer.from(key.keySha256, 'hex') : sha256(key.key!),
    }));
  }

  get size(): number {
    return this.keys.length;
  }

  authenticate(presented: string | undefined): ApiKey | undefined {
    if (!presented) return undefined;
    const digest = sha256(presented);
    let found: ApiKey | undefined;
    // Compare with every key, so the time taken does not tell which one was close.
    for (const k of this.keys) if (timingSafeEqual(k.digest, digest)) found = k.key;
    return found;
  }
}

export function allowed(key: ApiKey, permission: Permission, service?: string): boolean {
  if (key.role === 'admin') return true;
  if (permission === 'audit') return false;
  if (key.role === 'viewer' && permission !== 'read') return false;
  if (key.role === 'drafter' && permission === 'publish') return false;
  if (service === undefined) return true;
  return key.services === undefined || key.services.includes(service);
}
