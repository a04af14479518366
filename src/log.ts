import { pino } from 'pino';
import { scrubPersonalData } from './privacy/mask.ts';

export type Logger = pino.Logger;

export interface LoggerOptions {
  level?: string;
  /** Where lines go; defaults to stderr so that `hoso … | jq` sees only the command's JSON. */
  destination?: pino.DestinationStream;
}

/**
 * JSON logs with personal data masked in every field, message and child binding: citizen ID numbers and phone
 * numbers never reach a log line in clear, whichever module logged them.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const logger = pino(
    {
      level: options.level ?? 'info',
      base: undefined,
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((a) => (typeof a === 'string' ? scrubPersonalData(a) : a)) as Parameters<typeof method>,
          );
        },
      },
      formatters: {
        log: (object) => scrubValue(object) as Record<string, unknown>,
      },
    },
    options.destination ?? pino.destination(2),
  );
  // A child's bindings (`log.child({ phone })`) are serialised once, apart from each line's fields, and pino
  // applies no formatter to them: scrub them on the way in. Children inherit this method from the root.
  const child = logger.child;
  const setBindings = logger.setBindings;
  logger.child = function scrubbedChild(this: Logger, bindings, childOptions) {
    return child.call(this, scrubValue(bindings) as pino.Bindings, childOptions);
  } as Logger['child'];
  logger.setBindings = function scrubbedBindings(this: Logger, bindings) {
    setBindings.call(this, scrubValue(bindings) as pino.Bindings);
  };
  return logger;
}

function scrubValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubPersonalData(value);
  if (typeof value === 'number') {
    const masked = scrubPersonalData(String(value));
    return masked === String(value) ? value : masked;
  }
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  // formatters.log sees objects before pino's serializers do, so errors are serialised here.
  if (value instanceof Error) return scrubValue(pino.stdSerializers.err(value), depth + 1);
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrubValue(v, depth + 1);
  return out;
}
