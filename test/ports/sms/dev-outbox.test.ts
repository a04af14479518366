import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log.ts';
import { DevOutbox } from '../../../src/ports/sms/dev-outbox.ts';

describe('DevOutbox', () => {
  it('keeps messages with their time, newest first, for the dev outbox page', async () => {
    let now = Date.parse('2026-03-15T08:00:00Z');
    const outbox = new DevOutbox({ now: () => new Date(now) });
    await outbox.send('0901000001', 'Hoso: mã xác thực của anh/chị là 123456');
    now += 1000;
    await outbox.send('0901000002', 'Hoso: mã xác thực của anh/chị là 654321');
    const list = outbox.list();
    expect(list.map((m) => [m.phone, m.at, m.phoneMasked])).toEqual([
      ['0901000002', '2026-03-15T08:00:01.000Z', '090*****02'],
      ['0901000001', '2026-03-15T08:00:00.000Z', '090*****01'],
    ]);
    expect(outbox.list({ phone: '0901000001' }).map((m) => m.text)).toEqual([
      'Hoso: mã xác thực của anh/chị là 123456',
    ]);
  });

  it('keeps only the last N messages', async () => {
    const outbox = new DevOutbox({ capacity: 3 });
    for (let i = 0; i < 5; i++) await outbox.send('0901000001', `message ${i}`);
    expect(outbox.list().map((m) => m.text)).toEqual(['message 4', 'message 3', 'message 2']);
  });

  it('logs the masked phone and never the text or the number', async () => {
    const lines: string[] = [];
    const outbox = new DevOutbox({
      logger: { info: (fields, message) => lines.push(JSON.stringify({ ...fields, message })) },
    });
    await outbox.send('0901000001', 'Hoso: mã xác thực của anh/chị là 123456');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('090*****01');
    expect(lines[0]).not.toContain('0901000001');
    expect(lines[0]).not.toContain('123456');
  });

  it('works with the project logger, whose lines hold no phone number or code', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const outbox = new DevOutbox({ logger: createLogger({ level: 'info', destination }) });
    await outbox.send('+84 901 000 001', 'Hoso: mã xác thực của anh/chị là 654321');
    expect(lines.join('')).toContain('090*****01');
    expect(lines.join('')).not.toMatch(/0901000001|901 000 001|654321/);
    expect(outbox.list({ phone: '0901000001' }).map((m) => m.phone)).toEqual(['0901000001']);
  });

  it('hands out copies and can be cleared', async () => {
    const outbox = new DevOutbox();
    await outbox.send('0901000001', 'a');
    outbox.list()[0]!.text = 'changed';
    expect(outbox.list()[0]!.text).toBe('a');
    outbox.clear();
    expect(outbox.list()).toEqual([]);
  });
});
