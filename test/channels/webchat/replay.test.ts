import { afterEach, describe, expect, it } from 'vitest';
import { createDownloadLinks } from '../../../src/channels/webchat/downloads.ts';
import { WebchatOutbox } from '../../../src/channels/webchat/outbox.ts';
import { webchatRoutes } from '../../../src/channels/webchat/routes.ts';
import { createWebchatSessions } from '../../../src/channels/webchat/sessions.ts';
import { MemoryBlobStore } from '../../../src/files/memory-blob-store.ts';
import { Readiness } from '../../../src/http/readiness.ts';
import { buildHttpServer } from '../../../src/http/server.ts';
import { createTranslator } from '../../../src/i18n.ts';
import { createLogger } from '../../../src/log.ts';
import { MemoryStore } from '../../../src/store/memory.ts';
import { WebchatClient } from '../../support/webchat-client.ts';

/** A store whose list reads are slow, as a loaded Redis can be: the replay then overlaps live messages. */
class SlowListStore extends MemoryStore {
  override async lrange(key: string, start: number, stop: number): Promise<string[]> {
    await new Promise((r) => setTimeout(r, 150));
    return super.lrange(key, start, stop);
  }
}

describe('web chat event stream on reconnect', () => {
  const closers: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const c of closers.splice(0)) await c();
  });

  it('delivers missed and live messages in order when they cross during the replay', async () => {
    const store = new SlowListStore();
    const sessions = createWebchatSessions(store, { ttlMs: 60_000 });
    const outbox = new WebchatOutbox(store, 60_000);
    const http = await buildHttpServer({
      logger: createLogger({ level: 'silent' }),
      readiness: new Readiness(),
      plugins: [
        webchatRoutes({
          handle: async () => ({ messages: [], duplicate: false, turnId: 't', lang: 'vi' }),
          sessions,
          outbox,
          links: createDownloadLinks(store, { baseUrl: 'http://127.0.0.1', ttlMs: 60_000 }),
          files: new MemoryBlobStore(),
          translator: createTranslator(),
        }),
      ],
    });
    await http.listen({ host: '127.0.0.1', port: 0 });
    closers.push(() => http.close());
    const address = http.server.address();
    const client = new WebchatClient(
      `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    );
    Object.assign(client, await sessions.create());

    for (let i = 1; i <= 3; i++) await outbox.send(client.sessionId, [{ type: 'text', text: `tin ${i}` }]);
    const stream = client.events();
    await new Promise((r) => setTimeout(r, 60)); // subscribed, replay still reading the list
    await outbox.send(client.sessionId, [{ type: 'text', text: 'tin 4' }]);
    await expect.poll(() => stream.messages.length, { timeout: 3000 }).toBe(4);
    expect(stream.messages.map((m) => (m.type === 'text' ? m.text : ''))).toEqual([
      'tin 1',
      'tin 2',
      'tin 3',
      'tin 4',
    ]);
    stream.close();
  });
});
