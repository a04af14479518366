import { afterEach, describe, expect, it } from 'vitest';
import { createConversationHandler } from '../../src/conversation/handle-inbound.ts';
import type { DialogueEngine } from '../../src/dialogue/engine.ts';
import { SESSION_VERSION, SessionSchema, TRANSCRIPT_LIMIT } from '../../src/dialogue/session.ts';
import { createTranslator } from '../../src/i18n.ts';
import { createInProcessJobQueue } from '../../src/jobs/in-process.ts';
import { createConversationLocks } from '../../src/store/conversation-lock.ts';
import { createSessionStore } from '../../src/store/session-store.ts';
import { createUpdateDedupe } from '../../src/store/update-dedupe.ts';
import { captureLogs, startTestApp } from '../support/app.ts';
import { testRedisStore } from '../support/redis.ts';

describe('handling an inbound message', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  it('acts once on an update delivered twice, even at the same moment', async () => {
    const app = await startTestApp();
    cleanups.push(() => app.close());
    const update = { channel: 'telegram', userId: '42', updateId: '9001', text: 'xin chào' };
    const [a, b] = await Promise.all([app.handle(update), app.handle(update)]);
    // The caller renders the answer itself (no deliver): a repeat gets the same answer, not a second turn.
    expect([a.replayed, b.replayed].filter(Boolean)).toHaveLength(1);
    expect(b.messages).toEqual(a.messages);
    const again = await app.handle(update);
    expect(again).toMatchObject({ replayed: true, messages: a.messages });
    const turns = (await app.handle({ channel: 'telegram', userId: '42', text: 'giúp tôi' })).messages;
    expect(turns.length).toBeGreaterThan(0);
    const session = JSON.parse((await app.store.get('sess:telegram:42'))!);
    expect(session.data.turns).toBe(2);
  });

  it('processes all of 50 messages sent at once by one citizen and keeps the session consistent', async () => {
    const app = await startTestApp();
    cleanups.push(() => app.close());
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        app.handle({ channel: 'webchat', userId: 'burst', updateId: `m${i}`, text: `tin nhắn ${i}` }),
      ),
    );
    expect(results.every((r) => !r.duplicate && r.messages.length > 0)).toBe(true);
    const session = JSON.parse((await app.store.get('sess:webchat:burst'))!);
    expect(session.data.turns).toBe(50);
    // The transcript keeps the latest lines, one citizen line and one bot line per turn, none lost in between.
    const transcript = await app.transcripts.read({ channel: 'webchat', userId: 'burst' });
    const citizenLines = transcript.filter((e) => e.from === 'citizen');
    expect(citizenLines.length).toBe(TRANSCRIPT_LIMIT / 2);
    const numbers = citizenLines.map((e) => Number(e.text.split(' ').at(-1)));
    expect(new Set(numbers).size).toBe(numbers.length);
  });

  it('carries the transcript of a session saved by the previous version over to the transcript list', async () => {
    const app = await startTestApp();
    cleanups.push(() => app.close());
    const at = '2026-11-25T03:00:00.000Z';
    const v1 = {
      v: 1,
      data: {
        lang: 'vi',
        langChosen: true,
        misses: 0,
        transcript: [
          { from: 'citizen', text: 'CCCD 079*******23', at },
          { from: 'bot', text: 'Cảm ơn anh/chị.', at },
        ],
        shownButtons: [{ action: 'menu', label: 'Về trang chính' }],
        slices: {},
        createdAt: at,
        turns: 3,
      },
    };
    await app.store.set('sess:webchat:old', JSON.stringify(v1));
    await app.handle({ channel: 'webchat', userId: 'old', action: 'menu' });
    const saved = JSON.parse((await app.store.get('sess:webchat:old'))!);
    expect(saved.v).toBe(2);
    expect(saved.data.turns).toBe(4);
    expect(JSON.stringify(saved.data)).not.toContain('079');
    const transcript = await app.transcripts.read({ channel: 'webchat', userId: 'old' });
    expect(transcript.map((l) => l.text).slice(0, 3)).toEqual([
      'CCCD 079*******23',
      'Cảm ơn anh/chị.',
      '[Về trang chính]',
    ]);
  });

  it('answers a citizen politely with a reference when a turn fails, logs the cause and names its code', async () => {
    const { store, cleanup } = testRedisStore();
    cleanups.push(cleanup);
    const logs = captureLogs();
    const broken: DialogueEngine = {
      flows: new Map(),
      turn: async () => {
        throw new Error('agency database exploded');
      },
    };
    const handle = createConversationHandler({
      engine: broken,
      sessions: createSessionStore(store, {
        prefix: 'sess:',
        schema: SessionSchema,
        version: SESSION_VERSION,
        ttlMs: 60_000,
      }),
      dedupe: createUpdateDedupe(),
      locks: createConversationLocks(store),
      jobs: createInProcessJobQueue({ log: logs.logger }),
      translator: createTranslator(),
      log: logs.logger,
      defaultLang: 'vi',
    });
    const r = await handle({ channel: 'webchat', userId: 'x', text: 'xin chào' });
    const reply = r.messages[0]?.type === 'text' ? r.messages[0].text : '';
    expect(reply).toContain('hệ thống đang gặp sự cố');
    expect(reply).toContain(r.turnId.slice(0, 8));
    expect(reply).not.toContain('exploded');
    // What the metrics count as a failed turn, by code.
    expect(r.failed).toBe('HOSO_ERR_INTERNAL');
    const line = logs.lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'turn failed');
    expect(line).toMatchObject({ turnId: r.turnId, err: { message: 'agency database exploded' } });
  });

  it('answers malformed input with a clear message instead of an error', async () => {
    const app = await startTestApp();
    cleanups.push(() => app.close());
    const empty = await app.handle({ channel: 'webchat', userId: 'x' });
    expect(empty.messages[0]).toMatchObject({
      type: 'text',
      text: expect.stringContaining('chưa xử lý được loại tin nhắn'),
    });
    const long = await app.handle({ channel: 'webchat', userId: 'x', text: 'a'.repeat(5000) });
    expect(long.messages[0]).toMatchObject({ text: expect.stringContaining('tối đa 4096 ký tự') });
    const wrongChannel = await app.handle({ channel: 'fax', userId: 'x', text: 'hi' });
    expect(wrongChannel.messages).toHaveLength(1);
  });

  it('keeps working on the embedded memory store with nothing configured', async () => {
    const app = await startTestApp({ memory: true });
    cleanups.push(() => app.close());
    expect(app.store.kind).toBe('memory');
    const r = await app.handle({ channel: 'terminal', userId: 'me', text: 'xin chào' });
    expect(r.messages.map((m) => (m.type === 'text' ? m.text : '')).join()).toContain('Tôi là Hoso');
  });
});
