import { PassThrough } from 'node:stream';
import { startTerminalChat } from '../../src/channels/terminal/chat.ts';
import type { App } from '../../src/main.ts';

/** Drives `hoso chat`'s terminal channel through streams, as a person typing would. */
export function terminalClient(app: App, userId = 'terminal-test', options: { showDevSms?: boolean } = {}) {
  const input = new PassThrough();
  const output = new PassThrough();
  let screen = '';
  output.on('data', (chunk) => {
    screen += String(chunk);
  });
  const chat = startTerminalChat({
    input,
    output,
    handle: app.handle,
    translator: app.translator,
    files: app.files,
    downloadDir: '/tmp/hoso-terminal-test',
    userId,
    lang: 'vi',
    devOutbox: options.showDevSms ? app.identity.devOutbox : undefined,
    intake: app.intake,
  });
  app.notifier.register('terminal', chat.sender);
  return {
    /** Everything printed since the last call. */
    async type(line: string, settle = () => screen.length > 0): Promise<string> {
      const before = screen.length;
      input.write(`${line}\n`);
      const started = Date.now();
      while (Date.now() - started < 3000) {
        await new Promise((r) => setTimeout(r, 20));
        if (screen.length > before && settle()) {
          await new Promise((r) => setTimeout(r, 60));
          break;
        }
      }
      return screen.slice(before);
    },
    async waitFor(text: string): Promise<string> {
      const started = Date.now();
      while (!screen.includes(text) && Date.now() - started < 3000)
        await new Promise((r) => setTimeout(r, 20));
      return screen;
    },
    screen: () => screen,
    /** The number shown in front of a button with this action in the latest list. */
    numberOf(label: string): number {
      const lines = screen.split('\n').reverse();
      const line = lines.find((l) => l.trim().match(/^\d+\) /) && l.includes(label));
      return Number(line?.trim().split(')')[0]);
    },
    async quit() {
      input.end();
      await chat.done;
    },
  };
}
