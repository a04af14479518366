import { understand } from './understand.ts';

export interface CommandOutput {
  /** Receives whole lines, each ending with "\n" (pass `(s) => process.stdout.write(s)`). */
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

const USAGE =
  'Usage: hoso nlu "<text>"\n' +
  'Prints how the bot understands one message, as one JSON line: {"intent", "confidence", "entities"}.\n';

/** `hoso nlu "<text>"`: the words of all arguments form the message. Exit code 0, or 2 without text. */
export function runNluCommand(args: string[], out: CommandOutput): number {
  if (args.length === 1 && (args[0] === '--help' || args[0] === '-h')) {
    out.stdout(USAGE);
    return 0;
  }
  const text = args.join(' ').trim();
  if (text === '') {
    out.stderr(USAGE);
    return 2;
  }
  out.stdout(`${JSON.stringify(understand(text))}\n`);
  return 0;
}
