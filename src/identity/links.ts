import { z } from 'zod';
import type { Address } from '../dialogue/message.ts';
import { ChannelSchema } from '../dialogue/message.ts';
import type { DataCipher } from '../privacy/crypto.ts';
import type { KeyValueStore } from '../store/types.ts';

/**
 * Which chat accounts are linked to which citizen. Two records:
 *
 * - `idlink:acct:<channel>:<userId>` → the citizen key;
 * - `idlink:cit:<citizen key>`, a hash: `id` (the ID number, AES-256-GCM, bound to the citizen key),
 *   `createdAt`, and one field `acct:<channel>:<userId>` per linked account.
 *
 * The citizen key is `cipher.keyedHash(id)`: no raw ID, phone or code in any key or value. One field per
 * account means two accounts linking at once never overwrite each other.
 */

export const LinkMethodSchema = z.enum(['sms', 'telegram_contact', 'zalo_contact', 'oidc']);
export type LinkMethod = z.infer<typeof LinkMethodSchema>;

export const AssuranceLevelSchema = z.union([z.literal(0), z.literal(1), z.literal(2)]);
export type AssuranceLevel = z.infer<typeof AssuranceLevelSchema>;

export const AccountLinkSchema = z.object({
  method: LinkMethodSchema,
  /** The assurance level the proof carried: the registry's VNeID level, or the OIDC provider's claim. */
  level: AssuranceLevelSchema,
  linkedAt: z.string(),
  /** The last time this account proved possession again (a fresh code for a sensitive step). */
  verifiedAt: z.string(),
});
export type AccountLink = z.infer<typeof AccountLinkSchema>;

export interface LinkedAccount extends AccountLink {
  address: Address;
}

export interface CitizenLinks {
  citizenKey: string;
  createdAt: string;
  accounts: LinkedAccount[];
}

export interface IdentityLinksOptions {
  /** Links not used for this long are forgotten (the retention of the consent notice). */
  retentionMs: number;
}

const ACCOUNT_FIELD = 'acct:';

