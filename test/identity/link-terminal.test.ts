import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/main.ts';
import { captureLogs, startTestApp } from '../support/app.ts';
import { terminalClient } from '../support/terminal-client.ts';
import { HOA, readCode, typed } from './helpers.ts';

describe('linking in the terminal chat', () => {
  let app: App & { baseUrl: string };
  beforeEach(async () => {
    app = await startTestApp();
  });
  afterEach(async () => {
    await app.close();
  });

  it('links a fixture citizen with the code read from the dev outbox', async () => {
    const chat = terminalClient(app, 'terminal-linking');
    await chat.waitFor('Anh/chị có đồng ý không?');
    await chat.type(String(chat.numberOf('Đồng ý')));
    expect(await chat.type('lien ket vneid')).toContain('số định danh cá nhân gồm 12 chữ số');
    expect(await chat.type(HOA.id)).toContain('ngày sinh');
    expect(await chat.type(typed(HOA.dateOfBirth))).toContain('tới số 090*****01');
    const linked = await chat.type(await readCode(app.baseUrl, HOA.phone!));
    expect(linked).toContain(
      'Liên kết thành công! Tài khoản Terminal đã được liên kết với danh tính Trần Thị Hoà',
    );
    expect(await chat.type('tài khoản liên kết')).toContain('1. Terminal: liên kết lúc');
    await chat.quit();
  });

  it('prints the dev SMS in the terminal, so the code can be read there, and keeps it out of the logs', async () => {
    const logs = captureLogs('trace');
    await app.close();
    app = await startTestApp({ logs });
    const chat = terminalClient(app, 'terminal-sms', { showDevSms: true });
    await chat.waitFor('Anh/chị có đồng ý không?');
    await chat.type(String(chat.numberOf('Đồng ý')));
    await chat.type('lien ket vneid');
    await chat.type(HOA.id);
    const sent = await chat.type(typed(HOA.dateOfBirth));
    const sms =
      /\[SMS thử nghiệm tới 090\*{5}01, không gửi đi thật\] Hoso: mã xác thực của anh\/chị là (\d{6})/.exec(
        sent,
      );
    expect(sms, sent).not.toBeNull();
    expect(sent.indexOf('[SMS thử nghiệm')).toBeLessThan(sent.indexOf('Hoso đã gửi mã xác thực'));
    expect(await chat.type(sms![1]!)).toContain('Liên kết thành công!');
    await chat.quit();
    expect(logs.lines.join('\n')).not.toContain(sms![1]!);
  });
});
