import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { ConversationHandler } from '../../conversation/handle-inbound.ts';
import type { ChannelSender } from '../../conversation/notifier.ts';
import type { Button, InboundFile, Outbound } from '../../dialogue/message.ts';
import { type FileIntake, rejectionOf } from '../../files/intake.ts';
import type { BlobStore } from '../../files/types.ts';
import type { Lang, Translator } from '../../i18n.ts';
import type { DevOutbox } from '../../ports/sms/dev-outbox.ts';

export interface TerminalChatOptions {
  input: Readable;
  output: Writable;
  handle: ConversationHandler;
  translator: Translator;
  files: BlobStore;
  /** Where documents the bot sends are saved. */
  downloadDir: string;
  userId: string;
  lang: Lang;
  /**
   * The dev SMS outbox, outside production: each text (one-time codes included) is printed here, in the
   * conversation, so a newcomer need not open /api/dev/outbox. Never the log, which stays free of codes.
   */
  devOutbox?: Pick<DevOutbox, 'onMessage'> | undefined;
  /** Where a document the citizen sends with `/tep <path>` goes (checked and stored like any upload). */
  intake?: Pick<FileIntake, 'store' | 'maxBytes'> | undefined;
}

export interface TerminalChat {
  sender: ChannelSender;
  /** Resolves when the citizen leaves (/quit or end of input). */
  done: Promise<void>;
}

/** `hoso chat`: the same conversation in a terminal, buttons shown as numbered choices. */
export function startTerminalChat(options: TerminalChatOptions): TerminalChat {
  const { output, handle, translator } = options;
  let lang = options.lang;
  let choices: Button[] = [];
  const write = (s: string) => output.write(`${s}\n`);

  async function show(messages: Outbound[]): Promise<void> {
    for (const m of messages) {
      if (m.type === 'document') {
        const file = await options.files.get(m.fileId);
        if (!file) continue;
        await mkdir(options.downloadDir, { recursive: true });
        const path = join(options.downloadDir, m.filename);
        await writeFile(path, file.bytes);
        write(`Hoso: ${translator.t(lang)('terminal.saved', { filename: m.filename, path })}`);
        if (m.caption) write(`      ${m.caption}`);
        continue;
      }
      write(`Hoso: ${m.text.replace(/\n/g, '\n      ')}`);
      if (m.buttons?.length) {
        choices = m.buttons;
        m.buttons.forEach((b, i) => {
          write(`  ${i + 1}) ${b.label}${b.kind === 'url' ? `: ${b.url}` : ''}`);
        });
      }
    }
  }

  const stopSms = options.devOutbox?.onMessage((m) =>
    write(translator.t(lang)('terminal.devSms', { phone: m.phoneMasked, text: m.text })),
  );

  /** A file from the disk, as the web chat's upload route would pass it. */
  async function fileInbound(path: string): Promise<InboundFile> {
    const intake = options.intake!;
    const bytes = await readFile(path);
    const stored = await intake.store(bytes, basename(path));
    if (stored.ok)
      return {
        ref: `blob:${stored.fileId}`,
        filename: stored.filename,
        mimeType: stored.mimeType,
        size: bytes.length,
      };
    return { ref: 'refused', rejected: rejectionOf(stored) };
  }

  const rl = createInterface({ input: options.input, terminal: false });
  const done = new Promise<void>((resolve) => {
    let queue = Promise.resolve();
    let counter = 0;
    const turn = async (payload: Record<string, unknown>) => {
      const result = await handle({ channel: 'terminal', userId: options.userId, ...payload });
      lang = result.lang;
      // The numbers answer the latest question only: a reply without buttons leaves nothing to press.
      choices = [];
      await show(result.messages);
    };
    queue = queue.then(async () => {
      write(translator.t(lang)('terminal.chooseHint'));
      await turn({ action: 'intent:greeting', localeHint: lang, updateId: `t${++counter}` });
    });
    rl.on('line', (line) => {
      const textLine = line.trim();
      if (!textLine) return;
      if (textLine === '/quit' || textLine === '/exit') {
        rl.close();
        return;
      }
      const sendFile = /^\/(?:tep|file)\s+(.+)$/.exec(textLine);
      if (sendFile && options.intake) {
        const path = sendFile[1]!.replace(/^["']|["']$/g, '');
        queue = queue.then(() =>
          fileInbound(path)
            .then((file) => turn({ file }))
            .catch((err: Error) => {
              write(`! ${err.message}`);
            }),
        );
        return;
      }
      const n = Number(textLine);
      const chosen = Number.isInteger(n) && n >= 1 && n <= choices.length ? choices[n - 1] : undefined;
      if (chosen?.kind === 'url') {
        write(`      ${chosen.url}`);
        return;
      }
      queue = queue.then(() =>
        turn(chosen ? { action: chosen.action } : { text: textLine }).catch((err: Error) => {
          write(`! ${err.message}`);
        }),
      );
    });
    rl.on('close', () => {
      stopSms?.();
      void queue.then(() => resolve());
    });
  });

  return { sender: { send: async (_userId, messages) => show(messages) }, done };
}
