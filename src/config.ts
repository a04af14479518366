import { z } from 'zod';

/** A boolean variable written as true/false, 1/0, yes/no, on/off. */
const flag = z.stringbool({ truthy: ['true', '1', 'yes', 'on'], falsy: ['false', '0', 'no', 'off'] });
const optionalUrl = z.url().optional();
const seconds = z.coerce.number().int().positive();

/**
 * Every environment variable Hoso reads. `.env.example` documents each one; a test keeps the two in step.
 */
export const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: optionalUrl,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().min(1).default('.data'),
  REDIS_URL: optionalUrl,
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[a-z0-9:_-]*$/i)
    .default('hoso:'),
  SESSION_TTL_SECONDS: seconds.default(60 * 60 * 24 * 30),
  DEFAULT_LANG: z.enum(['vi', 'en']).default('vi'),
  DATA_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  TELEGRAM_BOT_TOKEN: z
    .string()
    .regex(/^\d+:[\w-]{20,}$/, 'expected a Bot API token such as 123456:ABC-DEF…')
    .optional(),
  TELEGRAM_WEBHOOK_URL: optionalUrl,
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,256}$/, '16 to 256 characters: letters, digits, _ and -')
    .optional(),
  TELEGRAM_API_ROOT: z.url().default('https://api.telegram.org'),
  TELEGRAM_THROTTLE: flag.default(true),

  // --- Requests: jobs, agency, health records, payments (issue 5) ---
  JOBS_WORKERS: flag.default(true),
  JOBS_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(6),
  JOBS_BACKOFF_MS: z.coerce.number().int().min(10).max(3_600_000).default(2000),
  AGENCY_API_URL: optionalUrl,
  AGENCY_API_TOKEN: z.string().min(1).optional(),
  AGENCY_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  AGENCY_SIM_DELAY_SECONDS: z.coerce.number().min(0).default(20),
  AGENCY_POLL_SECONDS: z.coerce.number().positive().default(5),
  HEALTH_API_URL: optionalUrl,
  HEALTH_API_TOKEN: z.string().min(1).optional(),
  PAYMENT_CALLBACK_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  PAYMENT_CALLBACK_TOLERANCE_SECONDS: z.coerce.number().int().min(30).max(3600).default(300),
  VIETQR_BANK_BIN: z
    .string()
    .regex(/^\d{6}$/, "the bank's six-digit NAPAS BIN")
    .default('970436'),
  VIETQR_ACCOUNT: z
    .string()
    .regex(/^[0-9A-Za-z]{1,19}$/, '1 to 19 letters or digits')
    .default('0011000000000'),
  VIETQR_ACCOUNT_NAME: z.string().min(1).max(50).optional(),
});

export type Env = z.infer<typeof EnvSchema>;

export interface Config extends Env {
  /** The base URL that citizens' links point to. */
  publicUrl: string;
  production: boolean;
}

export class ConfigError extends Error {
  readonly code = 'HOSO_ERR_CONFIG';
  constructor(readonly problems: string[]) {
    super(`Configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and checks the environment once; a bad value stops start-up with a message naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`),
    );
  }
  const values = parsed.data;
  const production = values.NODE_ENV === 'production';
  const problems: string[] = [];
  if (production && !values.REDIS_URL) {
    problems.push('REDIS_URL: production refuses the in-memory store, which loses every session on restart');
  }
  if (values.TELEGRAM_WEBHOOK_URL && !values.TELEGRAM_WEBHOOK_SECRET) {
    problems.push('TELEGRAM_WEBHOOK_SECRET: required when TELEGRAM_WEBHOOK_URL is set');
  }
  if (values.TELEGRAM_WEBHOOK_URL && !values.TELEGRAM_BOT_TOKEN) {
    problems.push('TELEGRAM_BOT_TOKEN: required when TELEGRAM_WEBHOOK_URL is set');
  }
  if (production && !values.PUBLIC_URL) {
    problems.push('PUBLIC_URL: production needs the public address that links in messages point to');
  }
  // Issue 5: the embedded back office and health books are fictional, and the dev "mark as paid" is off.
  if (production && !values.AGENCY_API_URL) {
    problems.push(
      'AGENCY_API_URL: production refuses the simulated back office, which issues fictional results',
    );
  }
  if (production && !values.HEALTH_API_URL) {
    problems.push('HEALTH_API_URL: production refuses the fictional e-health books');
  }
  if (production && !values.PAYMENT_CALLBACK_SECRET) {
    problems.push("PAYMENT_CALLBACK_SECRET: production needs the payment gateway's signing secret");
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const publicUrl = (values.PUBLIC_URL ?? `http://${values.HOST}:${values.PORT}`).replace(/\/$/, '');
  return { ...values, publicUrl, production };
}
