import { Notifier } from '../../src/conversation/notifier.ts';
import type { Outbound } from '../../src/dialogue/message.ts';
import { MemoryBlobStore } from '../../src/files/memory-blob-store.ts';
import { createTranslator } from '../../src/i18n.ts';
import { BullJobQueue } from '../../src/jobs/bull-queue.ts';
import { createDeadLetterList } from '../../src/jobs/dead-letters.ts';
import { VietQrPayments } from '../../src/payments/port.ts';
import { HttpAgency } from '../../src/ports/agency/http.ts';
import { registerRequestJobs } from '../../src/requests/jobs.ts';
import { RequestRepository } from '../../src/requests/repository.ts';
import { RequestService } from '../../src/requests/service.ts';
import { RedisStore } from '../../src/store/redis.ts';
import { signedExtractIssuer } from '../support/extracts.ts';

const silent = { info() {}, warn() {}, error() {} };

export interface RedisPipelineOptions {
  redisUrl: string;
  /** Store prefix; BullMQ's is `<prefix>bull`. */
  prefix: string;
  agencyUrl: string;
  /** The development signing keys (the run's shared ones). */
  keysDir: string;
  agencyTimeoutMs?: number;
  attempts?: number;
  /** A worker that dies is taken over after about this long. */
  lockDurationMs?: number;
}

/**
 * One Hoso process's request pipeline on Redis and BullMQ against an agency HTTP API, as main.ts wires it,
 * with the messages to citizens recorded. The reliability tests run several of these, in this process or in a
 * child process they kill.
 */
export function redisPipeline(options: RedisPipelineOptions) {
  const kv = new RedisStore({ url: options.redisUrl, prefix: options.prefix });
  const deadLetters = createDeadLetterList(kv);
  const queue = new BullJobQueue({
    redisUrl: options.redisUrl,
    prefix: `${options.prefix}bull`,
    attempts: options.attempts ?? 8,
    backoffMs: 50,
    log: silent,
    deadLetters,
    lockDurationMs: options.lockDurationMs ?? 1500,
    stalledIntervalMs: 500,
  });
  const sent: { userId: string; messages: Outbound[] }[] = [];
  const notifier = new Notifier();
  notifier.register('webchat', { send: async (userId, messages) => void sent.push({ userId, messages }) });
  const service = new RequestService({
    repo: new RequestRepository(kv),
    queue,
    payments: new VietQrPayments({ bankBin: '970436', account: '0011000000000' }),
  });
  registerRequestJobs({
    service,
    queue,
    agencies: {
      lltp: new HttpAgency({ baseUrl: options.agencyUrl, timeoutMs: options.agencyTimeoutMs ?? 2000 }),
    },
    // Each process has a blob store of its own, as separate machines would.
    issuer: signedExtractIssuer(kv, new MemoryBlobStore(), options.keysDir).issuer,
    notifier,
    translator: createTranslator(),
    log: silent,
    pollMs: 50,
    maxPollMs: 200,
  });
  return {
    kv,
    queue,
    service,
    deadLetters,
    sent,
    /** Every message text sent about one request. */
    told(code: string): string[] {
      return sent.flatMap((s) =>
        s.messages.flatMap((m) => (m.type === 'text' && m.text.includes(code) ? [m.text] : [])),
      );
    },
    async close() {
      await queue.close();
      await kv.close();
    },
  };
}

// Run as a child process: a worker that the test kills with SIGKILL (a crash, not a shutdown).
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '-')) {
  const p = redisPipeline({
    redisUrl: process.env.TEST_REDIS_URL!,
    prefix: process.env.TEST_PREFIX!,
    agencyUrl: process.env.TEST_AGENCY_URL!,
    keysDir: process.env.TEST_KEYS_DIR!,
    agencyTimeoutMs: 60_000,
  });
  await p.queue.start();
  process.stdout.write('ready\n');
}
