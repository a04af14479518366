import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AgencyStatus,
  type AgencySubmission,
  AgencySubmissionSchema,
  type ExtractContent,
} from '../../src/ports/agency/types.ts';

/**
 * How the next submission calls misbehave:
 * - `503-before`: answer 503 without filing (the agency is down);
 * - `503-after`: file it, then answer 503 (the answer is lost: the retry must not file it twice);
 * - `hang`: file it and never answer (the caller times out).
 */
export type Failure = '503-before' | '503-after' | 'hang';

export interface FakeAgency {
  baseUrl: string;
  /** Every POST /submissions received, in order, with its Idempotency-Key. */
  posts: { key: string | undefined; body: unknown }[];
  /** Requests filed, by idempotency key: how many times each was filed (exactly once is 1). */
  filed: Map<string, number>;
  failNextSubmissions(count: number, how?: Failure): void;
  failNextStatus(count: number): void;
  /** How long after filing a request is issued (it is "processing" in between). */
  issueAfterMs: number;
  /** Answer this rejection instead of issuing, for these codes. */
  rejectCodes: Map<string, string>;
  /** Issue, for these request codes, someone else's extract (the mix-up a reused idempotency key caused). */
  crossedResults: Map<string, AgencySubmission['subject']>;
  /** Pauses the status answers of issued requests until `release()` (to act while a job is in flight). */
  holdIssuing(): { release(): void };
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function resultFor(s: AgencySubmission): ExtractContent {
  return {
    kind: 'lltp',
    form: 1,
    documentNumber: '1234/LLTP-FAKE',
    issueDate: '2026-11-26',
    issuePlace: 'Hà Nội',
    authority: { name: 'Công an thành phố Hà Nội', parent: 'Bộ Công an' },
    subject: {
      fullName: s.subject.fullName,
      dateOfBirth: s.subject.dateOfBirth,
      idDocument: { kind: 'cccd', number: s.subject.citizenId },
    },
    content: { convictions: [], managementBan: { requested: false, bans: [] } },
  };
}

/** A local agency back office speaking src/ports/agency/CONTRACT.md, which fails on purpose when told to. */
export async function startFakeAgency(): Promise<FakeAgency> {
  const bySubmissionKey = new Map<string, { ref: string; filedAt: number; submission: AgencySubmission }>();
  const byRef = new Map<string, string>();
  const submitFailures: Failure[] = [];
  let statusFailures = 0;
  let held: Promise<void> | undefined;
  const hanging = new Set<ServerResponse>();

  const fake = {
    posts: [],
    filed: new Map<string, number>(),
    issueAfterMs: 0,
    rejectCodes: new Map<string, string>(),
    crossedResults: new Map<string, AgencySubmission['subject']>(),
    failNextSubmissions(count: number, how: Failure = '503-before') {
      for (let i = 0; i < count; i++) submitFailures.push(how);
    },
    failNextStatus(count: number) {
      statusFailures += count;
    },
    holdIssuing() {
      let release = () => {};
      held = new Promise<void>((r) => {
        release = r;
      });
      return {
        release: () => {
          held = undefined;
          release();
        },
      };
    },
  } as unknown as FakeAgency;

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  function file(key: string, submission: AgencySubmission): { ref: string; fresh: boolean } {
    const known = bySubmissionKey.get(key);
    if (known) return { ref: known.ref, fresh: false };
    const ref = `AG-${bySubmissionKey.size + 1000}`;
    bySubmissionKey.set(key, { ref, filedAt: Date.now(), submission });
    byRef.set(ref, key);
    fake.filed.set(key, (fake.filed.get(key) ?? 0) + 1);
    return { ref, fresh: true };
  }

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const body = await readBody(req);
    if (req.method === 'POST' && url.pathname === '/v1/submissions') {
      const key = req.headers['idempotency-key'] as string | undefined;
      fake.posts.push({ key, body: body ? JSON.parse(body) : undefined });
      const failure = submitFailures.shift();
      if (failure === '503-before') return json(res, 503, { error: 'unavailable' });
      if (!key)
        return json(res, 400, { code: 'missing_idempotency_key', reason: 'Idempotency-Key is required' });
      const parsed = AgencySubmissionSchema.safeParse(JSON.parse(body));
      if (!parsed.success) return json(res, 422, { code: 'invalid', reason: parsed.error.message });
      const { ref, fresh } = file(key, parsed.data);
      if (failure === '503-after') return json(res, 503, { error: 'unavailable' });
      if (failure === 'hang') {
        hanging.add(res);
        return;
      }
      return json(res, fresh ? 201 : 200, { agencyRef: ref, state: 'received', expectedBy: '2026-12-09' });
    }
    const m = url.pathname.match(/^\/v1\/submissions\/([^/]+)$/);
    if (req.method === 'GET' && m) {
      if (statusFailures > 0) {
        statusFailures--;
        return json(res, 503, { error: 'unavailable' });
      }
      const key = byRef.get(decodeURIComponent(m[1]!));
      const entry = key ? bySubmissionKey.get(key) : undefined;
      if (!entry) return json(res, 404, { error: 'unknown' });
      const base = { agencyRef: entry.ref, updatedAt: new Date().toISOString() };
      const rejection = fake.rejectCodes.get(entry.submission.code);
      let answer: AgencyStatus;
      if (rejection)
        answer = { ...base, state: 'rejected', rejection: { code: 'refused', reason: rejection } };
      else if (Date.now() - entry.filedAt < fake.issueAfterMs) answer = { ...base, state: 'processing' };
      else {
        if (held) await held;
        const other = fake.crossedResults.get(entry.submission.code);
        const about = other ? { ...entry.submission, subject: other } : entry.submission;
        answer = { ...base, state: 'issued', result: resultFor(about) };
      }
      return json(res, 200, answer);
    }
    return json(res, 404, { error: 'no such route' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  fake.baseUrl = `http://127.0.0.1:${port}/v1`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}
