import { isIP } from 'node:net';
import {
  ConfigError,
  envInt,
  envText,
  parseEnv,
  sharedConfig,
  sharedVariables,
  type ConfigIssue,
  type SharedConfig,
} from '@signup/adapters';
import { z } from 'zod';

/** The server's configuration: the shared settings plus the HTTP-only ones. */
export interface Config extends SharedConfig {
  readonly port: number;
  readonly host: string;
  /** Requests per client IP per minute on the POST endpoints; 0 turns rate limiting off. */
  readonly rateLimitPerMinute: number;
  /**
   * Express trust-proxy setting: a hop count, or the proxies' addresses/subnets
   * (comma-separated); unset trusts none. Never `true`.
   */
  readonly trustProxy: number | string | undefined;
  readonly shutdownTimeoutSeconds: number;
}

const TRUST_PROXY_FORMS =
  "a hop count (e.g. 1) or the proxies' addresses/subnets, comma-separated (e.g. 10.0.0.0/8,loopback)";
/** The names proxy-addr (express's trust proxy) knows for address ranges. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** An address, a subnet (address/prefix or IPv4 address/netmask) or a range name. */
function isProxyAddress(entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [address = '', mask, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (mask === undefined) return true;
  if (/^\d+$/.test(mask)) return Number(mask) <= (family === 4 ? 32 : 128);
  return family === 4 && isIP(mask) === 4;
}

const trustProxy = z
  .string()
  .trim()
  .refine((value) => value.toLowerCase() !== 'true', {
    error: `must not be true: that trusts every X-Forwarded-For, so any client could choose its own IP (and its own rate-limit budget); give ${TRUST_PROXY_FORMS}`,
  })
  .transform((value, ctx): number | string => {
    if (value === 'false') return 0;
    if (/^\d+$/.test(value)) return Number(value);
    const entries = value.split(',').map((entry) => entry.trim());
    if (entries.length === 0 || !entries.every(isProxyAddress)) {
      ctx.addIssue({ code: 'custom', message: `must be ${TRUST_PROXY_FORMS}` });
      return z.NEVER;
    }
    return entries.join(',');
  });

/**
 * `MAIL_TRANSPORT=console` says on purpose that mail goes to the log. In
 * production (NODE_ENV=production) without SMTP_URL the server refuses to
 * start unless it is set: the activation codes would reach only the log.
 */
const mailTransport = z.enum(['console'], {
  error: 'must be console (mail written to the log, on purpose) or unset',
});

const httpVariables = {
  PORT: envInt(0, 65_535, 8000),
  HOST: envText('a host name or IP address', '127.0.0.1'),
  ...sharedVariables,
  RATE_LIMIT_PER_MINUTE: envInt(0, 1_000_000, 60),
  TRUST_PROXY: trustProxy.optional(),
  MAIL_TRANSPORT: mailTransport.optional(),
  NODE_ENV: z.string().optional(),
  SHUTDOWN_TIMEOUT_SECONDS: envInt(1, 600, 10),
};

/**
 * Parses the environment once at start-up. A bad value throws one ConfigError
 * naming every bad variable, shared or HTTP-only, and what it expects.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const mail = mailTransportIssues(env);
  let e;
  try {
    e = parseEnv(httpVariables, env);
  } catch (error) {
    if (error instanceof ConfigError && mail.length > 0)
      throw new ConfigError([...error.issues, ...mail]);
    throw error;
  }
  if (mail.length > 0) throw new ConfigError(mail);
  return {
    ...sharedConfig(e),
    port: e.PORT,
    host: e.HOST,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    trustProxy: e.TRUST_PROXY,
    shutdownTimeoutSeconds: e.SHUTDOWN_TIMEOUT_SECONDS,
  };
}

/** The production guard on console mail, and MAIL_TRANSPORT=console against an SMTP_URL. */
function mailTransportIssues(env: Readonly<Record<string, string | undefined>>): ConfigIssue[] {
  const smtpUrl = env.SMTP_URL?.trim();
  const transport = env.MAIL_TRANSPORT?.trim();
  if (transport === 'console' && smtpUrl) {
    return [
      {
        variable: 'MAIL_TRANSPORT',
        expected: 'is console, but SMTP_URL is set too: unset one of them',
      },
    ];
  }
  if (env.NODE_ENV?.trim() === 'production' && !smtpUrl && !transport) {
    return [
      {
        variable: 'SMTP_URL',
        expected:
          'is required with NODE_ENV=production: without it activation codes would only reach the log; set MAIL_TRANSPORT=console to mean that on purpose',
      },
    ];
  }
  return [];
}