export class IdentityLinks {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly cipher: DataCipher,
    private readonly options: IdentityLinksOptions,
  ) {}

  citizenKeyOf(citizenId: string): string {
    return this.cipher.keyedHash(citizenId);
  }

  /** The citizen key of an account, or undefined when it is not linked. */
  async citizenKeyFor(address: Address): Promise<string | undefined> {
    return (await this.kv.get(accountKey(address))) ?? undefined;
  }

  /** The account's own link record (undefined when not linked or the records disagree). */
  async accountLink(address: Address): Promise<(AccountLink & { citizenKey: string }) | undefined> {
    const citizenKey = await this.citizenKeyFor(address);
    if (!citizenKey) return undefined;
    const raw = await this.kv.hget(citizenRecordKey(citizenKey), accountField(address));
    const parsed = raw ? AccountLinkSchema.safeParse(JSON.parse(raw)) : undefined;
    if (!parsed?.success) return undefined;
    return { ...parsed.data, citizenKey };
  }

  /**
   * Links an account to the citizen with this ID. An account linked to someone else is moved: the latest
   * proof wins.
   */
  async link(
    address: Address,
    citizenId: string,
    proof: { method: LinkMethod; level: AssuranceLevel; at: Date },
  ): Promise<{ citizenKey: string; moved: boolean }> {
    const citizenKey = this.citizenKeyOf(citizenId);
    const previous = await this.citizenKeyFor(address);
    const moved = previous !== undefined && previous !== citizenKey;
    if (moved) await this.unlink(address);
    const recordKey = citizenRecordKey(citizenKey);
    const at = proof.at.toISOString();
    const fields: Record<string, string> = {
      [accountField(address)]: JSON.stringify({
        method: proof.method,
        level: proof.level,
        linkedAt: at,
        verifiedAt: at,
      } satisfies AccountLink),
    };
    if (!(await this.kv.hget(recordKey, 'id'))) {
      // Bound to its record: an encrypted ID copied under another citizen key does not decrypt.
      fields.id = this.cipher.encrypt(citizenId, recordKey);
      fields.createdAt = at;
    }
    await this.kv.hset(recordKey, fields);
    await this.kv.set(accountKey(address), citizenKey, { ttlMs: this.options.retentionMs });
    await this.kv.expire(recordKey, this.options.retentionMs);
    return { citizenKey, moved };
  }

  /** Records a fresh proof of possession (a new code) for an account already linked. */
  async markVerified(address: Address, at: Date): Promise<boolean> {
    const link = await this.accountLink(address);
    if (!link) return false;
    const { citizenKey, ...record } = link;
    await this.kv.hset(citizenRecordKey(citizenKey), {
      [accountField(address)]: JSON.stringify({ ...record, verifiedAt: at.toISOString() }),
    });
    await this.touch(address, citizenKey);
    return true;
  }

  /** Keeps a link in use from expiring. */
  async touch(address: Address, citizenKey: string): Promise<void> {
    await this.kv.expire(accountKey(address), this.options.retentionMs);
    await this.kv.expire(citizenRecordKey(citizenKey), this.options.retentionMs);
  }

  /** The ID number, decrypted in memory only. */
  async citizenId(citizenKey: string): Promise<string | undefined> {
    const recordKey = citizenRecordKey(citizenKey);
    const envelope = await this.kv.hget(recordKey, 'id');
    return envelope ? this.cipher.decryptString(envelope, recordKey) : undefined;
  }

  /** Every account linked to the citizen; stale fields (an account key that expired or moved) are dropped. */
  async citizen(citizenKey: string): Promise<CitizenLinks | undefined> {
    const recordKey = citizenRecordKey(citizenKey);
    const fields = await this.kv.hgetall(recordKey);
    if (!fields.id) return undefined;
    const accounts: LinkedAccount[] = [];
    for (const [field, raw] of Object.entries(fields)) {
      if (!field.startsWith(ACCOUNT_FIELD)) continue;
      const address = parseAccountField(field);
      const parsed = AccountLinkSchema.safeParse(JSON.parse(raw));
      if (!address || !parsed.success || (await this.citizenKeyFor(address)) !== citizenKey) {
        await this.kv.hdel(recordKey, field);
        continue;
      }
      accounts.push({ ...parsed.data, address });
    }
    const name = (a: LinkedAccount) => `${a.address.channel}:${a.address.userId}`;
    // Oldest first; the same instant falls back to the name, since hash fields come in no fixed order.
    accounts.sort((a, b) => a.linkedAt.localeCompare(b.linkedAt) || name(a).localeCompare(name(b)));
    return { citizenKey, createdAt: fields.createdAt ?? '', accounts };
  }

  /** Unlinks one account; the citizen record (with the encrypted ID) goes with the last account. */
  async unlink(address: Address): Promise<boolean> {
    const citizenKey = await this.citizenKeyFor(address);
    if (!citizenKey) return false;
    const recordKey = citizenRecordKey(citizenKey);
    await this.kv.del(accountKey(address));
    await this.kv.hdel(recordKey, accountField(address));
    const rest = await this.citizen(citizenKey);
    if (!rest || rest.accounts.length === 0) await this.kv.del(recordKey);
    return true;
  }

  /** Unlinks every account of the citizen and deletes the record; returns the accounts that were linked. */
  async forget(citizenKey: string): Promise<Address[]> {
    const record = await this.citizen(citizenKey);
    const addresses = record?.accounts.map((a) => a.address) ?? [];
    for (const address of addresses) await this.kv.del(accountKey(address));
    await this.kv.del(citizenRecordKey(citizenKey));
    return addresses;
  }
}

function accountKey(address: Address): string {
  return `idlink:acct:${address.channel}:${address.userId}`;
}

function citizenRecordKey(citizenKey: string): string {
  return `idlink:cit:${citizenKey}`;
}

function accountField(address: Address): string {
  return `${ACCOUNT_FIELD}${address.channel}:${address.userId}`;
}

function parseAccountField(field: string): Address | undefined {
  const rest = field.slice(ACCOUNT_FIELD.length);
  const colon = rest.indexOf(':');
  const channel = ChannelSchema.safeParse(rest.slice(0, colon));
  const userId = rest.slice(colon + 1);
  return colon > 0 && channel.success && userId ? { channel: channel.data, userId } : undefined;
}
