import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callbackUpdate,
  contactUpdate,
  type FakeTelegram,
  startFakeTelegram,
  textUpdate,
} from '../../src/dev/fake-telegram.ts';
import { freePort, startThrowawayRedis, type ThrowawayRedis } from '../../src/dev/throwaway-redis.ts';
import { devKeyPaths } from '../../src/extracts/signing/dev-keys.ts';
import { readCertificates } from '../../src/extracts/signing/identity.ts';
import { verifyPdf } from '../../src/extracts/verify.ts';
import { defaultPopulation } from '../../src/ports/population/embedded.ts';
import { SeededRandom } from '../../src/ports/population/random.ts';
import { type FakeAgency, startFakeAgency } from '../fakes/agency-api.ts';
import { createTestDatabase, type TestDatabase } from '../support/postgres.ts';

const HOSO = fileURLToPath(new URL('../../bin/hoso.js', import.meta.url));
const TOKEN = '123456:FAULTS-token-for-the-fake-bot-api';
const SECRET = 'faults-secret-0123456789abcdef';
const JOURNEYS = 50;
const AT_ONCE = 5;
const CODE = /LLTP-\d{4}-\d{6}/;

/** Answers that mean "this message was not taken, send it again", as a citizen would read them. */
const TRY_AGAIN = /tạm gián đoạn|đang bận xử lý|đang gặp sự cố|gửi tin nhắn quá nhanh/;

type Update =
  | ReturnType<typeof textUpdate>
  | ReturnType<typeof callbackUpdate>
  | ReturnType<typeof contactUpdate>;

function chatOf(update: Update): number {
  return 'callback_query' in update ? update.callback_query.message.chat.id : update.message.chat.id;
}

interface HosoProcess {
  name: string;
  port?: number;
  child: ChildProcess;
  output: string[];
}

/**
 * The records promise, as an operator would test it: two `hoso serve` and one `hoso worker` on one PostgreSQL
 * and one Redis (append-only file), fifty citizens linking, requesting and paying across both servers, and
 * in the middle of it a server, the worker and Redis are each killed with SIGKILL and started again.
 * Telegram redelivers an update its webhook did not accept (to whichever server answers), and a citizen
 * told to try again sends the message again, as people do.
 */
