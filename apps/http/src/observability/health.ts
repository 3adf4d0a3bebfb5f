import type { Clock, OutboxStats } from '@signup/domain';
import type { SmtpStatus } from '@signup/adapters';
import type { Lifecycle } from './lifecycle.js';
import { timeBoxed } from './time-box.js';

/** Every check answers within this bound, even when a dependency hangs. */
export const CHECK_TIMEOUT_MS = 1000;

export interface HealthReport {
  status: 'ok' | 'degraded' | 'down';
  version: string;
  uptimeSeconds: number;
  checks: {
    database: { status: 'up' | 'down'; latencyMs: number | null };
    smtp: { status: SmtpStatus };
    outbox: { pending: number | null; oldestPendingSeconds: number | null };
  };
}

/** The database as the probes see it. */
export interface DatabaseHealth {
  /** Round trip; rejects after timeoutMs; resolves with latency in ms. */
  ping(timeoutMs: number): Promise<number>;
  /**
   * Migrations not applied yet; [] when up to date. From memory (the start-up
   * migration step set it): a probe reads no file, since file reads queue on
   * libuv's thread pool behind bcrypt under load.
   */
  pendingMigrations(): Promise<string[]>;
}

/** The mail transport as the probes see it. */
export interface SmtpHealth {
  probe(): Promise<SmtpStatus>;
}

export type Readiness = { ready: true } | { ready: false; reason: string };

export interface HealthDeps {
  readonly database: DatabaseHealth;
  readonly smtp: SmtpHealth;
  readonly outboxStats: (now: Date) => Promise<OutboxStats>;
  readonly clock: Clock;
  readonly lifecycle: Lifecycle;
  readonly version: string;
  readonly startedAt: number;
}

const settle = async <T>(promise: Promise<T>): Promise<T | null> => {
  try {
    return await timeBoxed(promise, CHECK_TIMEOUT_MS);
  } catch {
    return null;
  }
};

/** The checks behind /api/v1/health and /readyz, each time-boxed to 1 s, run in parallel. */
export class HealthService {
  constructor(private readonly deps: HealthDeps) {}

  get version(): string {
    return this.deps.version;
  }

  async report(): Promise<HealthReport> {
    const { database, smtp, outboxStats, clock } = this.deps;
    const [latency, smtpStatus, outbox] = await Promise.all([
      settle(database.ping(CHECK_TIMEOUT_MS)),
      settle(smtp.probe()),
      settle(outboxStats(clock.now())),
    ]);
    const databaseUp = latency !== null;
    const smtpState: SmtpStatus = smtpStatus ?? 'down';
    const status = !databaseUp
      ? 'down'
      : smtpState === 'down' || outbox === null
        ? 'degraded'
        : 'ok';
    return {
      status,
      version: this.deps.version,
      uptimeSeconds: Math.floor((Date.now() - this.deps.startedAt) / 1000),
      checks: {
        database: {
          status: databaseUp ? 'up' : 'down',
          latencyMs: databaseUp ? Math.round(latency * 100) / 100 : null,
        },
        smtp: { status: smtpState },
        outbox: {
          pending: outbox?.pending ?? null,
          oldestPendingSeconds: outbox ? Math.floor(outbox.oldestPendingSeconds) : null,
        },
      },
    };
  }

  async readiness(): Promise<Readiness> {
    if (this.deps.lifecycle.shuttingDown)
      return { ready: false, reason: 'The server is shutting down.' };
    const { database } = this.deps;
    if ((await settle(database.ping(CHECK_TIMEOUT_MS))) === null) {
      return { ready: false, reason: 'The database does not answer.' };
    }
    const pending = await settle(database.pendingMigrations());
    if (pending === null) return { ready: false, reason: 'The migration state could not be read.' };
    if (pending.length > 0) {
      return { ready: false, reason: `Database migrations are pending: ${pending.join(', ')}.` };
    }
    return { ready: true };
  }
}
