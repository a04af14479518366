import { describe, expect, it } from 'vitest';
import { FRUSTRATED, PHRASES } from '../../../src/dialogue/nlu/phrases.ts';
import { IntentSchema, UnderstandingSchema } from '../../../src/dialogue/nlu/schema.ts';
import { understand } from '../../../src/dialogue/nlu/understand.ts';

describe('understand: the phrase table', () => {
  it('covers every intent with realistic phrases, at least 150 in all', () => {
    expect(PHRASES.length).toBeGreaterThanOrEqual(150);
    const covered = new Set(PHRASES.map((p) => p.intent));
    expect([...IntentSchema.options].filter((intent) => !covered.has(intent))).toEqual([]);
  });

  it.each(PHRASES.map((p) => [p.text, p.intent, p] as const))('reads %j as %s', (_text, _intent, phrase) => {
    const understood = understand(phrase.text);
    expect(understood.intent).toBe(phrase.intent);
    if (phrase.entities) expect(understood.entities).toMatchObject(phrase.entities);
    expect(UnderstandingSchema.parse(understood)).toEqual(understood);
  });
});

describe('understand: tricky cases', () => {
  it('reads "hủy liên kết" as unlinking (privacy_delete), and "hủy" alone as cancel', () => {
    expect(understand('hủy liên kết').intent).toBe('privacy_delete');
    expect(understand('huỷ liên kết vneid nhé').intent).toBe('privacy_delete');
    expect(understand('hủy').intent).toBe('cancel');
  });

  it('answers a fee question about the criminal record with fees_info, keeping the service', () => {
    expect(understand('phí làm lý lịch tư pháp bao nhiêu')).toEqual({
      intent: 'fees_info',
      confidence: expect.any(Number),
      entities: { service: 'lltp' },
    });
  });

  it('reads the form number after the service name', () => {
    expect(understand('lam LLTP so 2').entities).toEqual({ service: 'lltp', form: 2 });
    expect(understand('xin phiếu số một').entities).toEqual({ service: 'lltp', form: 1 });
    expect(understand('xin phiếu lý lịch tư pháp số 1').entities).toEqual({ service: 'lltp', form: 1 });
  });

  it('finds the request id in a status question and does not take it for a new request', () => {
    const understood = understand('tra cứu hồ sơ LLTP-2026-000123');
    expect(understood.intent).toBe('request_status');
    expect(understood.entities).toEqual({ request_id: 'LLTP-2026-000123' });
  });

  it('gives the language only with change_language', () => {
    expect(understand('English please').entities).toEqual({ lang: 'en' });
    expect(understand('đổi ngôn ngữ').entities).toEqual({});
    expect(understand('tôi không hiểu tiếng Việt').entities).toEqual({ lang: 'en' });
  });

  it('lets a request said after a greeting or thanks win over the courtesy', () => {
    expect(understand('xin chào, tôi muốn làm LLTP').intent).toBe('criminal_record');
    expect(understand('cảm ơn, cho mình hỏi phí bao nhiêu').intent).toBe('fees_info');
    expect(understand('chào bạn, cho gặp nhân viên').intent).toBe('talk_to_staff');
  });

  it('does not take look-alike words for commands: "đúng rồi" is not "dừng", Huy is a name', () => {
    expect(understand('đúng rồi').intent).toBe('unknown');
    expect(understand('anh Huy ơi').intent).not.toBe('cancel');
    expect(understand('đau chân quá').frustrated).toBeUndefined();
  });

  it('is sure of clear messages and unsure of weak ones', () => {
    expect(understand('gặp nhân viên').confidence).toBeGreaterThanOrEqual(0.9);
    expect(understand('hướng dẫn dùng vneid').confidence).toBeLessThan(0.8);
  });

  it('gives the same answer every time', () => {
    const text = 'phí lltp bn, cccd 079084000123';
    expect(understand(text)).toEqual(understand(text));
  });
});

describe('understand: frustration', () => {
  it.each(FRUSTRATED)('routes %j to a human with a low confidence and flags it', (text) => {
    const understood = understand(text);
    expect(understood.intent).toBe('talk_to_staff');
    expect(understood.confidence).toBeLessThanOrEqual(0.6);
    expect(understood.frustrated).toBe(true);
  });

  it('keeps a real request said in anger, flagged', () => {
    const understood = understand('bực quá, phí LLTP bao nhiêu vậy');
    expect(understood.intent).toBe('fees_info');
    expect(understood.frustrated).toBe(true);
  });

  it('leaves calm messages unflagged', () => {
    expect(understand('gặp nhân viên').frustrated).toBeUndefined();
    expect('frustrated' in understand('cảm ơn')).toBe(false);
  });
});

describe('understand: slash commands', () => {
  it.each([
    ['/start', 'greeting'],
    ['/help', 'help'],
    ['/cancel', 'cancel'],
    ['/lang', 'change_language'],
    ['/language', 'change_language'],
    ['/help@HosoBot', 'help'],
  ] as const)('maps %s to %s with certainty', (text, intent) => {
    expect(understand(text)).toMatchObject({ intent, confidence: 1 });
  });

  it('reads the language named after /lang', () => {
    expect(understand('/lang en').entities).toEqual({ lang: 'en' });
    expect(understand('/lang tiếng việt').entities).toEqual({ lang: 'vi' });
  });

  it('reads an unknown command as text', () => {
    expect(understand('/foo').intent).toBe('unknown');
  });
});

describe('questions a newcomer asks outside the services', () => {
  it('does not take a "bao nhiêu" question about something else for a fee question', () => {
    for (const text of [
      'giá vàng hôm nay bao nhiêu',
      '1 đô bằng bao nhiêu tiền việt',
      'dân số Việt Nam là bao nhiêu',
      'bao nhiêu tuổi thì được nghỉ hưu',
    ])
      expect(understand(text).intent, text).not.toBe('fees_info');
    expect(understand('lý lịch tư pháp bao nhiêu tiền').intent).toBe('fees_info');
    expect(understand('giá lltp bao nhiêu').intent).toBe('fees_info');
  });

  it('answers "where do I start" with help and "what do you hold about me" with the data export', () => {
    for (const text of ['where do I start', 'bắt đầu từ đâu', 'tôi nên bắt đầu thế nào'])
      expect(understand(text).intent, text).toBe('help');
    for (const text of [
      'what do you hold about me',
      'what do you know about me',
      'bạn giữ thông tin gì của tôi',
      'bạn biết gì về tôi',
    ])
      expect(understand(text).intent, text).toBe('privacy_export');
  });
});
