import { afterEach, describe, expect, it } from 'vitest';
import {
  type ConversationHandler,
  createConversationHandler,
  sessionKey,
} from '../../src/conversation/handle-inbound.ts';
import { createTranscriptLog } from '../../src/conversation/transcript-log.ts';
import type { Outbound } from '../../src/dialogue/message.ts';
import { SESSION_VERSION, type Session, SessionSchema } from '../../src/dialogue/session.ts';
import { createTranslator } from '../../src/i18n.ts';
import { createInProcessJobQueue } from '../../src/jobs/in-process.ts';
import { createConversationLocks } from '../../src/store/conversation-lock.ts';
import { createSessionStore } from '../../src/store/session-store.ts';
import type { KeyValueStore } from '../../src/store/types.ts';
import { createUpdateDedupe } from '../../src/store/update-dedupe.ts';
import { testEngine } from '../support/engine.ts';
import { testRedisStore } from '../support/redis.ts';

const silent = { info() {}, warn() {}, error() {} };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One Hoso process: its own engine, locks and in-process queues, sharing only the Redis store with the others
 * (as several `hoso serve` behind one webhook do). `turns` counts the turns its engine actually ran.
 */
function hosoProcess(
  store: KeyValueStore,
  options: { lockTtlMs?: number; slowMs?: (text: string) => number } = {},
) {
  const { engine } = testEngine();
  const counter = { turns: 0 };
  const transcripts = createTranscriptLog(store, { ttlMs: 60_000, conversationOf: sessionKey });
  const handle: ConversationHandler = createConversationHandler({
    engine: {
      flows: engine.flows,
      async turn(session, inbound, turnId, opts) {
        counter.turns++;
        await sleep(options.slowMs?.(inbound.text ?? '') ?? 0);
        return engine.turn(session, inbound, turnId, opts);
      },
    },
    sessions: createSessionStore(store, {
      prefix: 'sess:',
      schema: SessionSchema,
      version: SESSION_VERSION,
      ttlMs: 60_000,
    }),
    transcripts,
    dedupe: createUpdateDedupe(),
    locks: createConversationLocks(store, options.lockTtlMs ? { ttlMs: options.lockTtlMs } : {}),
    jobs: createInProcessJobQueue({ log: silent }),
    translator: createTranslator(),
    log: silent,
    defaultLang: 'vi',
  });
  return { handle, counter, transcripts };
}

async function sessionOf(store: KeyValueStore, key: string): Promise<Session> {
  return JSON.parse((await store.get(`sess:${key}`))!).data as Session;
}

const texts = (messages: Outbound[]) => messages.map((m) => (m.type === 'text' ? m.text : '')).join('\n');

describe('turn safety across processes sharing one Redis', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });
  function redis() {
    const r = testRedisStore();
    cleanups.push(r.cleanup);
    return r.store;
  }

  it('runs an update delivered to two processes at once exactly once, whichever takes the lock first', async () => {
    const store = redis();
    const a = hosoProcess(store, { slowMs: () => Math.random() * 20 });
    const b = hosoProcess(store, { slowMs: () => Math.random() * 20 });
    for (let i = 0; i < 10; i++) {
      const update = { channel: 'telegram', userId: '77', updateId: `u${i}`, text: 'giúp tôi' };
      const sent: Outbound[][] = [];
      const deliver = async (messages: Outbound[]) => {
        sent.push(messages);
      };
      // The redelivery sometimes reaches the other process first.
      const [first, second] = i % 2 ? [a, b] : [b, a];
      const results = await Promise.all([
        first.handle(update, { deliver }),
        sleep(i % 3).then(() => second.handle(update, { deliver })),
      ]);
      expect(results.filter((r) => r.duplicate)).toHaveLength(1);
      expect(sent).toHaveLength(1);
    }
    expect(a.counter.turns + b.counter.turns).toBe(10);
    expect((await sessionOf(store, 'telegram:77')).turns).toBe(10);
  });

  it('answers a redelivery from the stored answer when sending failed, without running the turn again', async () => {
    const store = redis();
    const a = hosoProcess(store);
    const b = hosoProcess(store);
    const update = { channel: 'telegram', userId: '78', updateId: '5001', text: 'giúp tôi' };
    await expect(
      a.handle(update, {
        deliver: async () => {
          throw new Error('Telegram is unreachable');
        },
      }),
    ).rejects.toMatchObject({ code: 'HOSO_ERR_CHANNEL_UNAVAILABLE' });
    expect((await sessionOf(store, 'telegram:78')).turns).toBe(1);

    const delivered: Outbound[][] = [];
    const again = await b.handle(update, { deliver: async (m) => void delivered.push(m) });
    expect(again).toMatchObject({ duplicate: false, replayed: true });
    expect(texts(delivered.flat())).toContain('Hoso có thể giúp anh/chị');
    expect(b.counter.turns).toBe(0);
    expect((await sessionOf(store, 'telegram:78')).turns).toBe(1);

    // Once sent, a further redelivery does nothing at all.
    const third = await a.handle(update, { deliver: async (m) => void delivered.push(m) });
    expect(third.duplicate).toBe(true);
    expect(delivered).toHaveLength(1);
  });

  it('keeps the conversation locked through a turn longer than the lock time, so no message of it is lost', async () => {
    const store = redis();
    // A slow first turn (a registry that takes its time) in one process, the next message in another.
    const a = hosoProcess(store, { lockTtlMs: 400, slowMs: (t) => (t === 'xin chào' ? 1500 : 0) });
    const b = hosoProcess(store, { lockTtlMs: 400 });
    const first = a.handle({ channel: 'webchat', userId: 'slow', updateId: 'm1', text: 'xin chào' });
    await sleep(700);
    const second = b.handle({ channel: 'webchat', userId: 'slow', updateId: 'm2', text: 'giúp tôi' });
    const [r1, r2] = await Promise.all([first, second]);
    expect(texts(r1.messages)).toContain('Tôi là Hoso');
    expect(texts(r2.messages)).not.toContain('hệ thống đang bận');
    const session = await sessionOf(store, 'webchat:slow');
    expect(session.turns).toBe(2);
    // Each process writes its turns' lines in the background; both have written theirs before this read.
    await Promise.all([a.transcripts.flush(), b.transcripts.flush()]);
    const transcript = await a.transcripts.read({ channel: 'webchat', userId: 'slow' });
    expect(transcript.filter((l) => l.from === 'citizen').map((l) => l.text)).toEqual([
      'xin chào',
      'giúp tôi',
    ]);
  });

  it('gives the web chat the same answer again when a script retries a message with the same id', async () => {
    const store = redis();
    const a = hosoProcess(store);
    const message = { channel: 'webchat', userId: 'retry', updateId: 'retry:m1', text: 'giúp tôi' };
    const first = await a.handle(message);
    const retry = await a.handle(message);
    expect(retry.messages).toEqual(first.messages);
    expect(a.counter.turns).toBe(1);
  });
});
