import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/main.ts';
import { captureLogs, startTestApp } from '../support/app.ts';
import { textOf, WebchatClient } from '../support/webchat-client.ts';
import { BINH, consentedWebchat, HOA, linkByCode, readCode, typed, wrongCode } from './helpers.ts';

describe('linking in the web chat', () => {
  let app: App & { baseUrl: string };
  let client: WebchatClient;

  beforeEach(async () => {
    app = await startTestApp();
    client = new WebchatClient(app.baseUrl);
  });
  afterEach(async () => {
    await app.close();
  });

  it('links a fixture citizen with the code read from the dev outbox, at the registry’s level', async () => {
    await consentedWebchat(client);
    expect(textOf(await client.say('liên kết VNeID'))).toContain('số định danh cá nhân gồm 12 chữ số');
    expect(textOf(await client.say('001 190 012 345'))).toContain('Anh/chị vui lòng nhập ngày sinh');
    const sent = textOf(await client.say('ngày 14 tháng 5 năm 1990'));
    expect(sent).toContain('Hoso đã gửi mã xác thực gồm 6 chữ số tới số 090*****01');
    expect(sent).not.toContain(HOA.phone!);
    const linked = textOf(await client.say(await readCode(app.baseUrl, HOA.phone!)));
    expect(linked).toContain('Liên kết thành công');
    expect(linked).toContain('Trần Thị Hoà (số định danh 001*******45)');
    expect(linked).toContain('định danh điện tử mức 2');
  });

  it('records a level-1 citizen at level 1', async () => {
    await consentedWebchat(client);
    const linked = textOf(await linkByCode(client, app.baseUrl, BINH));
    expect(linked).toContain('định danh điện tử mức 1');
  });

  it('says exactly what is wrong with a malformed ID number and date, and lets the citizen retry', async () => {
    await consentedWebchat(client);
    await client.say('liên kết VNeID');
    expect(textOf(await client.say('00119001234'))).toBe(
      'Số CCCD phải có 12 chữ số, anh/chị đã nhập 11 chữ số.',
    );
    expect(textOf(await client.say('012345678'))).toContain('chứng minh nhân dân (CMND) cũ');
    await client.say(HOA.id);
    expect(textOf(await client.say('31/02/1990'))).toBe(
      'Tháng 2 năm 1990 chỉ có 28 ngày, nên không có ngày 31.',
    );
    expect(textOf(await client.say('14/05/90'))).toContain('Năm “90” chỉ có 2 chữ số');
    expect(textOf(await client.say(typed(HOA.dateOfBirth)))).toContain('Hoso đã gửi mã xác thực');
    expect(textOf(await client.say('12345'))).toBe('Mã xác thực gồm 6 chữ số, anh/chị đã nhập 5 chữ số.');
  });

  it('gives the same answer for an unknown ID and for a wrong date of birth (no probing)', async () => {
    await consentedWebchat(client);
    await client.say('liên kết VNeID');
    await client.say('001190099999');
    const unknownId = textOf(await client.say(typed(HOA.dateOfBirth)));
    await client.say(HOA.id);
    const wrongDate = textOf(await client.say('15/05/1990'));
    expect(unknownId).toContain('chưa khớp với Cơ sở dữ liệu quốc gia về dân cư');
    expect(wrongDate).toBe(unknownId);
    expect(wrongDate).toContain('Anh/chị vui lòng nhập lại số định danh');
  });

  it('locks the code after five wrong tries', async () => {
    await consentedWebchat(client);
    await client.say('liên kết VNeID');
    await client.say(HOA.id);
    await client.say(typed(HOA.dateOfBirth));
    const code = await readCode(app.baseUrl, HOA.phone!);
    const answers: string[] = [];
    for (let i = 0; i < 5; i++) answers.push(textOf(await client.say(wrongCode(code))));
    expect(answers[0]).toContain('Mã xác thực không đúng. Anh/chị còn 4 lần thử.');
    expect(answers[3]).toContain('còn 1 lần thử');
    expect(answers[4]).toContain('tạm khóa');
    expect(answers[4]).toContain('15 phút');
    // The right code no longer links, and asking again is refused while locked.
    await client.say('liên kết VNeID');
    await client.say(HOA.id);
    expect(textOf(await client.say(typed(HOA.dateOfBirth)))).toContain('tạm khóa');
    expect(textOf(await client.say('tài khoản liên kết'))).not.toContain('Tài khoản này đã được liên kết');
  });

  it('throttles “gửi lại mã” and says how long to wait', async () => {
    await consentedWebchat(client);
    await client.say('liên kết VNeID');
    await client.say(HOA.id);
    const sent = await client.say(typed(HOA.dateOfBirth));
    const resend = sent
      .flatMap((m) => (m.type === 'text' ? (m.buttons ?? []) : []))
      .find((b) => b.label === 'Gửi lại mã');
    expect(resend?.action).toBe('link:resend');
    expect(textOf(await client.press(resend!.action))).toMatch(/vui lòng đợi \d+ giây/);
    expect(textOf(await client.say('gửi lại mã'))).toMatch(/vui lòng đợi \d+ giây/);
  });

  it('asks for consent before any personal data and resumes linking afterwards', async () => {
    await client.start();
    const first = textOf(await client.say('liên kết VNeID'));
    expect(first).toContain('Hoso cần anh/chị đồng ý');
    expect(first).not.toContain('số định danh cá nhân gồm 12 chữ số');
    expect(textOf(await client.press('consent:accept'))).toContain('số định danh cá nhân gồm 12 chữ số');
  });

  it('refuses a child under 14 from the typed date alone, before any look-up (no probing)', async () => {
    await consentedWebchat(client);
    await client.say('liên kết VNeID');
    await client.say('048217001122');
    const child = textOf(await client.say('05/09/2017'));
    expect(child).toContain('Người dưới 14 tuổi chưa tự liên kết');
    // An ID the registry does not hold gets the very same answer.
    await client.say('liên kết VNeID');
    await client.say('048217009999');
    expect(textOf(await client.say('05/09/2017'))).toBe(child);
  });

  it('answers a citizen without a phone on record as a mismatch, suggests other ways, and logs it', async () => {
    const logs = captureLogs();
    await app.close();
    app = await startTestApp({ logs });
    client = new WebchatClient(app.baseUrl);
    await consentedWebchat(client);
    await client.say('liên kết VNeID');
    await client.say('066170003579');
    const noPhone = textOf(await client.say('14/02/1970'));
    await client.say('066170099999');
    const unknownId = textOf(await client.say('14/02/1970'));
    expect(noPhone).toBe(unknownId);
    expect(noPhone).toContain('chưa khớp với Cơ sở dữ liệu quốc gia về dân cư');
    expect(noPhone).toContain('cập nhật thông tin tại Công an cấp xã');
    expect(noPhone).toContain('làm thủ tục trực tiếp');
    expect(noPhone).not.toContain('chưa có số điện thoại di động của anh/chị');
    expect(logs.lines.filter((l) => l.includes('HOSO_ERR_LINK_NO_PHONE'))).toHaveLength(1);
  });

  it('keeps the code locked for the citizen in a new chat session after five wrong tries', async () => {
    await consentedWebchat(client);
    await client.say('liên kết VNeID');
    await client.say(HOA.id);
    await client.say(typed(HOA.dateOfBirth));
    const code = await readCode(app.baseUrl, HOA.phone!);
    for (let i = 0; i < 4; i++) await client.say(wrongCode(code));
    expect(textOf(await client.say(wrongCode(code)))).toContain('tạm khóa');
    // Someone opens a fresh web chat session and starts over with the same ID number.
    const other = new WebchatClient(app.baseUrl);
    await consentedWebchat(other);
    await other.say('liên kết VNeID');
    await other.say(HOA.id);
    const again = textOf(await other.say(typed(HOA.dateOfBirth)));
    expect(again).toContain('tạm khóa');
    expect(again).not.toContain('Hoso đã gửi mã xác thực');
  });
});

