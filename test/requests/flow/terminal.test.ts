import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../../src/main.ts';
import { FIXTURE_CITIZENS } from '../../../src/ports/population/fixtures.ts';
import { readCode, typed } from '../../identity/helpers.ts';
import { startTestApp } from '../../support/app.ts';
import { terminalClient } from '../../support/terminal-client.ts';

const HUY = FIXTURE_CITIZENS.find((f) => f.role === 'student')!.citizen;
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

describe('requesting an extract in the terminal chat', () => {
  let app: App & { baseUrl: string };
  let dir: string;
  beforeEach(async () => {
    app = await startTestApp({ memory: true });
    dir = mkdtempSync(join(tmpdir(), 'hoso-terminal-'));
  });
  afterEach(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('asks with numbered choices and takes the proof with /tep <path>', async () => {
    const chat = terminalClient(app, 'terminal-request');
    await chat.waitFor('Anh/chị có đồng ý không?');
    await chat.type(String(chat.numberOf('Đồng ý')));
    await chat.type('lien ket vneid');
    await chat.type(HUY.id);
    await chat.type(typed(HUY.dateOfBirth));
    expect(await chat.type(await readCode(app.baseUrl, HUY.phone!))).toContain('Liên kết thành công!');

    expect(await chat.type('xin phieu ly lich tu phap so 1')).toContain('Anh/chị xin phiếu để làm gì?');
    await chat.type(String(chat.numberOf('Xin việc làm')));
    await chat.type(String(chat.numberOf('Cho bản thân')));
    await chat.type('không');
    await chat.type('không');
    await chat.type('1');
    const summary = await chat.type(String(chat.numberOf('Sinh viên')));
    expect(summary).toContain('Lệ phí: 100.000\u00a0₫');
    const details = await chat.type(String(chat.numberOf('Chi tiết phí và căn cứ pháp lý')));
    expect(details).toContain(
      'Giảm phí cho sinh viên, học sinh, người có công, thân nhân liệt sĩ: -100.000\u00a0₫',
    );
    expect(details).toContain('Thông tư 16/2025/TT-BTC');
    expect(await chat.type(String(chat.numberOf('Xác nhận nộp hồ sơ')))).toContain('giấy tờ sau (1/1)');

    const notAPicture = join(dir, 'note.txt');
    writeFileSync(notAPicture, 'chỉ là chữ');
    expect(await chat.type(`/tep ${notAPicture}`)).toContain(
      'Hoso chỉ nhận ảnh (JPG, PNG, WebP) hoặc tệp PDF.',
    );
    const card = join(dir, 'the sinh vien.png');
    writeFileSync(card, PNG);
    const filed = await chat.type(`/tep "${card}"`);
    expect(filed).toContain('Hoso đã nhận tệp “the sinh vien.png”.');
    expect(filed).toMatch(/Hoso đã lập hồ sơ LLTP-\d{4}-\d{6}/);
    // The payment code is a picture: the terminal saves it and says where.
    expect(filed).toMatch(/vietqr-LLTP-\d{4}-\d{6}\.png/);
    await chat.quit();
  });
});
