import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/main.ts';
import type { RedisStore } from '../../src/store/redis.ts';
import { startTestApp } from '../support/app.ts';
import { textOf, WebchatClient } from '../support/webchat-client.ts';

/** Every key of one web chat conversation and what Redis spends on each (MEMORY USAGE: value, key and overhead). */
async function footprint(store: RedisStore, sessionId: string): Promise<Record<string, number>> {
  const keys = (await store.keys('')).filter((k) => k.includes(sessionId));
  const bytes: Record<string, number> = {};
  for (const key of keys) bytes[key] = Number(await store.client.memory('USAGE', store.prefix + key));
  return bytes;
}

const total = (bytes: Record<string, number>) => Object.values(bytes).reduce((a, b) => a + b, 0);

/** Eight turns a citizen could take on the web chat: consent, questions with long answers, a menu, thanks. */
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

describe('what a web chat conversation costs in Redis', () => {
  let app: App & { baseUrl: string };
  let client: WebchatClient;
  beforeEach(async () => {
    app = await startTestApp();
    client = new WebchatClient(app.baseUrl);
  });
  afterEach(async () => {
    await app.close();
  });

  it('keeps a greeted, idle conversation within 1 KB across all its keys', async () => {
    const greeting = await client.start();
    expect(textOf(greeting.messages)).toContain('Tôi là Hoso');
    const bytes = await footprint(app.store as RedisStore, client.sessionId);
    expect(total(bytes)).toBeLessThanOrEqual(1024);
  });

  it('keeps eight turns within 1.5 KB across all their Redis keys, the staff transcript kept with the records', async () => {
    await client.start();
    for (const turn of EIGHT_TURNS) expect((await client.post(turn)).status).toBe(200);
    const bytes = await footprint(app.store as RedisStore, client.sessionId);
    // The session, the page's token and nothing else: no transcript, no rate counter, no per-message records.
    expect(Object.keys(bytes).sort()).toEqual(
      [`sess:webchat:${client.sessionId}`, `webchat:session:${client.sessionId}`].sort(),
    );
    expect(total(bytes)).toBeLessThanOrEqual(1536);
    // The transcript a staff member would read is in the records, with the masked phone number.
    await vi.waitFor(
      async () => {
        const lines = await app.records.lrange(`transcript:webchat:${client.sessionId}`, 0, -1);
        // The greeting's two lines, then a citizen line and a bot line per turn.
        expect(lines).toHaveLength(18);
        expect(lines.join('\n')).toContain('cảm ơn');
        expect(lines.join('\n')).not.toContain('0912345678');
      },
      { timeout: 10_000, interval: 50 },
    );
  });

  it('keeps one short-lived answer, not one record per message, when a script numbers its messages', async () => {
    await client.start();
    let n = 0;
    for (const turn of EIGHT_TURNS)
      expect((await client.post({ ...turn, messageId: `m${++n}` })).status).toBe(200);
    const bytes = await footprint(app.store as RedisStore, client.sessionId);
    expect(Object.keys(bytes).filter((k) => k.startsWith('dedupe:'))).toEqual([]);
    const answer = `answer:webchat:${client.sessionId}`;
    expect(Object.keys(bytes)).toContain(answer);
    expect(await app.store.pttl(answer)).toBeLessThanOrEqual(10 * 60 * 1000);
    // A retry of the last message still gets its answer again, without a second turn.
    const retry = await client.post({ text: 'cảm ơn', messageId: `m${n}` });
    const session = JSON.parse((await app.store.get(`sess:webchat:${client.sessionId}`))!);
    expect(textOf(retry.body.messages)).toContain('không có gì');
    expect(session.data.turns).toBe(9);
  });
});
