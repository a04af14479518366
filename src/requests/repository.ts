import { randomUUID } from 'node:crypto';
import { createConversationLocks } from '../store/conversation-lock.ts';
import type { KeyValueStore } from '../store/types.ts';
import { nextRequestCode } from './code.ts';
import { IllegalTransitionError, RequestError } from './errors.ts';
import {
  canTransition,
  type NewRequest,
  NewRequestSchema,
  type RequestChange,
  RequestChangeSchema,
  type RequestRecord,
  RequestRecordSchema,
  type RequestState,
} from './schema.ts';

/**
 * Seals a record at rest. A record holds personal data (the subject's ID number and names), so a
 * deployment wires the AES-256-GCM cipher of `src/privacy/crypto.ts` here; the record's key
 * is passed as associated data, so a sealed record moved to another key does not open.
 */
export interface RecordSealer {
  seal(plaintext: string, context: string): string;
  open(sealed: string, context: string): string;
}

/** No sealing: for tests and the embedded default until the identity module's cipher is wired. */
export const plainSealer: RecordSealer = { seal: (p) => p, open: (s) => s };

export const REQUEST_CHANGES_CHANNEL = 'requests:changes';

export interface RequestRepositoryOptions {
  sealer?: RecordSealer;
  now?: () => Date;
  codePrefixes?: Record<string, string>;
}

export interface TransitionOptions {
  by?: string;
  note?: string;
  /** Fields to set with the change (payment info, agency reference, result…). */
  patch?: (record: RequestRecord) => Partial<Omit<RequestRecord, 'state' | 'code' | 'history'>>;
}

const recordKey = (code: string) => `req:${code}`;
const citizenIndex = (citizenKey: string) => `req:by-citizen:${citizenKey}`;
/** A draft's filing key → the request it made; kept as long as a draft could be filed again. */
const filingIndex = (filingKey: string) => `req:by-filing:${filingKey}`;
const FILING_KEY_TTL_MS = 7 * 24 * 3600 * 1000;

/**
 * Requests in the key-value store: one sealed JSON value per request under its code, a sorted index per
 * citizen (newest last), changes made under a per-request lock so two processes never lose each other's
 * update, every change validated against the lifecycle and announced on pub/sub.
 */
export class RequestRepository {
  private readonly sealer: RecordSealer;
  private readonly now: () => Date;
  private readonly locks;

  constructor(
    private readonly kv: KeyValueStore,
    private readonly options: RequestRepositoryOptions = {},
  ) {
    this.sealer = options.sealer ?? plainSealer;
    this.now = options.now ?? (() => new Date());
    this.locks = createConversationLocks(kv, { ttlMs: 10_000, waitMs: 10_000 });
  }

  async create(input: NewRequest): Promise<RequestRecord> {
    const parsed = NewRequestSchema.safeParse(input);
    if (!parsed.success) {
      throw new RequestError('HOSO_ERR_REQUEST_INVALID', `not a valid request: ${parsed.error.message}`);
    }
    const { filingKey, ...request } = parsed.data;
    if (filingKey) {
      const filed = await this.kv.get(filingIndex(filingKey));
      const earlier = filed ? await this.get(filed) : undefined;
      if (earlier) return earlier;
    }
    const now = this.now();
    const at = now.toISOString();
    const code = await nextRequestCode(this.kv, request.service, now, this.options.codePrefixes);
    const record = RequestRecordSchema.parse({
      ...request,
      code,
      submissionKey: randomUUID(),
      ruleSetVersion: parsed.data.decision.ruleSet.version,
      state: 'draft',
      createdAt: at,
      updatedAt: at,
      stateAt: { draft: at },
      history: [{ from: null, to: 'draft', at, by: 'citizen' }],
    });
    // NX: a counter that went backwards (a restored backup) must never overwrite a request.
    if (!(await this.kv.set(recordKey(code), this.seal(record), { nx: true }))) {
      throw new RequestError('HOSO_ERR_REQUEST_INVALID', `request code ${code} is already taken`);
    }
    if (filingKey) await this.kv.set(filingIndex(filingKey), code, { ttlMs: FILING_KEY_TTL_MS });
    await this.kv.zadd(citizenIndex(record.citizenKey), now.getTime(), code);
    await this.announce(record, null);
    return record;
  }

