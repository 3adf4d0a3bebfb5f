/** Failures the CLI itself raises; the domain and adapters bring their own. */

/** Bad flags or input that commander cannot see (exit 2). */
export class UsageError extends Error {
  readonly code = 'usage_error';
}

/** The database schema is behind the code: `signup migrate` first (exit 3). */
export class SchemaOutdatedError extends Error {
  readonly code = 'schema_outdated';
  constructor(readonly pending: readonly string[]) {
    super(
      `the database schema is not up to date (${pending.length} pending migration(s)): run "signup migrate" first`,
    );
  }
}

/**
 * The account and its new code are stored, but the activation email could
 * not be handed to the transport in time (exit 3).
 */
export class MailNotDeliveredError extends Error {
  readonly code = 'mail_queued';
  constructor(
    readonly email: string,
    message: string,
  ) {
    super(message);
  }
}
