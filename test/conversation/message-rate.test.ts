import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/main.ts';
import { startTestApp } from '../support/app.ts';
import { textOf, WebchatClient } from '../support/webchat-client.ts';

type TestApp = App & { baseUrl: string };

describe('a conversation that sends messages too fast', () => {
  let app: TestApp;
  afterEach(async () => {
    await app.close();
  });

  it('is asked politely to slow down once past its per-minute rate, without a turn running', async () => {
    app = await startTestApp({ env: { CONVERSATION_MESSAGES_PER_MINUTE: '5' } });
    const citizen = new WebchatClient(app.baseUrl);
    await citizen.start();
    const answers: string[] = [];
    for (let i = 0; i < 10; i++) answers.push(textOf(await citizen.say('xin chào')));
    const slowDown = answers.filter((a) => a.includes('quá nhanh'));
    expect(answers[0]).not.toContain('quá nhanh');
    expect(slowDown.length).toBeGreaterThanOrEqual(5);
    expect(answers.at(-1)).toContain('Vui lòng đợi một chút');
    // Another conversation is not affected.
    const other = new WebchatClient(app.baseUrl);
    await other.start();
    expect(textOf(await other.say('xin chào'))).not.toContain('quá nhanh');
  });
});
