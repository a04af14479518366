import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { App } from '../../src/main.ts';
import { captureLogs, startTestApp } from '../support/app.ts';
import { dumpRecords } from '../support/postgres.ts';
import { textOf, WebchatClient } from '../support/webchat-client.ts';
import { consentedWebchat, HOA, readCode, wrongCode } from './helpers.ts';

/** A personal number standing alone (not inside a longer run of digits), in any grouping. */
function clear(value: string): RegExp {
  const digits = [...value].join('[ .-]?');
  return new RegExp(`(?<!\\d)${digits}(?!\\d)`);
}

/** Every key under the app's prefix with everything it holds, read with a raw Redis client. */
async function dumpRedis(prefix: string): Promise<{ keys: string[]; values: string[] }> {
  const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: 1 });
  try {
    const keys = await redis.keys(`${prefix}*`);
    const values: string[] = [];
    for (const key of keys) {
      const type = await redis.type(key);
      if (type === 'string') values.push((await redis.get(key)) ?? '');
      else if (type === 'hash') values.push(...Object.entries(await redis.hgetall(key)).flat());
      else if (type === 'list') values.push(...(await redis.lrange(key, 0, -1)));
      else if (type === 'set') values.push(...(await redis.smembers(key)));
      else if (type === 'zset') values.push(...(await redis.zrange(key, '0', '-1')));
    }
    return { keys, values };
  } finally {
    redis.disconnect();
  }
}

describe('personal numbers in logs and storage', () => {
  let app: App & { baseUrl: string; cfg: { REDIS_KEY_PREFIX: string } };
  afterEach(async () => {
    await app.close();
  });

  it('keeps the ID number, phone and codes of a whole linking conversation out of logs, Redis and the records database', async () => {
    const logs = captureLogs('trace');
    app = await startTestApp({ logs });
    const client = new WebchatClient(app.baseUrl);
    await consentedWebchat(client);
    await client.say('cccd của tôi là 001 190 012 345');
    await client.say('14/5/90');
    const sent = textOf(await client.say('ngày 14 tháng 05 năm 1990'));
    expect(sent).toContain('Hoso đã gửi mã xác thực');
    const code = await readCode(app.baseUrl, HOA.phone!);
    const wrong = wrongCode(code);
    expect(textOf(await client.say(wrong))).toContain('Mã xác thực không đúng');
    expect(textOf(await client.say(code))).toContain('Liên kết thành công');
    expect(textOf(await client.say('tài khoản liên kết'))).toContain('Trần Thị Hoà');

    const secrets: Record<string, RegExp> = {
      'ID number': clear(HOA.id),
      phone: clear(HOA.phone!),
      'phone without the trunk 0': clear(HOA.phone!.slice(1)),
      code: clear(code),
      'wrong code': clear(wrong),
    };
    expect(logs.lines.length).toBeGreaterThan(5);
    const logText = logs.lines.join('\n');
    for (const [what, pattern] of Object.entries(secrets))
      expect(logText, `${what} in logs`).not.toMatch(pattern);

    // Sessions in Redis and the link itself in the records database: neither holds a number in clear.
    const redis = await dumpRedis(app.cfg.REDIS_KEY_PREFIX);
    const records = await dumpRecords(app);
    expect(records.keys.some((k) => k.includes('idlink:cit:'))).toBe(true);
    const keys = [...redis.keys, ...records.keys];
    const values = [...redis.values, ...records.values];
    for (const [what, pattern] of Object.entries(secrets)) {
      expect(keys.join('\n'), `${what} in stored keys`).not.toMatch(pattern);
      expect(values.join('\n'), `${what} in stored values`).not.toMatch(pattern);
    }
    // What the citizen typed for the date of birth is not kept in the transcript either.
    expect(values.join('\n')).not.toContain('14/5/90');
    expect(values.join('\n')).not.toContain('ngày 14 tháng 05 năm 1990');
    // The ID number is there, encrypted.
    expect(values.some((v) => v.startsWith('hoso1.'))).toBe(true);
  });
});
