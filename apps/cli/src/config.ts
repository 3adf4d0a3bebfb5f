import {
  envLogLevel,
  parseEnv,
  sharedConfig,
  sharedVariables,
  type SharedConfig,
} from '@signup/adapters';

/** The CLI reads the shared settings only; what differs is a default. */
export type Config = SharedConfig;

const cliVariables = {
  ...sharedVariables,
  // Quieter than the server: the CLI reports failures itself in one line, so
  // only errors are logged unless LOG_LEVEL asks for more.
  LOG_LEVEL: envLogLevel('error'),
};

/** Parses the environment; a bad value throws one ConfigError naming every bad variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  return sharedConfig(parseEnv(cliVariables, env));
}
