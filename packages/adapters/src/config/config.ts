import { z } from 'zod';
import { defaultActivationPolicy, SECRET_MIN_BYTES, type ActivationPolicy } from '@signup/domain';

/*
 * The one environment parser. This module reads the variables every app
 * shares (database, mail, activation policy, bcrypt cost, log level); each
 * app adds its own variables to `sharedVariables` and parses them all with
 * `parseEnv` in one go, so one ConfigError names every bad variable.
 * Nothing else reads process.env.
 */

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['pretty', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Which database: PostgreSQL at `databaseUrl`, else the embedded PGlite in `dataDir`. */
export interface DatabaseSettings {
  /** Unset: the embedded PostgreSQL (PGlite) in `dataDir`. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly poolMax: number;
}

/** Which mail transport: SMTP at `smtpUrl`, else the console. */
export interface MailSettings {
  /** Unset: the console transport writes each email to the log. */
  readonly smtpUrl: string | undefined;
  readonly from: string;
}

/**
 * The server secret (`SIGNUP_SECRET`) that keys stored codes and mailboxes and
 * seals outbox codes. Unset on the embedded database: generated into DATA_DIR.
 */
export interface SecretSettings {
  readonly current: string | undefined;
  /** `SIGNUP_SECRET_PREVIOUS`: still accepted for reading during a rotation. */
  readonly previous: string | undefined;
}

/** The password hasher: its work factor and how many jobs may wait for a thread. */
export interface BcryptSettings {
  readonly cost: number;
  /** Threads of libuv's pool, where bcrypt runs (`UV_THREADPOOL_SIZE`, default 4). */
  readonly threads: number;
  /** `MAX_PENDING_HASHES`: jobs allowed to wait; default 16 per thread. */
  readonly maxPendingHashes: number;
}

/** Default MAX_PENDING_HASHES: this many waiting jobs per hashing thread. */
export const PENDING_HASHES_PER_THREAD = 16;

/** The settings every app shares, each group shaped for the adapter it configures. */
export interface SharedConfig {
  readonly database: DatabaseSettings;
  readonly secret: SecretSettings;
  readonly mail: MailSettings;
  readonly bcrypt: BcryptSettings;
  readonly activation: ActivationPolicy;
  readonly logLevel: LogLevel;
  /** `pretty` readable lines, `json` one JSON object a line; unset: pretty on a terminal. */
  readonly logFormat: LogFormat | undefined;
}

/** One bad variable and what it expects. */
export interface ConfigIssue {
  readonly variable: string;
  readonly expected: string;
}

export class ConfigError extends Error {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(`Invalid configuration: ${issues.map((i) => `${i.variable} ${i.expected}`).join('; ')}`);
  }
}

/** A whole number from `min` to `max`, `fallback` when unset. */
export const envInt = (min: number, max: number, fallback: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, { error: `must be a whole number from ${min} to ${max}` })
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(min, { error: `must be from ${min} to ${max}` })
        .max(max, { error: `must be from ${min} to ${max}` }),
    )
    .optional()
    .transform((v) => v ?? fallback);

/** Non-blank text, `fallback` when unset. */
export const envText = (what: string, fallback: string) =>
  z
    .string()
    .trim()
    .min(1, { error: `must be ${what}` })
    .optional()
    .transform((v) => v ?? fallback);