describe('a cluster that loses a server, the worker and Redis in the middle of fifty journeys', () => {
  let db: TestDatabase;
  let redis: ThrowawayRedis;
  let telegram: FakeTelegram;
  let agency: FakeAgency;
  let dataDir: string;
  const processes = new Map<string, HosoProcess>();

  function env(port?: number): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      ...(port ? { PORT: String(port) } : {}),
      DATA_DIR: dataDir,
      DATABASE_URL: db.url,
      DATABASE_POOL_SIZE: '4',
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: 'faults:',
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      TELEGRAM_WEBHOOK_URL: 'https://faults.invalid/telegram/webhook',
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_THROTTLE: 'false',
      // The servers only answer; every job runs in the worker, so killing it strands jobs for real.
      JOBS_WORKERS: 'false',
      JOBS_BACKOFF_MS: '200',
      JOBS_LOCK_MS: '3000',
      // A server killed between recording a payment and queueing its filing leaves the request to the sweep.
      REQUESTS_SWEEP_GRACE_SECONDS: '15',
      REQUESTS_SWEEP_SECONDS: '2',
      AGENCY_API_URL: agency.baseUrl,
      AGENCY_POLL_SECONDS: '1',
      AGENCY_TIMEOUT_MS: '5000',
      IDENTITY_LOOKUPS_PER_ACCOUNT_PER_HOUR: '1000',
      IDENTITY_LOOKUPS_PER_ID_PER_HOUR: '1000',
      CONVERSATION_MESSAGES_PER_MINUTE: '1000',
      SHUTDOWN_GRACE_SECONDS: '1',
    };
  }

  async function start(name: string, port?: number): Promise<HosoProcess> {
    const command = port ? 'serve' : 'worker';
    const child = spawn(process.execPath, [HOSO, command], {
      env: env(port),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const p: HosoProcess = { name, child, output: [], ...(port ? { port } : {}) };
    const keep = (chunk: Buffer) => {
      p.output.push(chunk.toString());
      if (p.output.length > 200) p.output.shift();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    processes.set(name, p);
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${name} exited: ${p.output.join('')}`);
      if (port) {
        const ready = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
        if (ready?.status === 200) return p;
      } else if (p.output.join('').includes('job workers are running')) return p;
      if (Date.now() > deadline) throw new Error(`${name} did not start: ${p.output.join('')}`);
      await sleep(100);
    }
  }

  async function kill(name: string): Promise<void> {
    const p = processes.get(name)!;
    const exited = new Promise<void>((resolve) => {
      if (p.child.exitCode !== null || p.child.signalCode !== null) resolve();
      else p.child.once('exit', () => resolve());
    });
    p.child.kill('SIGKILL');
    await exited;
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'hoso-faults-'));
    [db, redis, telegram, agency] = await Promise.all([
      createTestDatabase(),
      startThrowawayRedis({ persist: true }),
      startFakeTelegram(),
      startFakeAgency(),
    ]);
    agency.issueAfterMs = 300;
    const [a, b] = [await freePort(), await freePort()];
    // The first start creates the development keys in DATA_DIR that the others then share.
    await start('server A', a);
    await Promise.all([start('server B', b), start('worker')]);
  }, 240_000);

  afterAll(async () => {
    for (const p of processes.values()) p.child.kill('SIGKILL');
    await Promise.all([telegram?.close(), agency?.close(), redis?.stop(), db?.drop()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('files every confirmed request once and gives every citizen their own valid extract', {
    timeout: 420_000,
  }, async () => {
    const random = new SeededRandom(20261205);
    const adultBefore = `${new Date().getFullYear() - 20}-01-01`;
    const citizens = defaultPopulation()
      .filter((c) => c.vneidLevel === 2 && c.phone && c.nationality === 'VN' && c.dateOfBirth < adultBefore)
      .slice(0, JOURNEYS);
    expect(citizens).toHaveLength(JOURNEYS);
    const servers = ['server A', 'server B'];

    // Each chat's deliveries, shown when its journey fails.
    const trails = new Map<number, string[]>();
    /** What Telegram does: post the update to a server and, until one accepts it, deliver it again. */
    async function deliver(update: Update): Promise<void> {
      const chatId = chatOf(update);
      const trail = trails.get(chatId) ?? [];
      trails.set(chatId, trail);
      let server = servers[Math.floor(random.next() * 2)]!;
      for (let attempt = 0; ; attempt++) {
        const port = processes.get(server)!.port!;
        const res = await fetch(`http://127.0.0.1:${port}/telegram/webhook`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
          body: JSON.stringify(update),
        }).catch(() => undefined);
        trail.push(`${update.update_id} → ${server}: ${res?.status ?? 'no answer'}`);
        if (res?.status === 200) return;
        if (attempt > 200) throw new Error(`update ${update.update_id} never accepted`);
        server = servers[(servers.indexOf(server) + 1) % 2]!;
        await sleep(100);
      }
    }

    const messagesTo = (chat: number) =>
      telegram.calls.filter((c) => Number(c.json.chat_id) === chat && c.method === 'sendMessage');

    /**
     * One message from the citizen, who waits for the answer before going on (a server that died holding the
     * conversation delays it until its lock expires) and sends the message again when the answer says to
     * try again, or when none comes.
     */
    async function say(chat: number, make: () => Update): Promise<void> {
      for (let tries = 0; ; tries++) {
        const before = messagesTo(chat).length;
        await deliver(make());
        const end = Date.now() + 60_000;
        while (messagesTo(chat).length === before && Date.now() < end) await sleep(50);
        const answers = messagesTo(chat).slice(before);
        if (answers.length === 0) continue;
        if (!answers.some((c) => TRY_AGAIN.test(String(c.json.text)))) return;
        if (tries > 50) throw new Error(`chat ${chat}: kept being asked to try again`);
        await sleep(200);
      }
    }

    async function waitFor(what: string, check: () => boolean, ms = 180_000): Promise<void> {
      const end = Date.now() + ms;
      while (!check()) {
        if (Date.now() > end) throw new Error(`waited too long for ${what}`);
        await sleep(100);
      }
    }

    const codesOf = (chat: number) =>
      new Set(messagesTo(chat).flatMap((c) => String(c.json.text).match(new RegExp(CODE, 'g')) ?? []));

    async function journey(n: number): Promise<void> {
      const chat = 9_100_000 + n;
      const citizen = citizens[n]!;
      const steps: (() => Update)[] = [
        () => textUpdate(chat, '/start'),
        () => callbackUpdate(chat, 'consent:accept'),
        () => textUpdate(chat, 'liên kết VNeID'),
        () => textUpdate(chat, citizen.id),
        () => textUpdate(chat, citizen.dateOfBirth.split('-').reverse().join('/')),
        () => contactUpdate(chat, `84${citizen.phone!.slice(1)}`, true),
        () => textUpdate(chat, 'xin phiếu lý lịch tư pháp số 1'),
        () => callbackUpdate(chat, 'request:a:purpose:0'),
        () => callbackUpdate(chat, 'request:a:relation:0'),
        () => callbackUpdate(chat, 'request:a:livedInSeveralProvinces:n'),
        () => callbackUpdate(chat, 'request:a:livedAbroad:n'),
        () => textUpdate(chat, '1'),
        () => callbackUpdate(chat, 'request:a:feeCategory:0'),
        () => callbackUpdate(chat, 'request:confirm'),
      ];
      for (const step of steps) await say(chat, step);
      await waitFor(`chat ${chat} to be given a request code`, () => codesOf(chat).size > 0, 60_000);
      const code = [...codesOf(chat)][0]!;
      const filed = messagesTo(chat).some((c) => /Hoso đã lập hồ sơ/.test(String(c.json.text)));
      if (filed) await say(chat, () => callbackUpdate(chat, `request:devpay:${code}`));
    }

    // Faults at fixed points of the run, so that each lands while journeys are in flight.
    const faults = new Map<number, () => Promise<void>>([
      [
        8,
        async () => {
          await kill('server A');
          await start('server A', processes.get('server A')!.port);
        },
      ],
      [
        20,
        async () => {
          await kill('worker');
          await start('worker');
        },
      ],
      [32, () => redis.restart()],
    ]);
    const faultsDone: Promise<void>[] = [];
    let next = 0;
    const failures: string[] = [];
    async function citizenAfterCitizen(): Promise<void> {
      while (next < JOURNEYS) {
        const n = next++;
        const fault = faults.get(n);
        if (fault) faultsDone.push(fault());
        await journey(n).catch((err: Error) => {
          const chat = 9_100_000 + n;
          const seen = telegram.calls
            .filter((c) => Number(c.json.chat_id) === chat)
            .map((c) => `${c.method}: ${String(c.json.text ?? '').slice(0, 80)}`);
          failures.push(
            `journey ${n}: ${err.message}\n  ${seen.join('\n  ')}\n  ${(trails.get(chat) ?? []).join('\n  ')}`,
          );
        });
      }
    }
    await Promise.all(Array.from({ length: AT_ONCE }, () => citizenAfterCitizen()));
    await Promise.all(faultsDone);
    if (failures.length > 0) {
      for (const p of processes.values()) console.error(`--- ${p.name}\n${p.output.join('').slice(-3000)}`);
    }
    expect(failures).toEqual([]);

    // Every citizen was given exactly one request code, and no code went to two citizens.
    const chats = citizens.map((_, n) => 9_100_000 + n);
    const codeOf = new Map<number, string>();
    for (const chat of chats) {
      expect(codesOf(chat).size, `codes given to chat ${chat}`).toBe(1);
      codeOf.set(chat, [...codesOf(chat)][0]!);
    }
    expect(new Set(codeOf.values()).size).toBe(JOURNEYS);

    // Every confirmed request reaches its citizen as a signed extract.
    const documentsTo = (chat: number) =>
      telegram.calls.filter((c) => c.method === 'sendDocument' && Number(c.json.chat_id) === chat);
    await waitFor('every extract to be delivered', () =>
      chats.every((chat) => documentsTo(chat).length > 0),
    ).catch((err: Error) => {
      const missing = chats
        .filter((chat) => documentsTo(chat).length === 0)
        .map(
          (chat) =>
            `${chat} ${codeOf.get(chat)}: ${messagesTo(chat)
              .slice(-2)
              .map((c) => String(c.json.text).slice(0, 90))
              .join(' | ')}`,
        );
      for (const p of processes.values()) console.error(`--- ${p.name}\n${p.output.join('').slice(-4000)}`);
      throw new Error(`${err.message}\n${missing.join('\n')}`);
    });

    // Filed at the agency exactly once each: one filing per request, under a random key, never twice.
    const filedCodes = agency.posts.map((p) => (p.body as { code?: string } | undefined)?.code);
    expect(new Set(filedCodes).size).toBe(JOURNEYS);
    expect([...agency.filed.values()].every((times) => times === 1)).toBe(true);
    expect(agency.filed.size).toBe(JOURNEYS);

    // Hoso's document ids come from a database sequence: none may repeat, whatever was killed.
    const documentIds = new Set<string>();
    const anchors = await readCertificates([devKeyPaths(join(dataDir, 'keys')).caCertificate]);
    for (const [n, chat] of chats.entries()) {
      // Sending a file and recording that it was sent cannot be one step: a worker killed between the two sends
      // it again when its job is taken over. So a citizen may get their extract twice, never another's.
      const sent = documentsTo(chat);
      const ids = new Set<string>();
      for (const call of sent) {
        const pdf = Object.values(call.files)[0]!.bytes;
        const text = execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf }).toString();
        const citizen = citizens[n]!;
        // Their own name and date of birth, nobody else's.
        expect(text).toContain(citizen.fullName.toUpperCase());
        expect(text).toContain(citizen.dateOfBirth.split('-').reverse().join('/'));
        // Signed by the cluster's key, untouched.
        const checked = await verifyPdf(pdf, { trustAnchors: anchors });
        expect(checked.valid, `the extract sent to chat ${chat} verifies`).toBe(true);
        ids.add(checked.documentId!);
      }
      // One document for one request, however many times it was sent.
      expect([...ids], `documents sent to chat ${chat}`).toHaveLength(1);
      for (const id of ids) documentIds.add(id);
      const pdf = Object.values(sent[0]!.files)[0]!.bytes;
      // And known to the registry every server shares, as a citizen's verification finds it (the public
      // page allows 30 checks a minute from one address, so a sample of 20, alternating servers).
      if (n < 20) {
        const server = processes.get(servers[n % 2]!)!;
        const res = await fetch(`http://127.0.0.1:${server.port}/api/verify`, {
          method: 'POST',
          headers: { 'content-type': 'application/pdf' },
          body: pdf,
        });
        const report = (await res.json()) as { valid: boolean; document: { status?: string } | null };
        expect(report, `chat ${chat}'s extract in the registry`).toMatchObject({
          valid: true,
          document: { status: 'valid' },
        });
      }
    }
    expect(documentIds.size).toBe(JOURNEYS);
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
