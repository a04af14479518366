import { Agent } from 'node:http';
import { textUpdate } from '../dev/fake-telegram.ts';
import { type BenchChild, webhookPoster } from './child.ts';
import { type OpenLoopResult, openLoop } from './load.ts';

export const SECRET = 'bench-secret-0123456789abcdef';
export const TOKEN = '123456:BENCH-token-for-the-fake-bot-api';

/** A simulated citizen's conversation, repeated: greeting, consent, help, a question, language back and forth. */
export const SCRIPT = [
  '/start',
  'đồng ý',
  'tro giup',
  'phí làm lý lịch tư pháp bao nhiêu',
  'English please',
  'help',
  'cảm ơn',
  'tiếng việt',
];

/** The statement printed with every turn figure: what the bench leaves out and why. */
export const THROTTLER_NOTE = [
  "Telegram's outgoing-message throttler is OFF in this bench (TELEGRAM_THROTTLE=false). Telegram lets one bot send",
  'about 30 messages a second, so with it on the bench would time the throttler queue, not the turn. 500 turns/s is',
  'therefore not one bot: it stands for the aggregate of many bots and channels (Telegram, Zalo, web chat) that one',
  'Hoso process serves. The webhook path, Redis sessions, dedupe, locks and rate limits are all on.',
];

/** A path under load: a server and the simulated citizens writing to it. */
export interface Path {
  name: string;
  server: BenchChild;
  /** Offers `rate` turns a second for `seconds`; latency from when each turn was due. */
  drive(seconds: number, rate: number): Promise<OpenLoopResult & { sentToBusy: number }>;
  close(): void;
}

/**
 * Simulated citizens on one webhook server. Each offered turn goes to the next citizen in turn with no turn in
 * flight; when every citizen has one in flight it goes to the next anyway (it then waits for that citizen's
 * turn to end, and so does its latency): no offered turn is ever skipped.
 */
export function citizensOn(
  name: string,
  server: BenchChild,
  port: number,
  options: { citizens: number; firstChat: number; firstUpdate?: number },
): Path {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const post = webhookPoster(port, SECRET, agent);
  const step = new Array<number>(options.citizens).fill(0);
  const busy = new Array<number>(options.citizens).fill(0);
  let next = 0;
  // Telegram numbers a bot's updates in increasing order; a server may rely on it.
  let update = options.firstUpdate ?? 1;
  const pick = (): { citizen: number; wasBusy: boolean } => {
    for (let tries = 0; tries < options.citizens; tries++) {
      const c = next;
      next = (next + 1) % options.citizens;
      if (busy[c] === 0) return { citizen: c, wasBusy: false };
    }
    const c = next;
    next = (next + 1) % options.citizens;
    return { citizen: c, wasBusy: true };
  };
  return {
    name,
    server,
    async drive(seconds, rate) {
      let sentToBusy = 0;
      const result = await openLoop({
        rate,
        seconds,
        send: async () => {
          const { citizen, wasBusy } = pick();
          if (wasBusy) sentToBusy++;
          const text = SCRIPT[step[citizen]! % SCRIPT.length]!;
          step[citizen]! += 1;
          busy[citizen]! += 1;
          try {
            await post(JSON.stringify(textUpdate(options.firstChat + citizen, text, update++)));
          } finally {
            busy[citizen]! -= 1;
          }
        },
      });
      return { ...result, sentToBusy };
    },
    close: () => agent.destroy(),
  };
}