/** A pino level, `fallback` when unset. */
export const envLogLevel = (fallback: LogLevel) =>
  z
    .enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` })
    .optional()
    .transform((v) => v ?? fallback);

const url = (protocols: readonly string[]) =>
  z
    .string()
    .trim()
    .refine(
      (value) => {
        try {
          return protocols.includes(new URL(value).protocol);
        } catch {
          return false;
        }
      },
      { error: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
    );

const sender = 'a sender such as "signup <no-reply@example.com>"';

/** A signup secret is at least this many bytes (the keyring's rule; `openssl rand -hex 32` makes 64). */
export const SIGNUP_SECRET_MIN_BYTES = SECRET_MIN_BYTES;
const MAKE_SECRET = 'make one with `openssl rand -hex 32`';

const secretText = z
  .string()
  .refine((v) => Buffer.byteLength(v, 'utf8') >= SIGNUP_SECRET_MIN_BYTES, {
    error: `must be at least ${SIGNUP_SECRET_MIN_BYTES} bytes; ${MAKE_SECRET}`,
  })
  .optional();

/** An optional whole number from `min` to `max`; null when unset. */
const envOptionalInt = (min: number, max: number) =>
  envInt(min, max, 0)
    .transform((v) => v || null)
    .optional();
const policy = defaultActivationPolicy;

/** The variables every app reads, with their rules and defaults. */
export const sharedVariables = {
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  DATA_DIR: envText('a directory path', './.data'),
  DATABASE_POOL_MAX: envInt(1, 1000, 10),
  SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  MAIL_FROM: z
    .string()
    .trim()
    .min(1, { error: `must be ${sender}` })
    .refine((v) => /@/.test(v) && !/[\r\n]/.test(v), { error: `must be ${sender}` })
    .optional()
    .transform((v) => v ?? 'signup <no-reply@localhost>'),
  ACTIVATION_CODE_TTL_SECONDS: envInt(1, 86_400, policy.codeTtlSeconds),
  ACTIVATION_MAX_ATTEMPTS: envInt(1, 1000, policy.maxAttempts),
  ACTIVATION_RESEND_COOLDOWN_SECONDS: envInt(0, 86_400, policy.resendCooldownSeconds),
  ACTIVATION_LOCKOUT_SECONDS: envInt(1, 31_536_000, policy.lockoutSeconds),
  ACTIVATION_LOCKOUT_MAX_SECONDS: envOptionalInt(1, 3_153_600_000),
  MAIL_PER_ADDRESS_PER_DAY: envInt(1, 1_000_000, policy.mailPerMailboxPerDay),
  PASSWORD_FAILURES_PER_15_MINUTES: envInt(1, 1_000_000, policy.passwordFailuresPer15Minutes),
  SIGNUP_SECRET: secretText,
  SIGNUP_SECRET_PREVIOUS: secretText,
  BCRYPT_COST: envInt(4, 15, 12),
  // Read here, once: libuv's own variable, the number of threads bcrypt runs on.
  UV_THREADPOOL_SIZE: envInt(1, 1024, 4),
  MAX_PENDING_HASHES: envOptionalInt(1, 1_000_000),
  LOG_LEVEL: envLogLevel('info'),
  LOG_FORMAT: z.enum(LOG_FORMATS, { error: `must be one of ${LOG_FORMATS.join(', ')}` }).optional(),
};

type Variables = Record<string, z.ZodType<unknown, string | undefined>>;
type Parsed<V extends Variables> = { [K in keyof V]: z.output<V[K]> };

/**
 * Parses `variables` out of the environment. Empty strings count as unset. A
 * bad value throws one ConfigError naming every bad variable and what it expects.
 */
export function parseEnv<V extends Variables>(
  variables: V,
  env: Readonly<Record<string, string | undefined>>,
): Parsed<V> {
  const relevant: Record<string, string> = {};
  for (const name of Object.keys(variables)) {
    const value = env[name];
    if (value !== undefined && value !== '') relevant[name] = value;
  }
  const parsed = z.object(variables).safeParse(relevant);
  const seen = new Set<string>();
  const issues: ConfigIssue[] = [];
  for (const issue of parsed.success ? [] : parsed.error.issues) {
    const variable = String(issue.path[0] ?? 'environment');
    if (seen.has(variable)) continue;
    seen.add(variable);
    issues.push({ variable, expected: issue.message });
  }
  // PostgreSQL is shared by instances that must agree on one secret, so it is never generated there.
  if ('SIGNUP_SECRET' in variables && relevant.DATABASE_URL && !relevant.SIGNUP_SECRET) {
    issues.push({
      variable: 'SIGNUP_SECRET',
      expected: `is required with DATABASE_URL (at least ${SIGNUP_SECRET_MIN_BYTES} bytes; ${MAKE_SECRET})`,
    });
  }
  if (issues.length > 0 || !parsed.success) throw new ConfigError(issues);
  return parsed.data as Parsed<V>;
}

/** The shared part of a parsed environment, grouped per adapter. */
export function sharedConfig(e: Parsed<typeof sharedVariables>): SharedConfig {
  return {
    database: { databaseUrl: e.DATABASE_URL, dataDir: e.DATA_DIR, poolMax: e.DATABASE_POOL_MAX },
    secret: { current: e.SIGNUP_SECRET, previous: e.SIGNUP_SECRET_PREVIOUS },
    mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM },
    bcrypt: {
      cost: e.BCRYPT_COST,
      threads: e.UV_THREADPOOL_SIZE,
      maxPendingHashes: e.MAX_PENDING_HASHES ?? PENDING_HASHES_PER_THREAD * e.UV_THREADPOOL_SIZE,
    },
    activation: {
      ...defaultActivationPolicy,
      codeTtlSeconds: e.ACTIVATION_CODE_TTL_SECONDS,
      maxAttempts: e.ACTIVATION_MAX_ATTEMPTS,
      resendCooldownSeconds: e.ACTIVATION_RESEND_COOLDOWN_SECONDS,
      lockoutSeconds: e.ACTIVATION_LOCKOUT_SECONDS,
      lockoutMaxSeconds: e.ACTIVATION_LOCKOUT_MAX_SECONDS ?? null,
      mailPerMailboxPerDay: e.MAIL_PER_ADDRESS_PER_DAY,
      passwordFailuresPer15Minutes: e.PASSWORD_FAILURES_PER_15_MINUTES,
    },
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
  };
}

/** Only the shared settings (for a host that adds no variables of its own). */
export function loadSharedConfig(env: Readonly<Record<string, string | undefined>>): SharedConfig {
  return sharedConfig(parseEnv(sharedVariables, env));
}

/** The config with secrets masked, for a start-up log line. */
export function describeConfig<C extends SharedConfig>(config: C): C {
  const mask = (value: string | undefined) => {
    if (!value) return value;
    try {
      const u = new URL(value);
      if (u.password) u.password = '***';
      return u.toString();
    } catch {
      return '***';
    }
  };
  const hidden = (value: string | undefined) => (value ? '***' : value);
  return {
    ...config,
    secret: { current: hidden(config.secret.current), previous: hidden(config.secret.previous) },
    database: { ...config.database, databaseUrl: mask(config.database.databaseUrl) },
    mail: { ...config.mail, smtpUrl: mask(config.mail.smtpUrl) },
  };
}
