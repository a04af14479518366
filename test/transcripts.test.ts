import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Inbound } from '../src/dialogue/message.ts';
import type { Session } from '../src/dialogue/session.ts';
import type { App } from '../src/main.ts';
import { callbackUpdate, type FakeTelegram, startFakeTelegram, textUpdate } from './fakes/telegram-api.ts';
import { startTestApp } from './support/app.ts';
import { terminalClient } from './support/terminal-client.ts';
import { WebchatClient } from './support/webchat-client.ts';
import { startZaloTestApp, textEvent, zaloButtons } from './support/zalo.ts';

/**
 * Transcript fixtures (citizen does X → bot answers containing Y) run against the engine and against every
 * channel, so a conversation works the same in the terminal, the web page, Telegram and Zalo.
 */
const StepSchema = z.union([
  z.object({ start: z.literal(true), expect: z.array(z.string()) }),
  z.object({ say: z.string(), expect: z.array(z.string()) }),
  z.object({ press: z.string(), expect: z.array(z.string()) }),
]);
const FixtureSchema = z.object({ name: z.string(), steps: z.array(StepSchema).min(1) });
type Step = z.infer<typeof StepSchema>;

const dir = new URL('./fixtures/transcripts/', import.meta.url);
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => FixtureSchema.parse(JSON.parse(readFileSync(new URL(f, dir), 'utf8'))));

interface Button {
  label: string;
  action: string;
}

/** One channel as a fixture sees it: do a step, get the text of everything the bot said. */
interface Driver {
  step(step: Step): Promise<string>;
  close(): Promise<void>;
}

function buttonFor(buttons: Button[], label: string): Button {
  const b = buttons.find((x) => x.label === label);
  if (!b) throw new Error(`no button "${label}" among ${buttons.map((x) => x.label).join(', ')}`);
  return b;
}

const drivers: Record<string, () => Promise<Driver>> = {
  async engine() {
    // The app's engine with every feature (identity, support…), called directly: no channel, no handler.
    const app = await startTestApp({ memory: true });
    let session: Session | undefined;
    let buttons: Button[] = [];
    const turn = async (input: { text: string } | { action: string }) => {
      const r = await app.engine.turn(session, {
        channel: 'webchat',
        userId: 'engine-1',
        ...input,
      } as Inbound);
      session = r.session;
      buttons = r.messages.flatMap((m) => (m.type === 'text' ? (m.buttons ?? []) : []));
      return r.messages.map((m) => (m.type === 'text' ? m.text : m.filename)).join('\n');
    };
    return {
      step: async (s) =>
        'start' in s
          ? turn({ action: 'intent:greeting' })
          : 'say' in s
            ? turn({ text: s.say })
            : turn({ action: buttonFor(buttons, s.press).action }),
      close: () => app.close(),
    };
  },

  async webchat() {
    const app = await startTestApp();
    const client = new WebchatClient(app.baseUrl);
    let buttons: Button[] = [];
    const run = (messages: Awaited<ReturnType<typeof client.say>>) => {
      buttons = messages.flatMap((m) => (m.type === 'text' ? (m.buttons ?? []) : []));
      return messages.map((m) => (m.type === 'text' ? m.text : m.filename)).join('\n');
    };
    return {
      step: async (s) =>
        'start' in s
          ? run((await client.start()).messages)
          : 'say' in s
            ? run(await client.say(s.say))
            : run(await client.press(buttonFor(buttons, s.press).action)),
      close: () => app.close(),
    };
  },

  async telegram() {
    const telegram: FakeTelegram = await startFakeTelegram();
    const app = await startTestApp({ telegramApiRoot: telegram.apiRoot });
    const chatId = 880001;
    let buttons: Button[] = [];
    const deliver = async (update: unknown) => {
      const before = telegram.calls.length;
      await app.telegram!.bot.handleUpdate(update as never);
      const sent = telegram.calls.slice(before).filter((c) => c.method === 'sendMessage');
      buttons = sent.flatMap((c) =>
        (
          (c.json.reply_markup as { inline_keyboard?: { text: string; callback_data: string }[][] })
            ?.inline_keyboard ?? []
        )
          .flat()
          .map((b) => ({ label: b.text, action: b.callback_data })),
      );
      return sent.map((c) => String(c.json.text)).join('\n');
    };
    return {
      step: async (s) =>
        'start' in s
          ? deliver(textUpdate(chatId, '/start'))
          : 'say' in s
            ? deliver(textUpdate(chatId, s.say))
            : deliver(callbackUpdate(chatId, buttonFor(buttons, s.press).action)),
      close: async () => {
        await app.close();
        await telegram.close();
      },
    };
  },

  async zalo() {
    const z = await startZaloTestApp();
    let buttons: Button[] = [];
    const deliver = async (text: string) => {
      const sent = await z.deliver(textEvent('zalo-880001', text));
      buttons = zaloButtons(sent);
      return sent.map((m) => String(m.text ?? '')).join('\n');
    };
    return {
      step: async (s) =>
        'start' in s
          ? deliver('/start')
          : 'say' in s
            ? deliver(s.say)
            : deliver(`#hoso:${buttonFor(buttons, s.press).action}`),
      close: () => z.close(),
    };
  },

  async terminal() {
    const app: App = await startTestApp({ memory: true });
    const term = terminalClient(app);
    return {
      step: async (s) => {
        if ('start' in s) return term.waitFor('Hoso:');
        if ('say' in s) return term.type(s.say);
        return term.type(String(term.numberOf(s.press)));
      },
      close: async () => {
        await term.quit();
        await app.close();
      },
    };
  },
};

for (const [channel, start] of Object.entries(drivers)) {
  describe(`transcripts on ${channel}`, () => {
    for (const fixture of fixtures) {
      describe(fixture.name, () => {
        let driver: Driver;
        beforeAll(async () => {
          driver = await start();
        });
        afterAll(async () => {
          await driver.close();
        });
        it('answers every step as the fixture expects', async () => {
          for (const [i, step] of fixture.steps.entries()) {
            const said = await driver.step(step);
            for (const expected of step.expect) {
              expect(said, `step ${i + 1} (${JSON.stringify(step)})`).toContain(expected);
            }
          }
        });
      });
    }
  });
}
