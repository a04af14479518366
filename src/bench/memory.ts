import { Agent } from 'node:http';
import { FAKE_BOT_INFO, startFakeTelegram, textUpdate } from '../dev/fake-telegram.ts';
import { freePort } from '../dev/throwaway-redis.ts';
import { shippedNodeFlags, startBenchServer, webhookPoster } from './child.ts';
import { citizensOn, SCRIPT, SECRET, THROTTLER_NOTE, TOKEN } from './citizens.ts';
import { offeredPercentile } from './load.ts';
import { keyMemory } from './redis-stats.ts';
import { type BenchOutput, kb, mb, median, ms } from './report.ts';
import { startBenchStores } from './stores.ts';

/** Web chat sessions opened per figure: the API allows 30 new sessions a minute from one address. */
const SESSIONS = 10;
const IDLE_TARGET_BYTES = 1024;
const EIGHT_TURNS_TARGET_BYTES = 1536;
const LIVE_SESSIONS = 10_000;
const SEED_RATE = 500;
const LIVE_RATE = 300;
const RSS_TARGET_BYTES = 200 * 1024 * 1024;

/** Eight turns a citizen could take on the web chat: consent, a question or two, the start of a request. */
const EIGHT_TURNS: ({ text: string } | { action: string })[] = [
  { action: 'consent:accept' },
  { text: 'xin phiếu lý lịch tư pháp số 1' },
  { text: 'phí làm lý lịch tư pháp bao nhiêu' },
  { text: 'cần giấy tờ gì' },
  { text: 'bao lâu thì có' },
  { text: 'số điện thoại của tôi là 0912345678' },
  { text: 'tro giup' },
  { text: 'cảm ơn' },
];

export interface Footprint {
  /** Bytes per conversation, all keys: its own and its share of what grew elsewhere. */
  perConversation: number;
  /** Key shapes (the conversation's id replaced by <id>, other numbers by <n>) and their bytes per conversation. */
  shapes: Map<string, number>;
}

/**
 * What some conversations cost in Redis between two snapshots: the keys named after a conversation, plus the
 * growth of every other key (dedupe records, indexes, queues) shared out among them — so a key the bench does
 * not know the name of is still counted.
 */
export function footprint(before: Map<string, number>, after: Map<string, number>, ids: string[]): Footprint {
  const shapes = new Map<string, number>();
  // Numbers in a key (update ids, time windows) vary from key to key of one kind: one line per kind.
  const add = (shape: string, bytes: number) => {
    const kind = shape.replace(/\d+/g, '<n>');
    shapes.set(kind, (shapes.get(kind) ?? 0) + bytes / ids.length);
  };
  for (const [key, bytes] of after) {
    const id = ids.find((i) => key.includes(i));
    if (id) add(key.replace(id, '<id>'), bytes);
    else if (bytes !== before.get(key)) add(`${key} (growth, shared)`, bytes - (before.get(key) ?? 0));
  }
  for (const [key, bytes] of before) if (!after.has(key)) add(`${key} (removed, shared)`, -bytes);
  let total = 0;
  for (const bytes of shapes.values()) total += bytes;
  return { perConversation: total, shapes };
}

function printShapes(out: BenchOutput, f: Footprint): void {
  const sorted = [...f.shapes].sort((a, b) => b[1] - a[1]);
  for (const [shape, bytes] of sorted.slice(0, 8))
    out.print(`      ${bytes.toFixed(0).padStart(6)} B  ${shape}`);
  if (sorted.length > 8) out.print(`      … and ${sorted.length - 8} more key shapes`);
}

/**
 * What a conversation costs to keep: Redis bytes per web chat session (greeted and idle; after eight turns)
 * and per Telegram chat, measured with MEMORY USAGE over every key; then the Hoso process's resident memory
 * with 10,000 conversations live and 300 turns a second arriving.
 */
