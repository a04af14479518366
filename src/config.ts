import { isIP } from 'node:net';
import { z } from 'zod';
import { parseApiKeys } from './rules/api-keys.ts';
import { OfficeHoursError, parseOfficeHours } from './support/office-hours.ts';

/** A boolean variable written as true/false, 1/0, yes/no, on/off. */
const flag = z.stringbool({ truthy: ['true', '1', 'yes', 'on'], falsy: ['false', '0', 'no', 'off'] });
const optionalUrl = z.url().optional();
const seconds = z.coerce.number().int().positive();
/** 32 random bytes in base64 (checked here too, so every configuration problem is reported at once). */
const isDataKey = (v: string) => /^[A-Za-z0-9+/_-]+={0,2}$/.test(v) && Buffer.from(v, 'base64').length === 32;
const dataKey = z
  .string()
  .refine(
    isDataKey,
    "32 random bytes in base64 (node -e \"console.log(require('node:crypto').randomBytes(32).toString('base64'))\")",
  );

/**
 * Every environment variable Hoso reads. `.env.example` documents each one; a test keeps the two in step.
 */
export const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: optionalUrl,
  /**
   * Behind a reverse proxy every client would otherwise share the proxy's address and so one set of per-address
   * limits. A hop count (`1`: the nearest proxy) or a comma-separated list of proxy addresses/CIDRs; unset trusts
   * no X-Forwarded-For at all, so a client cannot forge its address.
   */
  TRUST_PROXY: z
    .string()
    .trim()
    .optional()
    .transform((v, ctx): false | number | string => {
      if (!v) return false;
      if (/^\d+$/.test(v)) return Number(v);
      const entries = v.split(',').map((e) => e.trim());
      const bad = entries.find((e) => {
        const [addr, bits, extra] = e.split('/');
        if (extra !== undefined || !addr || isIP(addr) === 0) return true;
        if (bits === undefined) return false;
        return !/^\d+$/.test(bits) || Number(bits) > (isIP(addr) === 4 ? 32 : 128);
      });
      if (bad !== undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `expected a hop count or a comma-separated list of proxy addresses or CIDRs, got "${bad}"`,
        });
        return z.NEVER;
      }
      return entries.join(',');
    }),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().min(1).default('.data'),
  DATABASE_URL: z
    .string()
    .regex(
      /^postgres(ql)?:\/\/\S+$/,
      'expected a PostgreSQL connection string such as postgresql://user:pass@host:5432/hoso',
    )
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
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

  // --- Zalo Official Account ---
  ZALO_APP_ID: z
    .string()
    .regex(/^\d{5,32}$/, 'expected the numeric app id from the Zalo developer console')
    .optional(),
  ZALO_APP_SECRET: z.string().min(8).max(128).optional(),
  ZALO_OA_SECRET_KEY: z.string().min(8).max(128).optional(),
  ZALO_REFRESH_TOKEN: z.string().min(8).max(1024).optional(),
  ZALO_API_ROOT: z.url().default('https://openapi.zalo.me'),
  ZALO_OAUTH_ROOT: z.url().default('https://oauth.zaloapp.com'),
  ZALO_ZNS_API_ROOT: z.url().default('https://business.openapi.zalo.me'),
  ZALO_ZNS_TEMPLATE_ID: z.string().min(1).max(64).optional(),
  ZALO_WINDOW_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(48),
  ZALO_WEBHOOK_TOLERANCE_SECONDS: seconds.default(300),

  // --- Identity and personal data ---
  HOSO_DATA_KEY: dataKey.optional(),
  HOSO_DATA_KEY_PREVIOUS: z
    .string()
    .refine(
      (v) => v.split(',').every((k) => isDataKey(k.trim())),
      'comma-separated keys, each 32 bytes in base64',
    )
    .optional(),
  POPULATION_REGISTRY_URL: optionalUrl,
  POPULATION_REGISTRY_TOKEN: z.string().min(1).optional(),
  SMS_GATEWAY_URL: optionalUrl,
  SMS_GATEWAY_TOKEN: z.string().min(1).optional(),
  SMS_SENDER_NAME: z.string().min(1).max(11).optional(),
  IDENTITY_FRESH_LINK_MINUTES: z.coerce.number().int().min(1).max(43_200).default(30),
  IDENTITY_LOOKUPS_PER_ACCOUNT_PER_HOUR: z.coerce.number().int().min(1).max(1000).default(10),
  IDENTITY_LOOKUPS_PER_ID_PER_HOUR: z.coerce.number().int().min(1).max(1000).default(5),
  OIDC_ISSUER_URL: optionalUrl,
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_SCOPE: z.string().min(1).default('openid'),
  OIDC_ID_CLAIM: z.string().min(1).default('citizen_id'),
  OIDC_LEVEL_CLAIM: z.string().min(1).default('acr'),
  OIDC_PROVIDER_NAME: z.string().min(1).max(40).default('VNeID'),
  PRIVACY_COMPLETE_WITHIN_DAYS: z.coerce.number().int().min(1).max(30).default(15),
  PRIVACY_KEEP_CONSENT_RECORDS_DAYS: z.coerce.number().int().min(1).max(3650).default(1825),
  PRIVACY_KEEP_ERASURE_RECEIPTS_DAYS: z.coerce.number().int().min(1).max(3650).default(1825),
  PRIVACY_KEEP_PAYMENT_RECORDS_DAYS: z.coerce.number().int().min(1).max(7300).default(3650),

  // --- Support staff (src/support) ---
  STAFF_FIRST_RESPONSE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(15),
  STAFF_MINUTES_PER_TICKET: z.coerce.number().int().min(1).max(240).default(5),
  STAFF_OFFICE_HOURS: z
    .string()
    .default('mon-fri 08:00-17:00')
    .superRefine((spec, ctx) => {
      try {
        parseOfficeHours(spec);
      } catch (err) {
        if (!(err instanceof OfficeHoursError)) throw err;
        ctx.addIssue({ code: 'custom', message: err.message });
      }
    }),
  STAFF_HOLIDAYS_FILE: z.string().min(1).default('src/support/data/holidays-vn.json'),
  STAFF_SESSION_TTL_SECONDS: seconds.default(8 * 60 * 60),
  STAFF_LOGIN_LIMIT_PER_IP: z.coerce.number().int().min(1).default(20),
  STAFF_LOGIN_LIMIT_PER_USER: z.coerce.number().int().min(1).default(5),
  /** Messages one conversation may send per minute before it is asked to slow down. */
  CONVERSATION_MESSAGES_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  // --- Rules ---
  RULES_DIR: z.string().min(1).default('rules'),
  RULES_API_KEYS: z.string().optional(),
  RULES_POLL_SECONDS: z.coerce.number().int().min(0).default(30),
  // --- Requests: jobs, agency, health records, payments ---
  JOBS_WORKERS: flag.default(true),
  // Operations: how long a stop (SIGTERM) waits for turns in flight before closing.
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).max(600).default(10),
  // /metrics on the public server only with a bearer token; or alone on an internal port (hoso worker too).
  METRICS_TOKEN: z.string().min(16).optional(),
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  METRICS_HOST: z.string().default('127.0.0.1'),
  JOBS_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(6),
  JOBS_BACKOFF_MS: z.coerce.number().int().min(10).max(3_600_000).default(2000),
  // A request whose job went missing (a process died between recording a step and queueing its job, or Redis
  // lost it) is queued again from the records once it is this late; longer than a job's retries take.
  REQUESTS_SWEEP_GRACE_SECONDS: z.coerce.number().int().min(5).max(86_400).default(900),
  REQUESTS_SWEEP_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  // A job held by a worker that died (kill -9, lost host) is taken over by another after about this long.
  JOBS_LOCK_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
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
  // The holder's name is printed in the payment message: a citizen typing the transfer by hand checks it.
  VIETQR_ACCOUNT_NAME: z.string().min(1).max(50).default('HOSO THU HO LE PHI'),
  UPLOAD_MAX_MB: z.coerce.number().int().min(1).max(50).default(10),
  // --- Signed extracts ---
  SIGNING_P12_PATH: z.string().min(1).optional(),
  SIGNING_P12_PASSPHRASE: z.string().optional(),
  SIGNING_TRUST_ANCHORS: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    )
    .optional(),
  HOSO_KEYS_DIR: z.string().min(1).optional(),
  VERIFY_LINK_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  VERIFY_UPLOAD_MAX_KB: z.coerce.number().int().min(64).max(51_200).default(5120),
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
  if (production && !values.DATABASE_URL) {
    problems.push(
      'DATABASE_URL: production keeps its records in PostgreSQL, not in the embedded database of one machine',
    );
  }
  if (production && !values.REDIS_URL) {
    problems.push('REDIS_URL: production refuses the in-memory store, which loses every session on restart');
  }
  if (values.TELEGRAM_WEBHOOK_URL && !values.TELEGRAM_WEBHOOK_SECRET) {
    problems.push('TELEGRAM_WEBHOOK_SECRET: required when TELEGRAM_WEBHOOK_URL is set');
  }
  if (values.TELEGRAM_WEBHOOK_URL && !values.TELEGRAM_BOT_TOKEN) {
    problems.push('TELEGRAM_BOT_TOKEN: required when TELEGRAM_WEBHOOK_URL is set');
  }
  const zaloKeys = ['ZALO_APP_ID', 'ZALO_APP_SECRET', 'ZALO_OA_SECRET_KEY', 'ZALO_REFRESH_TOKEN'] as const;
  if (zaloKeys.some((k) => values[k]) && !zaloKeys.every((k) => values[k])) {
    problems.push(
      `${zaloKeys.filter((k) => !values[k]).join(', ')}: the Zalo channel needs all four of ${zaloKeys.join(', ')}`,
    );
  }
  if (production && !values.PUBLIC_URL) {
    problems.push('PUBLIC_URL: production needs the public address that links in messages point to');
  }
  // Over plain http the staff cookie loses Secure and links carry citizens' data unencrypted.
  if (production && values.PUBLIC_URL?.startsWith('http:')) {
    problems.push('PUBLIC_URL: production needs an https address, never http://');
  }
  // --- Identity and personal data ---
  if (production && !values.HOSO_DATA_KEY) {
    problems.push(
      'HOSO_DATA_KEY: production encrypts personal data with a configured key, never a development one',
    );
  }
  if (production && !values.POPULATION_REGISTRY_URL) {
    problems.push('POPULATION_REGISTRY_URL: production refuses the embedded registry of fictional people');
  }
  if (production && !values.SMS_GATEWAY_URL) {
    problems.push('SMS_GATEWAY_URL: production refuses the dev outbox, which sends no text message');
  }
  if (values.OIDC_ISSUER_URL && !values.OIDC_CLIENT_ID) {
    problems.push('OIDC_CLIENT_ID: required when OIDC_ISSUER_URL is set');
  }
  if (production && values.OIDC_ISSUER_URL?.startsWith('http:')) {
    problems.push('OIDC_ISSUER_URL: production needs an https issuer');
  }
  // --- Rules: a malformed key list stops start-up rather than locking agencies out silently.
  try {
    parseApiKeys(values.RULES_API_KEYS);
  } catch (err) {
    problems.push((err as Error).message);
  }
  // The embedded back office and health books are fictional, and the dev "mark as paid" is off.
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
  // A generated development key makes every extract a test copy; createApp also refuses a PKCS#12
  // that turns out to hold the development certificate.
  if (production && !values.SIGNING_P12_PATH) {
    problems.push(
      "SIGNING_P12_PATH: production signs extracts with the agency's PKCS#12, never the generated development key",
    );
  }
  if (production && !values.SIGNING_TRUST_ANCHORS?.length) {
    problems.push(
      'SIGNING_TRUST_ANCHORS: production checks extracts against configured trust anchors (PEM files)',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const publicUrl = (values.PUBLIC_URL ?? `http://${values.HOST}:${values.PORT}`).replace(/\/$/, '');
  return { ...values, publicUrl, production };
}
