import { z } from 'zod';
import type { ActivationPolicy } from '@signup/domain';

/** The whole configuration, parsed once at start-up; nothing else reads process.env. */
export interface Config {
  readonly port: number;
  readonly host: string;
  /** Unset: the embedded PostgreSQL (PGlite) in `dataDir`. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly databasePoolMax: number;
  /** Unset: the console transport writes each email to the log. */
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  readonly activation: ActivationPolicy;
  readonly bcryptCost: number;
  /** 0 turns rate limiting off. */
  readonly rateLimitPerMinute: number;
  /** Express trust-proxy setting: boolean, hop count, or a list of addresses/subnets. */
  readonly trustProxy: boolean | number | string | undefined;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly shutdownTimeoutSeconds: number;
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

const int = (min: number, max: number, fallback: number) =>
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

const nonEmpty = (what: string) =>
  z
    .string()
    .trim()
    .min(1, { error: `must be ${what}` });

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

const trustProxy = z
  .string()
  .trim()
  .min(1, { error: 'must be true, false, a hop count, or addresses/subnets' })
  .transform((value): boolean | number | string => {
    if (value === 'true') return true;
    if (value === 'false') return false;
    if (/^\d+$/.test(value)) return Number(value);
    return value;
  });

const envSchema = z.object({
  PORT: int(0, 65_535, 8000),
  HOST: nonEmpty('a host name or IP address')
    .optional()
    .transform((v) => v ?? '127.0.0.1'),
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  DATA_DIR: nonEmpty('a directory path')
    .optional()
    .transform((v) => v ?? './.data'),
  DATABASE_POOL_MAX: int(1, 1000, 10),
  SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  MAIL_FROM: nonEmpty('a sender such as "signup <no-reply@example.com>"')
    .refine((v) => /@/.test(v) && !/[\r\n]/.test(v), {
      error: 'must be a sender such as "signup <no-reply@example.com>"',
    })
    .optional()
    .transform((v) => v ?? 'signup <no-reply@localhost>'),
  ACTIVATION_CODE_TTL_SECONDS: int(1, 86_400, 60),
  ACTIVATION_MAX_ATTEMPTS: int(1, 1000, 5),
  ACTIVATION_RESEND_COOLDOWN_SECONDS: int(0, 86_400, 30),
  BCRYPT_COST: int(4, 15, 12),
  RATE_LIMIT_PER_MINUTE: int(0, 1_000_000, 60),
  TRUST_PROXY: trustProxy.optional(),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .optional()
    .transform((v) => v ?? 'info'),
  SHUTDOWN_TIMEOUT_SECONDS: int(1, 600, 10),
});

/** The variables the service reads, for docs and error messages. */
export const CONFIG_VARIABLES = Object.keys(envSchema.shape);

/**
 * Parses the environment into a Config. Empty strings count as unset. A bad
 * value throws one ConfigError naming every bad variable and what it expects.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const relevant: Record<string, string> = {};
  for (const name of CONFIG_VARIABLES) {
    const value = env[name];
    if (value !== undefined && value !== '') relevant[name] = value;
  }
  const parsed = envSchema.safeParse(relevant);
  if (!parsed.success) {
    const seen = new Set<string>();
    const issues: ConfigIssue[] = [];
    for (const issue of parsed.error.issues) {
      const variable = String(issue.path[0] ?? 'environment');
      if (seen.has(variable)) continue;
      seen.add(variable);
      issues.push({ variable, expected: issue.message });
    }
    throw new ConfigError(issues);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    databasePoolMax: e.DATABASE_POOL_MAX,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    activation: {
      codeTtlSeconds: e.ACTIVATION_CODE_TTL_SECONDS,
      maxAttempts: e.ACTIVATION_MAX_ATTEMPTS,
      resendCooldownSeconds: e.ACTIVATION_RESEND_COOLDOWN_SECONDS,
    },
    bcryptCost: e.BCRYPT_COST,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    trustProxy: e.TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    shutdownTimeoutSeconds: e.SHUTDOWN_TIMEOUT_SECONDS,
  };
}

/** The config with secrets masked, for a start-up log line. */
export function describeConfig(config: Config): Record<string, unknown> {
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
  return { ...config, databaseUrl: mask(config.databaseUrl), smtpUrl: mask(config.smtpUrl) };
}
