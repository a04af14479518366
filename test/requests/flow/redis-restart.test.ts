import { afterEach, describe, expect, it } from 'vitest';
import { startThrowawayRedis, type ThrowawayRedis } from '../../../src/dev/throwaway-redis.ts';
import { HOA } from '../../identity/helpers.ts';
import { startTestApp } from '../../support/app.ts';
import { linkedClient, tap, textOf } from './support.ts';

/**
 * The reliability promise for conversations: a Redis restart (killed, then started again on its
 * append-only file) in the middle of a request loses at most the turn in flight; the citizen carries on.
 */
describe('a Redis restart in the middle of a request', () => {
  let redis: ThrowawayRedis | undefined;
  let app: Awaited<ReturnType<typeof startTestApp>> | undefined;
  // Closing after a restart may wait for the job workers' Redis connections to come back and let go; once in a
  // loaded full run it took longer than the default 30 s.
  afterEach(async () => {
    await app?.close();
    await redis?.stop();
    app = undefined;
    redis = undefined;
  }, 90_000);

  it('keeps the answers given before it, and the next message continues the request', async () => {
    redis = await startThrowawayRedis({ persist: true });
    app = await startTestApp({ env: { REDIS_URL: redis.url } });
    const client = await linkedClient(app.baseUrl, HOA);
    let said = await client.say('xin lltp so 1');
    said = await tap(client, said, 'Xin việc làm');
    said = await tap(client, said, 'Cho bản thân');
    expect(textOf(said)).toContain('cư trú ở nhiều tỉnh');

    // A message sent while Redis is down gets a polite answer or fails; it is the only one that may be lost.
    const during = client.post({ text: 'không' }).catch(() => undefined);
    await redis.restart();
    await during;

    said = await client.say('không');
    const text = textOf(said);
    // Either the answer during the restart was kept (next question) or it was lost (the same one again).
    expect(text).toMatch(/cư trú ở nước ngoài|bao nhiêu bản/);
    if (text.includes('cư trú ở nước ngoài')) said = await client.say('không');
    said = await client.say('1');
    said = await tap(client, said, 'Không thuộc đối tượng nào');
    said = await tap(client, said, 'Chi tiết phí và căn cứ pháp lý');
    expect(textOf(said)).toContain('• Mục đích: Xin việc làm');
    expect(textOf(said)).toContain('• Làm phiếu cho: Cho bản thân');
    said = await tap(client, said, 'Xác nhận nộp hồ sơ');
    expect(textOf(said)).toMatch(/Hoso đã lập hồ sơ LLTP-\d{4}-\d{6}/);
  });
});
