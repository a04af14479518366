import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/main.ts';
import { consentedWebchat, HOA, typed } from '../identity/helpers.ts';
import { startTestApp } from '../support/app.ts';
import { textOf, WebchatClient, type WireMessage } from '../support/webchat-client.ts';

const buttons = (messages: WireMessage[]) =>
  messages.flatMap((m) => (m.type === 'text' ? (m.buttons ?? []) : []));
/** A port nothing listens on: the registry or the SMS gateway is down. */
const DOWN = 'http://127.0.0.1:9/api';

describe('when a flow fails, the citizen is offered a person', () => {
  let app: (App & { baseUrl: string }) | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('answers a turn that failed with a reference and a button that opens a ticket naming that failure', async () => {
    app = await startTestApp();
    const client = new WebchatClient(app.baseUrl);
    await consentedWebchat(client);
    const turn = app.engine.turn;
    app.engine.turn = async () => {
      throw new Error('the rules store is unreachable');
    };
    const failed = await client.say('phí làm lý lịch tư pháp bao nhiêu');
    app.engine.turn = turn;
    const said = textOf(failed);
    expect(said).toContain('hệ thống đang gặp sự cố');
    const ref = /Mã tra cứu: ([\w-]+)/.exec(said)?.[1];
    expect(ref).toBeDefined();
    const offer = buttons(failed);
    expect(offer.map((b) => b.label)).toEqual(['Gặp cán bộ hỗ trợ']);

    expect(textOf(await client.press(offer[0]!.action))).toContain('mã yêu cầu HT-');
    const [ticket] = await app.support.tickets.list('all', 'lan');
    expect(ticket).toMatchObject({ reason: 'flow_failed', status: 'open' });
    expect(ticket?.packet.detail).toContain(ref);
  });

  it('offers a person when the population registry is down during linking', async () => {
    app = await startTestApp({ env: { POPULATION_REGISTRY_URL: DOWN } });
    const client = new WebchatClient(app.baseUrl);
    await consentedWebchat(client);
    await client.say('liên kết VNeID');
    await client.say(HOA.id);
    const answer = await client.say(typed(HOA.dateOfBirth));
    expect(textOf(answer)).toContain('cán bộ hỗ trợ');
    expect(buttons(answer).map((b) => b.action)).toContain('support:open');
    expect(textOf(await client.press('support:open'))).toContain('mã yêu cầu HT-');
    const [ticket] = await app.support.tickets.list('all', 'lan');
    expect(ticket).toMatchObject({ reason: 'flow_failed' });
    expect(ticket?.packet.detail).toBe('HOSO_ERR_POPULATION_UNAVAILABLE');
  });

  it('offers a person, beside "send the code again", when the SMS gateway is down', async () => {
    app = await startTestApp({ env: { SMS_GATEWAY_URL: DOWN } });
    const client = new WebchatClient(app.baseUrl);
    await consentedWebchat(client);
    await client.say('liên kết VNeID');
    await client.say(HOA.id);
    const answer = await client.say(typed(HOA.dateOfBirth));
    expect(buttons(answer).map((b) => b.action)).toEqual(
      expect.arrayContaining(['link:resend', 'support:open']),
    );
    expect(textOf(await client.press('support:open'))).toContain('mã yêu cầu HT-');
    const [ticket] = await app.support.tickets.list('all', 'lan');
    expect(ticket?.packet.detail).toBe('HOSO_ERR_SMS_UNAVAILABLE');
  });
});
