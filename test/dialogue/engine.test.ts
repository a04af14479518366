import { describe, expect, it } from 'vitest';
import type { Feature } from '../../src/dialogue/context.ts';
import { CONSENT_VERSION, requireConsent } from '../../src/dialogue/features/consent.ts';
import { TRANSCRIPT_LIMIT } from '../../src/dialogue/session.ts';
import { testEngine } from '../support/engine.ts';

describe('dialogue engine', () => {
  it('greets a new citizen and shows the consent notice before anything else', async () => {
    const chat = testEngine();
    const r = await chat.say('xin chào');
    const said = chat.textOf(r);
    expect(said).toContain('Tôi là Hoso');
    expect(said).toContain('Thông tin thu thập');
    expect(said).toContain('Thời gian lưu: 365 ngày');
    const last = r.messages.at(-1);
    expect(last?.type === 'text' && last.buttons?.map((b) => b.action)).toEqual([
      'consent:accept',
      'consent:decline',
    ]);
  });

  it('records an accepted consent with its text version and time, then shows the menu', async () => {
    const chat = testEngine();
    await chat.say('xin chào');
    const r = await chat.press('consent:accept');
    expect(chat.textOf(r)).toContain('Sự đồng ý được ghi nhận lúc 10:00 ngày 25/11/2026');
    expect(chat.session()?.consent).toEqual({
      decision: 'accepted',
      version: CONSENT_VERSION,
      at: '2026-11-25T03:00:00.000Z',
    });
    const log = await chat.consentLog.list(chat.address);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ decision: 'accepted', version: CONSENT_VERSION, lang: 'vi' });
    expect(log[0]?.textSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('accepts a typed "đồng ý" as consent, with or without diacritics', async () => {
    const chat = testEngine();
    await chat.say('chao ban');
    await chat.say('dong y');
    expect(chat.session()?.consent?.decision).toBe('accepted');
  });

  it('still answers general questions after the citizen declines consent', async () => {
    const chat = testEngine();
    await chat.say('xin chào');
    const declined = await chat.press('consent:decline');
    expect(chat.textOf(declined)).toContain('vẫn có thể hỏi thông tin chung');
    expect(chat.session()?.consent?.decision).toBe('declined');
    const help = await chat.say('giúp tôi');
    expect(chat.textOf(help)).toContain('Hoso có thể giúp anh/chị');
  });

  it('asks for consent before a flow that collects personal data, then resumes it', async () => {
    const personal: Feature = {
      name: 'personal',
      intents: {
        criminal_record: async (ctx) => {
          if (!(await requireConsent(ctx))) return;
          ctx.reply('Mời anh/chị nhập số CCCD.');
        },
      },
    };
    const chat = testEngine([personal]);
    await chat.say('xin chào');
    await chat.press('consent:decline');
    const asked = await chat.say('làm lý lịch tư pháp');
    expect(chat.textOf(asked)).toContain('Hoso cần anh/chị đồng ý');
    expect(chat.textOf(asked)).not.toContain('số CCCD');
    const resumed = await chat.press('consent:accept');
    expect(chat.textOf(resumed)).toContain('Mời anh/chị nhập số CCCD.');
  });

  it('switches to English when asked and remembers it on later turns', async () => {
    const chat = testEngine();
    await chat.say('xin chào');
    const r = await chat.say('English please');
    expect(chat.textOf(r)).toContain('Switched to English');
    const later = await chat.say('help');
    expect(chat.textOf(later)).toContain('Hoso can help you');
    expect(chat.session()?.lang).toBe('en');
  });

  it('cancels the flow under way from anywhere', async () => {
    const chat = testEngine();
    await chat.say('xin chào');
    expect(chat.session()?.flow?.id).toBe('consent');
    const r = await chat.say('hủy');
    expect(chat.textOf(r)).toContain('Đã hủy');
    expect(chat.session()?.flow).toBeUndefined();
  });

  it('offers a member of staff after three messages in a row it did not understand', async () => {
    const chat = testEngine();
    await chat.say('xin chào');
    await chat.press('consent:accept');
    const first = await chat.say('asdf qwer');
    expect(chat.textOf(first)).toContain('chưa hiểu');
    await chat.say('zxcv');
    const third = await chat.say('blah blah');
    expect(chat.textOf(third)).toContain('cán bộ hỗ trợ');
    expect(third.messages[0]?.type === 'text' && third.messages[0].buttons?.[0]?.action).toBe(
      'intent:talk_to_staff',
    );
  });

  it('answers honestly that a service is not open yet', async () => {
    const chat = testEngine();
    await chat.say('xin chào');
    await chat.press('consent:accept');
    const r = await chat.say('làm LLTP số 1');
    expect(chat.textOf(r)).toContain('chưa mở trên Hoso');
  });

  it('keeps a masked transcript for staff', async () => {
    const chat = testEngine();
    await chat.say('CCCD của tôi là 079084000123, sđt 0912345678');
    const transcript = await chat.transcript();
    expect(transcript[0]?.text).toContain('079*******23');
    expect(transcript[0]?.text).not.toContain('079084000123');
    expect(transcript[0]?.text).not.toContain('0912345678');
    // The session itself carries no transcript: it holds only what the next turn needs.
    expect(JSON.stringify(chat.session())).not.toContain('079');
  });

  it('keeps the latest lines of the transcript, one citizen line and one bot line per turn', async () => {
    const chat = testEngine();
    for (let i = 0; i < TRANSCRIPT_LIMIT; i++) await chat.say(`tin nhắn ${i}`);
    const transcript = await chat.transcript();
    expect(transcript).toHaveLength(TRANSCRIPT_LIMIT);
    expect(transcript.filter((l) => l.from === 'citizen').map((l) => l.text)).toEqual(
      Array.from({ length: TRANSCRIPT_LIMIT / 2 }, (_, i) => `tin nhắn ${i + TRANSCRIPT_LIMIT / 2}`),
    );
  });

  it('writes a tapped button in the transcript as the label the citizen saw, not its action id', async () => {
    const chat = testEngine();
    const first = await chat.say('xin chào');
    const button = first.messages.flatMap((m) => (m.type === 'text' ? (m.buttons ?? []) : []))[0]!;
    expect(button.action).toBe('consent:accept');
    await chat.press(button.action);
    const texts = (await chat.transcript()).map((t) => t.text);
    expect(texts).toContain(`[${button.label}]`);
    expect(texts.join('\n')).not.toContain('[consent:accept]');
  });
});