describe('look-up rate limits', () => {
  let app: App & { baseUrl: string };
  afterEach(async () => {
    await app.close();
  });

  it('stops one chat account guessing ID numbers', async () => {
    app = await startTestApp({ env: { IDENTITY_LOOKUPS_PER_ACCOUNT_PER_HOUR: '3' } });
    const client = new WebchatClient(app.baseUrl);
    await consentedWebchat(client);
    await client.say('liên kết VNeID');
    const answers: string[] = [];
    for (let i = 0; i < 4; i++) {
      await client.say(`00119001230${i}`);
      answers.push(textOf(await client.say('14/05/1990')));
      if (i === 3) break;
    }
    expect(answers.slice(0, 3).every((a) => a.includes('chưa khớp'))).toBe(true);
    expect(answers[3]).toContain('Anh/chị đã tra cứu quá nhiều lần trong thời gian ngắn');
  });

  it('stops many chat accounts guessing the birth date of one ID number', async () => {
    app = await startTestApp({ env: { IDENTITY_LOOKUPS_PER_ID_PER_HOUR: '2' } });
    const answers: string[] = [];
    for (let i = 0; i < 3; i++) {
      const client = new WebchatClient(app.baseUrl);
      await consentedWebchat(client);
      await client.say('liên kết VNeID');
      await client.say(HOA.id);
      answers.push(textOf(await client.say(`0${i + 1}/01/1990`)));
    }
    expect(answers[1]).toContain('chưa khớp');
    expect(answers[2]).toContain('tra cứu quá nhiều lần');
  });
});
