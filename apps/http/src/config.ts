import {
  envInt,
  envText,
  parseEnv,
  sharedConfig,
  sharedVariables,
  type SharedConfig,
} from '@signup/adapters';
import { z } from 'zod';

/** The server's configuration: the shared settings plus the HTTP-only ones. */
export interface Config extends SharedConfig {
  readonly port: number;
  readonly host: string;
  /** Requests per client IP per minute on the POST endpoints; 0 turns rate limiting off. */
  readonly rateLimitPerMinute: number;
  /** Express trust-proxy setting: boolean, hop count, or a list of addresses/subnets. */
  readonly trustProxy: boolean | number | string | undefined;
  readonly shutdownTimeoutSeconds: number;
}

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

const httpVariables = {
  PORT: envInt(0, 65_535, 8000),
  HOST: envText('a host name or IP address', '127.0.0.1'),
  ...sharedVariables,
  RATE_LIMIT_PER_MINUTE: envInt(0, 1_000_000, 60),
  TRUST_PROXY: trustProxy.optional(),
  SHUTDOWN_TIMEOUT_SECONDS: envInt(1, 600, 10),
};

/**
 * Parses the environment once at start-up. A bad value throws one ConfigError
 * naming every bad variable, shared or HTTP-only, and what it expects.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const e = parseEnv(httpVariables, env);
  return {
    ...sharedConfig(e),
    port: e.PORT,
    host: e.HOST,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    trustProxy: e.TRUST_PROXY,
    shutdownTimeoutSeconds: e.SHUTDOWN_TIMEOUT_SECONDS,
  };
}