  async get(code: string): Promise<RequestRecord | undefined> {
    const raw = await this.kv.get(recordKey(code));
    return raw === null ? undefined : this.open(code, raw);
  }

  async require(code: string): Promise<RequestRecord> {
    const record = await this.get(code);
    if (!record) throw new RequestError('HOSO_ERR_REQUEST_NOT_FOUND', `no request ${code}`, { code });
    return record;
  }

  /** The citizen's requests, newest first. */
  async listForCitizen(citizenKey: string, limit = 20): Promise<RequestRecord[]> {
    const codes = await this.kv.zrangeByScore(citizenIndex(citizenKey), 0, Number.MAX_SAFE_INTEGER);
    const records = await Promise.all(
      codes
        .reverse()
        .slice(0, limit)
        .map((c) => this.get(c)),
    );
    return records.filter((r): r is RequestRecord => r !== undefined);
  }

  /** Moves a request to another state, or throws IllegalTransitionError when the lifecycle forbids it. */
  async transition(code: string, to: RequestState, options: TransitionOptions = {}): Promise<RequestRecord> {
    return this.locks.run(`request:${code}`, async () => {
      const record = await this.require(code);
      if (!canTransition(record.state, to)) throw new IllegalTransitionError(code, record.state, to);
      const at = this.now().toISOString();
      const next = RequestRecordSchema.parse({
        ...record,
        ...options.patch?.(record),
        state: to,
        updatedAt: at,
        stateAt: { ...record.stateAt, [to]: at },
        history: [
          ...record.history,
          {
            from: record.state,
            to,
            at,
            ...(options.by ? { by: options.by } : {}),
            ...(options.note ? { note: options.note } : {}),
          },
        ],
      });
      await this.kv.set(recordKey(code), this.seal(next));
      await this.announce(next, record.state);
      return next;
    });
  }

  /** Changes fields without changing the state (e.g. the payment code shown to the citizen). */
  async update(
    code: string,
    patch: (record: RequestRecord) => Partial<Omit<RequestRecord, 'state' | 'code' | 'history'>>,
  ): Promise<RequestRecord> {
    return this.locks.run(`request:${code}`, async () => {
      const record = await this.require(code);
      const next = RequestRecordSchema.parse({
        ...record,
        ...patch(record),
        updatedAt: this.now().toISOString(),
      });
      await this.kv.set(recordKey(code), this.seal(next));
      return next;
    });
  }

  /** Every change of every request, as it happens (for consoles and live status pages). */
  subscribe(onChange: (change: RequestChange) => void): Promise<() => Promise<void>> {
    return this.kv.subscribe(REQUEST_CHANGES_CHANNEL, (raw) => {
      const parsed = RequestChangeSchema.safeParse(JSON.parse(raw));
      if (parsed.success) onChange(parsed.data);
    });
  }

  /** Deletes a citizen's requests and their index (the right to erasure). Returns the codes removed. */
  async eraseCitizen(citizenKey: string): Promise<string[]> {
    const codes = await this.kv.zrangeByScore(citizenIndex(citizenKey), 0, Number.MAX_SAFE_INTEGER);
    if (codes.length > 0) await this.kv.del(...codes.map(recordKey));
    await this.kv.del(citizenIndex(citizenKey));
    return codes;
  }

  private seal(record: RequestRecord): string {
    return this.sealer.seal(JSON.stringify(record), recordKey(record.code));
  }

  private open(code: string, raw: string): RequestRecord {
    return RequestRecordSchema.parse(JSON.parse(this.sealer.open(raw, recordKey(code))));
  }

  private async announce(record: RequestRecord, from: RequestState | null): Promise<void> {
    const change: RequestChange = {
      code: record.code,
      service: record.service,
      citizenKey: record.citizenKey,
      from,
      to: record.state,
      at: record.updatedAt,
    };
    await this.kv.publish(REQUEST_CHANGES_CHANNEL, JSON.stringify(change));
  }
}
