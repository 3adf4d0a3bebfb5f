import type { Clock } from '../ports/clock.js';
import type { UserRepository } from '../ports/user-repository.js';

export interface PurgeExpiredRegistrationsDeps {
  readonly users: UserRepository;
  readonly clock: Clock;
}

export interface PurgeOptions {
  /** Only accounts whose code expired longer ago than this are purged. */
  readonly olderThanSeconds: number;
  readonly batchSize: number;
  readonly dryRun?: boolean;
  /** Called after each batch with the running total. */
  readonly onBatch?: (deletedSoFar: number) => void;
}

export interface PurgeResult {
  readonly dryRun: boolean;
  /** Deleted, or with dryRun, would be deleted. */
  readonly count: number;
  readonly expiredBefore: Date;
  /**
   * Mailbox records that had nothing left to remember (no strike within
   * `strikeMemoryDays`, no lockout, nothing in a window) and were deleted;
   * 0 with dryRun. Strikes themselves survive the purge of their account.
   */
  readonly mailboxesForgotten: number;
}

/**
 * Deletes pending accounts whose code expired more than `olderThanSeconds`
 * ago, in batches, so each transaction stays short. Active accounts are never
 * touched. The cut-off is fixed at the start, so the loop always ends.
 */
export class PurgeExpiredRegistrations {
  constructor(private readonly deps: PurgeExpiredRegistrationsDeps) {}

  async execute(options: PurgeOptions): Promise<PurgeResult> {
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1) {
      throw new RangeError('batchSize must be a positive integer');
    }
    if (!(options.olderThanSeconds >= 0)) throw new RangeError('olderThanSeconds must be >= 0');
    const { users, clock } = this.deps;
    const expiredBefore = new Date(clock.now().getTime() - options.olderThanSeconds * 1000);

    if (options.dryRun) {
      const count = await users.countExpiredPending(expiredBefore);
      return { dryRun: true, count, expiredBefore, mailboxesForgotten: 0 };
    }
    let count = 0;
    for (;;) {
      const deleted = await users.deleteExpiredPending(expiredBefore, options.batchSize);
      count += deleted;
      options.onBatch?.(count);
      if (deleted < options.batchSize) break;
    }
    const now = clock.now();
    let mailboxesForgotten = 0;
    for (;;) {
      const deleted = await users.deleteForgottenMailboxes(now, options.batchSize);
      mailboxesForgotten += deleted;
      if (deleted < options.batchSize) break;
    }
    return { dryRun: false, count, expiredBefore, mailboxesForgotten };
  }
}
