import type {
  ActivationMailer,
  ActivationMessage,
  ClaimScope,
  Clock,
  Keyring,
  Outbox,
} from '@signup/domain';
import { silentLogger, type Logger } from '../logger.js';
import { backoffDelayMs, type BackoffPolicy } from './backoff.js';

export type DispatchEvent = {
  kind: 'sent' | 'retry' | 'dropped';
  messageId: string;
  /** For 'sent': how long the mailer took. */
  latencyMs?: number;
  error?: string;
};

export interface OutboxDispatcherOptions {
  outbox: Outbox;
  mailer: ActivationMailer;
  clock: Clock;
  /** Opens the sealed code of each message just before it is handed to the mailer. */
  keyring: Keyring;
  logger?: Logger;
  /**
   * Subscribes to "a message was queued" (e.g. PgOutbox.onMessageQueued);
   * returns unsubscribe. Without it the dispatcher only polls.
   */
  wake?: (listener: () => void) => () => void;
  batchSize?: number;
  pollIntervalMs?: number;
  leaseSeconds?: number;
  backoff?: BackoffPolicy;
  /**
   * Waits between tries of recording "sent" when the database refuses it
   * (default 250, 500, 1000, 2000, 4000 ms). Tries stop early so they end
   * well inside the lease: a message recorded late is still sent once.
   */
  markSentRetryMs?: readonly number[];
  /** Deletes settled messages once old enough; without it none is deleted. */
  retention?: OutboxRetention;
}

/**
 * Sent and dropped messages are deleted once `keepMs` old: at start and every
 * `everyMs`, in batches of `batchSize` (each one short statement), at most
 * `maxBatches` per round; what is left goes in the next round.
 */
export interface OutboxRetention {
  /** Deletes up to `limit` messages sent or dropped before `before`; resolves with how many. */
  deleteSettledBefore(before: Date, limit: number): Promise<number>;
  /** Default 7 days. */
  keepMs?: number;
  /** Default 10 minutes. */
  everyMs?: number;
  /** Default 1000. */
  batchSize?: number;
  /** Default 10. */
  maxBatches?: number;
}

/** Sent and dropped messages are kept this long, then deleted. */
export const OUTBOX_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

export interface DeliveryCounts {
  sent: number;
  retried: number;
  dropped: number;
}

type Outcome = DispatchEvent['kind'];

/**
 * Delivers the outbox: claims due messages in small batches (a lease, so
 * several dispatchers on one database send each message once), sends each
 * through the mailer, marks it sent (erasing the code) or reschedules it with
 * capped exponential backoff and jitter. A message whose code has expired is
 * dropped, never sent. Wakes at once on a new message, polls as a fallback.
 */
export class OutboxDispatcher {
  private readonly outbox: Outbox;
  private readonly mailer: ActivationMailer;
  private readonly clock: Clock;
  private readonly keyring: Keyring;
  private readonly logger: Logger;
  private readonly wake: ((listener: () => void) => () => void) | undefined;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly leaseMs: number;
  private readonly backoff: BackoffPolicy;
  private readonly markSentRetryMs: readonly number[];
  private readonly listeners = new Set<(event: DispatchEvent) => void>();
  private readonly retention: Required<OutboxRetention> | undefined;

  private started = false;
  private running: Promise<void> | undefined;
  /** Sends handed over straight from their commit (handOff), still in flight. */
  private readonly handedOff = new Set<Promise<void>>();
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private retentionTimer: NodeJS.Timeout | undefined;
  private deleting: Promise<number> | undefined;

  constructor(options: OutboxDispatcherOptions) {
    this.outbox = options.outbox;
    this.mailer = options.mailer;
    this.clock = options.clock;
    this.keyring = options.keyring;
    this.logger = options.logger ?? silentLogger;
    this.wake = options.wake;
    this.batchSize = options.batchSize ?? 10;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.leaseMs = (options.leaseSeconds ?? 60) * 1000;
    this.backoff = options.backoff ?? { baseMs: 500, maxMs: 60_000 };
    this.markSentRetryMs = options.markSentRetryMs ?? [250, 500, 1000, 2000, 4000];
    // Read field by field, never spread: the retention is usually the outbox
    // itself, a class instance whose method a spread would leave behind.
    const retention = options.retention;
    this.retention = retention && {
      deleteSettledBefore: (before, limit) => retention.deleteSettledBefore(before, limit),
      keepMs: retention.keepMs ?? OUTBOX_RETENTION_MS,
      everyMs: retention.everyMs ?? 10 * 60 * 1000,
      batchSize: retention.batchSize ?? 1000,
      maxBatches: retention.maxBatches ?? 10,
    };
  }

