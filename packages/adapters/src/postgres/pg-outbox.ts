import type {
  ActivationMessage,
  ClaimScope,
  MessageState,
  Outbox,
  OutboxStats,
} from '@signup/domain';
import type { SqlClient } from '../sql/sql-client.js';
import { isUuid, MESSAGE_COLUMNS, toMessage } from './rows.js';

/** The channel every queued message NOTIFYs, in the transaction that queues it. */
export const OUTBOX_CHANNEL = 'signup_outbox';

/** Error texts are stored for operators, bounded in size. */
const clip = (text: string) => text.slice(0, 1000);

/** The delivery side of the outbox table; claims are leases taken with SKIP LOCKED. */
export class PgOutbox implements Outbox {
  constructor(private readonly sql: SqlClient) {}

  /**
   * Calls `listener` whenever a message is queued (committed), on this
   * instance or any other on the same database; returns unsubscribe. The
   * dispatcher's wake-up (see OutboxDispatcherOptions.wake).
   */
  onMessageQueued(listener: () => void): () => void {
    return this.sql.listen(OUTBOX_CHANNEL, listener);
  }

  async claimDue(
    now: Date,
    limit: number,
    leaseUntil: Date,
    scope: ClaimScope = {},
  ): Promise<ActivationMessage[]> {
    const userId = scope.userId ?? null;
    if (userId !== null && !isUuid(userId)) return [];
    const { rows } = await this.sql.query(
      `UPDATE outbox SET leased_until = $3
        WHERE id IN (
          SELECT id FROM outbox
           WHERE sent_at IS NULL AND dropped_at IS NULL AND sealed_code IS NOT NULL
             AND due_at <= $1 AND (leased_until IS NULL OR leased_until <= $1)
             AND ($4::uuid IS NULL OR user_id = $4::uuid)
           ORDER BY due_at
           LIMIT $2
           FOR UPDATE SKIP LOCKED)
       RETURNING ${MESSAGE_COLUMNS}`,
      [now, limit, leaseUntil, userId],
    );
    return rows
      .map(toMessage)
      .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime())
      .map(({ dueAt: _dueAt, ...message }) => message);
  }

  async markSent(id: string, now: Date): Promise<void> {
    if (!isUuid(id)) return;
    await this.sql.query(
      `UPDATE outbox
          SET sent_at = $2, dropped_at = NULL, sealed_code = NULL, leased_until = NULL, attempts = attempts + 1
        WHERE id = $1 AND sent_at IS NULL`,
      [id, now],
    );
  }

  async reschedule(id: string, retryAt: Date, error: string): Promise<void> {
    if (!isUuid(id)) return;
    await this.sql.query(
      `UPDATE outbox
          SET due_at = $2, leased_until = NULL, attempts = attempts + 1, last_error = $3
        WHERE id = $1 AND sent_at IS NULL AND dropped_at IS NULL`,
      [id, retryAt, clip(error)],
    );
  }

  async drop(id: string, now: Date, reason: string): Promise<void> {
    if (!isUuid(id)) return;
    await this.sql.query(
      `UPDATE outbox SET dropped_at = $2, sealed_code = NULL, leased_until = NULL, last_error = $3
        WHERE id = $1 AND sent_at IS NULL AND dropped_at IS NULL`,
      [id, now, clip(reason)],
    );
  }

  /**
   * Deletes up to `limit` messages sent or dropped before `before` (the
   * dispatcher's retention, see OutboxRetention): one short statement that
   * skips rows another deleter holds, oldest first. The order is also the
   * index's (outbox_settled_idx), so the planner walks it and stops at the
   * first row too young: with LIMIT alone, and its guess that a third of the
   * rows match, it could choose to read the whole table and find none.
   * Resolves with how many it deleted.
   */
  async deleteSettledBefore(before: Date, limit: number): Promise<number> {
    const { rowCount } = await this.sql.query(
      `DELETE FROM outbox WHERE id IN (
         SELECT id FROM outbox
          WHERE (sent_at IS NOT NULL OR dropped_at IS NOT NULL)
            AND COALESCE(sent_at, dropped_at) < $1
          ORDER BY COALESCE(sent_at, dropped_at)
          LIMIT $2
          FOR UPDATE SKIP LOCKED)`,
      [before, limit],
    );
    return rowCount;
  }

  async stats(now: Date): Promise<OutboxStats> {
    const { rows } = await this.sql.query<{ pending: number; oldest: Date | null }>(
      `SELECT count(*)::integer AS pending, min(created_at) AS oldest
         FROM outbox WHERE sent_at IS NULL AND dropped_at IS NULL`,
    );
    const pending = rows[0]?.pending ?? 0;
    const oldest = rows[0]?.oldest ?? null;
    return {
      pending,
      oldestPendingSeconds: oldest ? Math.max(0, (now.getTime() - oldest.getTime()) / 1000) : 0,
    };
  }

  async latestMessageState(userId: string): Promise<MessageState | null> {
    if (!isUuid(userId)) return null;
    const { rows } = await this.sql.query<{ state: MessageState }>(
      `SELECT CASE WHEN sent_at IS NOT NULL THEN 'sent'
                   WHEN dropped_at IS NOT NULL THEN 'dropped'
                   ELSE 'pending' END AS state
         FROM outbox WHERE user_id = $1
        ORDER BY seq DESC
        LIMIT 1`,
      [userId],
    );
    return rows[0]?.state ?? null;
  }
}
