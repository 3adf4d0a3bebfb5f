/** The tunable rules of activation, from configuration. */
export interface ActivationPolicy {
  /** Lifetime of a code in seconds (contract default 60). */
  readonly codeTtlSeconds: number;
  /** Wrong codes before the code is burned (contract default 5). */
  readonly maxAttempts: number;
  /** Minimum seconds between two codes for one account (contract default 30). */
  readonly resendCooldownSeconds: number;
}

export const defaultActivationPolicy: ActivationPolicy = {
  codeTtlSeconds: 60,
  maxAttempts: 5,
  resendCooldownSeconds: 30,
};