export async function runMemoryBench(out: BenchOutput): Promise<void> {
  const stores = await startBenchStores();
  const client = stores.redis;
  const telegram = await startFakeTelegram();
  const port = await freePort();
  const server = await startBenchServer(
    'hoso-webhook',
    {
      port,
      redisUrl: stores.redisUrl,
      apiRoot: telegram.apiRoot,
      token: TOKEN,
      secret: SECRET,
      env: await stores.hosoEnv(),
    },
    FAKE_BOT_INFO,
  );
  const citizens = citizensOn('Hoso', server, port, {
    citizens: LIVE_SESSIONS,
    firstChat: 7_000_000,
    firstUpdate: 1_000,
  });
  const base = `http://127.0.0.1:${port}`;
  const agent = new Agent({ keepAlive: true });
  try {
    // Start-up work (queues, rule sets) settles before anything is counted.
    await new Promise((r) => setTimeout(r, 1_000));
    const atStart = await server.usage();

    // --- Web chat sessions, through the API the page uses.
    const open = async () => {
      const res = await fetch(`${base}/api/webchat/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      if (res.status !== 200) throw new Error(`opening a web chat session: HTTP ${res.status}`);
      return (await res.json()) as { sessionId: string; token: string };
    };
    let snapshot = await keyMemory(client, '');
    const idle: string[] = [];
    for (let i = 0; i < SESSIONS; i++) idle.push((await open()).sessionId);
    let next = await keyMemory(client, '');
    const greeted = footprint(snapshot, next, idle);
    snapshot = next;

    const busy: string[] = [];
    for (let i = 0; i < SESSIONS; i++) {
      const session = await open();
      busy.push(session.sessionId);
      for (const turn of EIGHT_TURNS) {
        const res = await fetch(`${base}/api/webchat/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
          body: JSON.stringify({ sessionId: session.sessionId, ...turn }),
        });
        if (res.status !== 200) throw new Error(`a web chat turn: HTTP ${res.status}`);
        await res.arrayBuffer();
      }
    }
    next = await keyMemory(client, '');
    const talked = footprint(snapshot, next, busy);
    snapshot = next;

    // --- Telegram chats: the turn benchmark's eight messages over the webhook.
    const post = webhookPoster(port, SECRET, agent);
    const chats = Array.from({ length: SESSIONS }, (_, i) => 6_000_000 + i);
    let update = 1;
    for (const chat of chats)
      for (const text of SCRIPT) await post(JSON.stringify(textUpdate(chat, text, update++)));
    next = await keyMemory(client, '');
    const telegramChat = footprint(snapshot, next, chats.map(String));

    out.print(
      `Redis bytes per conversation (MEMORY USAGE of every key, overhead included; ${SESSIONS} conversations each, opened through the API the page uses):`,
    );
    out.figure(
      'idle greeted web chat session, all keys',
      `${greeted.perConversation.toFixed(0)} B`,
      `≤ ${kb(IDLE_TARGET_BYTES)}`,
      greeted.perConversation <= IDLE_TARGET_BYTES,
    );
    printShapes(out, greeted);
    out.figure(
      'web chat session after 8 turns, all keys',
      `${talked.perConversation.toFixed(0)} B`,
      `≤ ${kb(EIGHT_TURNS_TARGET_BYTES)}`,
      talked.perConversation <= EIGHT_TURNS_TARGET_BYTES,
    );
    printShapes(out, talked);
    out.print(
      `  Telegram chat after 8 messages, all keys: ${telegramChat.perConversation.toFixed(0)} B (no target of its own)`,
    );
    printShapes(out, telegramChat);

    // --- Resident memory with 10,000 conversations live.
    for (const line of THROTTLER_NOTE) out.print(line);
    out.print(
      `Resident memory: ${LIVE_SESSIONS.toLocaleString('en-US')} Telegram chats opened at ${SEED_RATE} turns/s, then ${LIVE_RATE} turns/s across all of them; ` +
        `records in ${stores.postgresIs}; node flags of \`npm start\`: ${shippedNodeFlags().join(' ') || '(none)'}`,
    );
    const seeded = await citizens.drive(LIVE_SESSIONS / SEED_RATE, SEED_RATE);
    const afterSeed = await server.usage();
    const samples: number[] = [];
    const heap: number[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const u = await server.usage();
        samples.push(u.rss);
        heap.push(u.heapUsed);
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    const live = await citizens.drive(out.quick ? 6 : 15, LIVE_RATE);
    sampling = false;
    await sampler;
    const peak = Math.max(...samples);
    const keys = await client.dbsize();
    const used = Number(/used_memory:(\d+)/.exec(await client.info('memory'))?.[1] ?? 0);
    out.print(
      `  RSS at start with no conversations ${mb(atStart.rss)}; after opening ${LIVE_SESSIONS.toLocaleString('en-US')} ${mb(afterSeed.rss)} ` +
        `(seeding: ${seeded.failed} of ${seeded.offered} turns failed${seeded.firstError ? `, first: ${seeded.firstError}` : ''})`,
    );
    out.print(
      `  at ${LIVE_RATE} turns/s: ${live.offered} turns, ${live.failed} failed, p50 ${ms(offeredPercentile(live, 50))}, p99 ${ms(offeredPercentile(live, 99))}; ` +
        `RSS median ${mb(median(samples))}, peak ${mb(peak)} over ${samples.length} samples; heap used median ${mb(median(heap))}${live.firstError ? `; first failure: ${live.firstError}` : ''}`,
    );
    if (offeredPercentile(live, 50) > 50)
      out.print(
        `  * behind: the median turn queued over 50 ms, so requests waiting in the process count in its RSS (on a shared machine, often not its own fault)`,
      );
    out.print(
      `  Redis meanwhile: ${keys.toLocaleString('en-US')} keys, ${mb(used)} used (${(used / LIVE_SESSIONS).toFixed(0)} B per conversation, queues included)`,
    );
    out.figure(
      `Hoso RSS with ${LIVE_SESSIONS.toLocaleString('en-US')} live sessions at ${LIVE_RATE} turns/s (peak of the samples)`,
      mb(peak),
      `≤ ${mb(RSS_TARGET_BYTES)}`,
      peak <= RSS_TARGET_BYTES && live.failed === 0,
    );
  } finally {
    server.stop();
    citizens.close();
    agent.destroy();
    await telegram.close();
    await stores.stop();
  }
}
