import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/main.ts';
import { type FakeOidcProvider, startOidcProvider, TestBrowser } from '../fakes/oidc-provider.ts';
import { startTestApp } from '../support/app.ts';
import { freePort } from '../support/global-setup.ts';
import { textOf, WebchatClient, type WireMessage } from '../support/webchat-client.ts';
import { BINH, consentedWebchat, HOA } from './helpers.ts';

/** Waits until the event stream has delivered a message containing `text`. */
async function eventually(messages: WireMessage[], text: string): Promise<string> {
  const started = Date.now();
  while (Date.now() - started < 5000) {
    const all = textOf(messages);
    if (all.includes(text)) return all;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no pushed message containing “${text}”; got:\n${textOf(messages)}`);
}

function linkIn(messages: WireMessage[]): string {
  const url = /(http:\/\/\S+\/auth\/oidc\/start\/\S+)/.exec(textOf(messages))?.[1];
  if (!url) throw new Error(`no login link in:\n${textOf(messages)}`);
  return url;
}

describe('linking through an OpenID Connect provider', () => {
  let app: App & { baseUrl: string };
  let provider: FakeOidcProvider;
  let client: WebchatClient;
  let stream: ReturnType<WebchatClient['events']>;

  beforeEach(async () => {
    const providerPort = await freePort();
    app = await startTestApp({
      env: {
        OIDC_ISSUER_URL: `http://127.0.0.1:${providerPort}`,
        OIDC_CLIENT_ID: 'hoso-test',
        OIDC_CLIENT_SECRET: 'hoso-test-secret-0123456789abcdef',
        OIDC_SCOPE: 'openid vneid',
        OIDC_ID_CLAIM: 'citizen_id',
        OIDC_LEVEL_CLAIM: 'vneid_level',
      },
    });
    // The provider knows Hoso's callback, so it starts second; Hoso discovers it lazily on first use.
    provider = await startOidcProvider({
      port: providerPort,
      redirectUri: `${app.baseUrl}/auth/oidc/callback`,
      accounts: {
        'vneid-hoa': { citizen_id: HOA.id, vneid_level: 'urn:vn:vneid:loa:2' },
        'vneid-binh': { citizen_id: BINH.id, vneid_level: 1 },
        'vneid-nobody': { citizen_id: '001190099999', vneid_level: 2 },
        'vneid-no-id': { vneid_level: 2 },
      },
    });
    client = new WebchatClient(app.baseUrl);
    await consentedWebchat(client);
    stream = client.events();
  });
  afterEach(async () => {
    stream.close();
    await app.close();
    await provider.close();
  });

  async function askForLoginLink(): Promise<string> {
    const choice = await client.say('liên kết VNeID');
    expect(textOf(choice)).toContain('Anh/chị muốn xác thực danh tính bằng cách nào?');
    const buttons = choice.flatMap((m) => (m.type === 'text' ? (m.buttons ?? []) : []));
    expect(buttons.map((b) => b.label)).toEqual(['Đăng nhập VNeID', 'Nhập số CCCD và mã SMS']);
    return linkIn(await client.press('link:oidc'));
  }

  it('links the chat account after a login at the provider, with the level from the ID token', async () => {
    const browser = new TestBrowser();
    const page = await browser.loginAs(await askForLoginLink(), 'vneid-hoa');
    expect(page.status).toBe(200);
    expect(page.url).toContain('/auth/oidc/callback');
    expect(page.html).toContain('Đăng nhập VNeID thành công');
    const pushed = await eventually(stream.messages, 'Liên kết thành công');
    expect(pushed).toContain('Trần Thị Hoà (số định danh 001*******45)');
    expect(pushed).toContain('định danh điện tử mức 2');
    const accounts = textOf(await client.say('tài khoản liên kết'));
    expect(accounts).toContain('bằng đăng nhập VNeID (tài khoản đang dùng)');
  });

  it('takes the assurance level from the claims (level 1 stays level 1)', async () => {
    await new TestBrowser().loginAs(await askForLoginLink(), 'vneid-binh');
    expect(await eventually(stream.messages, 'Liên kết thành công')).toContain('định danh điện tử mức 1');
  });

  it('opens a start link once and refuses a replayed callback', async () => {
    const link = await askForLoginLink();
    const browser = new TestBrowser();
    const first = await browser.loginAs(link, 'vneid-hoa');
    expect(first.status).toBe(200);
    const again = await new TestBrowser().open(link);
    expect(again.status).toBe(410);
    expect(again.html).toContain('đã hết hạn hoặc đã được dùng');
    const replay = await browser.open(first.url);
    expect(replay.status).toBe(400);
    expect(replay.html).toContain('đã hết hạn hoặc đã được dùng');
  });

  it('refuses a callback arriving in a browser that did not open the link, and tells the chat', async () => {
    const browser = new TestBrowser();
    const { loginAction } = await browser.startLogin(await askForLoginLink());
    browser.clearCookies(app.baseUrl);
    const page = await browser.open(loginAction, { method: 'POST', form: { login: 'vneid-hoa' } });
    expect(page.status).toBe(400);
    expect(page.html).toContain('không khớp với trình duyệt đã mở liên kết');
    await eventually(stream.messages, 'không khớp với trình duyệt');
    expect(textOf(await client.say('tài khoản liên kết'))).not.toContain('đã được liên kết với danh tính');
  });

  it('tells the chat when the citizen cancels at the provider', async () => {
    const browser = new TestBrowser();
    const { abortUrl } = await browser.startLogin(await askForLoginLink());
    const page = await browser.open(abortUrl);
    expect(page.html).toContain('Anh/chị đã hủy đăng nhập VNeID');
    await eventually(stream.messages, 'Anh/chị đã hủy đăng nhập VNeID');
  });

  it('refuses an identity the population registry does not know, and a token without an ID number', async () => {
    const unknown = await new TestBrowser().loginAs(await askForLoginLink(), 'vneid-nobody');
    expect(unknown.html).toContain('không có trong Cơ sở dữ liệu quốc gia về dân cư');
    await eventually(stream.messages, 'không có trong Cơ sở dữ liệu quốc gia về dân cư');
    const noId = await new TestBrowser().loginAs(linkIn(await client.press('link:oidc')), 'vneid-no-id');
    expect(noId.html).toContain('không có số định danh cá nhân');
  });

  it('confirms a link again only for the same citizen (a fresh login before a sensitive step)', async () => {
    await new TestBrowser().loginAs(await askForLoginLink(), 'vneid-hoa');
    await eventually(stream.messages, 'Liên kết thành công');
    const address = { channel: 'webchat' as const, userId: client.sessionId };
    const before = await app.identity.service.links.accountLink(address);
    const oidc = app.identity.oidc!;
    const someoneElse = await new TestBrowser().loginAs(
      await oidc.createLink(address, 'vi', 'refresh', new Date()),
      'vneid-binh',
    );
    expect(someoneElse.html).toContain('không phải danh tính đã liên kết với tài khoản chat này');
    await eventually(stream.messages, 'không phải danh tính đã liên kết');
    await new Promise((r) => setTimeout(r, 5));
    const same = await new TestBrowser().loginAs(
      await oidc.createLink(address, 'vi', 'refresh', new Date()),
      'vneid-hoa',
    );
    expect(same.html).toContain('Danh tính của anh/chị đã được xác nhận lại');
    await eventually(stream.messages, 'Đã xác nhận lại danh tính');
    const after = await app.identity.service.links.accountLink(address);
    expect(after?.citizenKey).toBe(before?.citizenKey);
    expect(after!.verifiedAt > before!.verifiedAt).toBe(true);
    expect(after?.linkedAt).toBe(before?.linkedAt);
  });

  it('still offers the ID number and SMS code', async () => {
    await client.say('liên kết VNeID');
    expect(textOf(await client.press('link:sms'))).toContain('số định danh cá nhân gồm 12 chữ số');
  });
});
