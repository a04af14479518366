import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/main.ts';
import { startTestApp } from '../support/app.ts';
import { textOf, WebchatClient } from '../support/webchat-client.ts';
import { consentedWebchat, HOA, linkByCode } from './helpers.ts';

describe('identity in the staff handoff', () => {
  let app: App & { baseUrl: string };
  beforeEach(async () => {
    app = await startTestApp({ env: { STAFF_OFFICE_HOURS: 'mon-sun 00:00-24:00' } });
  });
  afterEach(async () => {
    await app.close();
  });

  it('gives staff the linked name, the masked ID and the link level, and reveals the ID only on request', async () => {
    const client = new WebchatClient(app.baseUrl);
    await consentedWebchat(client);
    await linkByCode(client, app.baseUrl, HOA);
    const opened = textOf(await client.say('gặp nhân viên'));
    const id = /HT-\d{4}-\d{6}/.exec(opened)?.[0];
    const ticket = await app.support.tickets.get(id!);
    expect(ticket?.packet.who).toMatchObject({
      name: 'Trần Thị Hoà',
      citizenIdMasked: '001*******45',
      linkLevel: 2,
    });
    expect(JSON.stringify(ticket)).not.toContain(HOA.id);
    expect(await app.support.registry.reveal({ channel: 'webchat', userId: client.sessionId })).toBe(HOA.id);
  });

  it('adds nothing for a chat account that is not linked', async () => {
    const client = new WebchatClient(app.baseUrl);
    await consentedWebchat(client);
    const opened = textOf(await client.say('gặp nhân viên'));
    const ticket = await app.support.tickets.get(/HT-\d{4}-\d{6}/.exec(opened)![0]);
    expect(ticket?.packet.who).toMatchObject({ linkLevel: 0 });
    expect(ticket?.packet.who.name).toBeUndefined();
    expect(
      await app.support.registry.reveal({ channel: 'webchat', userId: client.sessionId }),
    ).toBeUndefined();
  });
});
