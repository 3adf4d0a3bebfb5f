/** The activation email waiting in the outbox: what a dispatcher opens, renders and sends. */
export interface ActivationMessage {
  readonly id: string;
  readonly userId: string;
  /** Recipient, the account's normalized email. */
  readonly to: string;
  /**
   * The code, sealed with the keyring (AES-256-GCM): a copy of the database
   * does not show it. Erased once the message is sent or dropped.
   */
  readonly sealedCode: string;
  readonly codeExpiresAt: Date;
  /** Delivery attempts made so far. */
  readonly attempts: number;
}

/** Narrows a claim; no field set claims every due message. */
export interface ClaimScope {
  /** Only this account's messages (a CLI delivering the email it just queued). */
  readonly userId?: string;
}

/** Where one message stands: waiting (or being sent), handed to the transport, or given up. */
export type MessageState = 'pending' | 'sent' | 'dropped';

export interface OutboxStats {
  /** Messages neither sent nor dropped. */
  readonly pending: number;
  /** Age of the oldest pending message in seconds, 0 when none. */
  readonly oldestPendingSeconds: number;
}

/**
 * The delivery side of the transactional outbox. Messages enter it together
 * with their account (see UserRepository); dispatchers claim, send and settle
 * them. Claims are leases: a claimed message is invisible to other claimers
 * until `leaseUntil`, so several dispatchers on one store send each once.
 */
export interface Outbox {
  /** Leases up to `limit` due messages (due at or before `now`), oldest first, within `scope`. */
  claimDue(
    now: Date,
    limit: number,
    leaseUntil: Date,
    scope?: ClaimScope,
  ): Promise<ActivationMessage[]>;
  /** Marks the message sent and erases its sealed code. */
  markSent(id: string, now: Date): Promise<void>;
  /** Records a failed attempt and makes the message due again at `retryAt`. */
  reschedule(id: string, retryAt: Date, error: string): Promise<void>;
  /** Gives up on the message (its code expired or was replaced); erases the code. */
  drop(id: string, now: Date, reason: string): Promise<void>;
  stats(now: Date): Promise<OutboxStats>;
  /** The state of the account's newest message; null when it has none. */
  latestMessageState(userId: string): Promise<MessageState | null>;
}
