/**
 * What the HTTP app needs from the outside world beyond the domain's ports:
 * the adapters' types, plus the narrow health view the probes use.
 */
export type { DispatchEvent, RateLimiter, SmtpStatus } from '@signup/adapters';
import type { DispatchEvent, SmtpStatus } from '@signup/adapters';
import type { ClaimScope } from '@signup/domain';

export interface DatabaseHealth {
  /** Round trip; rejects after timeoutMs; resolves with latency in ms. */
  ping(timeoutMs: number): Promise<number>;
  /** Migrations not applied yet; [] when up to date. */
  pendingMigrations(): Promise<string[]>;
}

export interface SmtpHealth {
  probe(): Promise<SmtpStatus>;
}

/** The outbox dispatcher as the server drives it (start, stop, flush, observe). */
export interface Dispatcher {
  start(): void;
  stop(drainMs?: number): Promise<void>;
  deliverDue(
    scope?: ClaimScope,
    options?: { readonly until?: number },
  ): Promise<{ sent: number; retried: number; dropped: number }>;
  onEvent(listener: (event: DispatchEvent) => void): () => void;
}