  /** Starts delivering in the background: at once, on every wake-up, and every poll interval. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.unsubscribe = this.wake?.(() => this.kick());
    this.timer = setInterval(() => this.kick(), this.pollIntervalMs);
    this.timer.unref();
    this.kick();
    if (this.retention) {
      this.retentionTimer = setInterval(() => void this.deleteSettled(), this.retention.everyMs);
      this.retentionTimer.unref();
      void this.deleteSettled();
    }
  }

  /** Stops claiming and taking hand-overs, then waits up to `drainMs` for the sends in flight to settle. */
  async stop(drainMs = 5000): Promise<void> {
    this.started = false;
    this.again = false;
    clearInterval(this.timer);
    clearInterval(this.retentionTimer);
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    const running = Promise.all([this.running, this.deleting, ...this.handedOff]);
    if (!this.running && !this.deleting && this.handedOff.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, drainMs);
    });
    await Promise.race([running, deadline]);
    clearTimeout(timer);
  }

  /**
   * One pass: claims everything due now within `scope` (every account by
   * default), batch after batch, and settles it. With `until` (a
   * `performance.now()` instant) no batch is claimed after it: what is left
   * stays due for the next pass or the next process.
   */
  async deliverDue(
    scope: ClaimScope = {},
    options: { readonly until?: number } = {},
  ): Promise<DeliveryCounts> {
    const counts: DeliveryCounts = { sent: 0, retried: 0, dropped: 0 };
    const until = options.until ?? Infinity;
    await this.pass(counts, () => performance.now() < until, scope);
    return counts;
  }

  /**
   * One retention round: deletes the messages sent or dropped more than
   * `keepMs` ago, batch after batch (at most `maxBatches`). Resolves with how
   * many; 0 without retention. A failure is logged, never thrown.
   */
  deleteSettled(): Promise<number> {
    const retention = this.retention;
    if (!retention) return Promise.resolve(0);
    this.deleting ??= (async () => {
      let deleted = 0;
      try {
        const before = new Date(this.clock.now().getTime() - retention.keepMs);
        for (let batch = 0; batch < retention.maxBatches; batch += 1) {
          const count = await retention.deleteSettledBefore(before, retention.batchSize);
          deleted += count;
          if (count < retention.batchSize) break;
        }
        if (deleted > 0) {
          this.logger.info(
            { deleted, before: before.toISOString() },
            'outbox: deleted sent and dropped messages past their retention',
          );
        }
      } catch (error) {
        this.logger.warn(
          { deleted, err: (error as Error).message },
          'outbox retention round failed; the next round tries again',
        );
      }
      return deleted;
    })().finally(() => {
      this.deleting = undefined;
    });
    return this.deleting;
  }

  /**
   * The lease of a message this process is about to commit, when this
   * dispatcher will send it itself right after the commit (`handOff`): it
   * runs, and fewer than `batchSize` handed-over sends are in flight. The
   * message is stored leased to it until then, so no other dispatcher claims
   * it and none needs waking: no NOTIFY and no claim, two round trips fewer
   * per registration. If this process dies before marking it sent, the lease
   * runs out and any dispatcher claims it, as after a claim. Null: the
   * message is queued unleased, for a claim.
   */
  leaseForHandOff(now: Date): Date | null {
    if (!this.started || this.handedOff.size >= this.batchSize) return null;
    return new Date(now.getTime() + this.leaseMs);
  }

  /** A message committed under a lease from `leaseForHandOff`: sent now, as if claimed. */
  handOff(message: ActivationMessage): void {
    const sending = this.settle(message, performance.now()).then(
      () => undefined,
      (error: unknown) => {
        // The database is away: the lease runs out and a pass claims it again.
        this.logger.warn(
          { messageId: message.id, err: (error as Error).message },
          'outbox: a handed-over message was not settled; it is claimed again after its lease',
        );
      },
    );
    this.handedOff.add(sending);
    void sending.finally(() => this.handedOff.delete(sending));
  }

  onEvent(listener: (event: DispatchEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Runs a background pass now, or right after the one in progress. */
  private kick(): void {
    if (!this.started) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.pass({ sent: 0, retried: 0, dropped: 0 }, () => this.started);
        } catch (error) {
          // The database is away: the next poll tries again.
          this.logger.warn({ err: (error as Error).message }, 'outbox dispatch pass failed');
        }
      } while (this.again && this.started);
    })().finally(() => {
      this.running = undefined;
    });
  }

  private async pass(
    counts: DeliveryCounts,
    go: () => boolean,
    scope: ClaimScope = {},
  ): Promise<void> {
    while (go()) {
      const now = this.clock.now();
      const batch = await this.outbox.claimDue(
        now,
        this.batchSize,
        new Date(now.getTime() + this.leaseMs),
        scope,
      );
      const claimedAt = performance.now();
      const outcomes = await Promise.all(batch.map((message) => this.settle(message, claimedAt)));
      for (const outcome of outcomes) {
        if (outcome === 'sent') counts.sent += 1;
        else if (outcome === 'retry') counts.retried += 1;
        else counts.dropped += 1;
      }
      if (batch.length < this.batchSize) return;
    }
  }

  private async settle(message: ActivationMessage, claimedAt: number): Promise<Outcome> {
    const now = this.clock.now();
    if (now.getTime() >= message.codeExpiresAt.getTime()) {
      await this.outbox.drop(message.id, now, 'code expired before delivery');
      this.logger.warn(
        { messageId: message.id, userId: message.userId },
        'activation email dropped: code expired',
      );
      this.emit({ kind: 'dropped', messageId: message.id });
      return 'dropped';
    }
    const code = this.keyring.open(message.sealedCode);
    if (code === null) {
      // Sealed under a key this instance does not hold (the secret rotated
      // twice within the code's minute, or instances disagree on it).
      await this.outbox.drop(
        message.id,
        now,
        'code sealed under a key this instance does not hold',
      );
      this.logger.error(
        { messageId: message.id, userId: message.userId },
        'activation email dropped: its code cannot be opened with SIGNUP_SECRET',
      );
      this.emit({ kind: 'dropped', messageId: message.id });
      return 'dropped';
    }
    const started = performance.now();
    try {
      await this.mailer.send({ to: message.to, code, codeExpiresAt: message.codeExpiresAt });
    } catch (error) {
      // Logged and stored for operators as the mailer worded it: a mailer
      // whose errors quote the recipient masks them itself (SmtpMailer).
      const detail = error instanceof Error ? error.message : String(error);
      const delayMs = backoffDelayMs(message.attempts + 1, this.backoff);
      await this.outbox.reschedule(
        message.id,
        new Date(this.clock.now().getTime() + delayMs),
        detail,
      );
      this.logger.warn(
        { messageId: message.id, attempts: message.attempts + 1, retryInMs: delayMs, err: detail },
        'activation email not sent; will retry',
      );
      this.emit({ kind: 'retry', messageId: message.id, error: detail });
      return 'retry';
    }
    const latencyMs = performance.now() - started;
    await this.recordSent(message, claimedAt);
    this.logger.debug({ messageId: message.id, latencyMs }, 'activation email sent');
    this.emit({ kind: 'sent', messageId: message.id, latencyMs });
    return 'sent';
  }

  /**
   * Marks the message sent, trying again through a short database outage. If
   * every try fails (the one duplicate window: SMTP accepted, the mark did not
   * land), the lease runs out and the message is sent again; see the README.
   */
  private async recordSent(message: ActivationMessage, claimedAt: number): Promise<void> {
    // Stop trying with a margin of half the lease, so no other dispatcher claims it meanwhile.
    const retryUntil = claimedAt + this.leaseMs / 2;
    for (let attempt = 0; ; attempt += 1) {
      try {
        await this.outbox.markSent(message.id, this.clock.now());
        return;
      } catch (error) {
        const waitMs = this.markSentRetryMs[attempt];
        const err = (error as Error).message;
        if (waitMs === undefined || performance.now() + waitMs >= retryUntil) {
          this.logger.error(
            { messageId: message.id, attempts: attempt + 1, err },
            'activation email sent but not marked sent; it will be sent again after its lease',
          );
          throw error;
        }
        this.logger.warn(
          { messageId: message.id, retryInMs: waitMs, err },
          'activation email sent; recording it failed, trying again',
        );
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    }
  }

  private emit(event: DispatchEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.logger.error({ err: (error as Error).message }, 'dispatch event listener failed');
      }
    }
  }
}
