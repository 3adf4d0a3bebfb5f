import {
  BcryptPasswordHasher,
  migrate,
  openKeyring,
  openPgliteSqlClient,
  OutboxDispatcher,
  PgOutbox,
  PgUserRepository,
} from '@signup/adapters';
import {
  createSignupService,
  defaultActivationPolicy,
  systemClock,
  type ActivationMailer,
  type Clock,
  type PublicUser,
} from '@signup/domain';

/**
 * A service of your own that embeds the signup rules: no express, no HTTP
 * API, just the domain's use cases over the ready adapters (the embedded
 * PostgreSQL, bcrypt, the outbox dispatcher) and a mailer of your own.
 */
export interface SignupModule {
  /** Registers a pending account; the code goes out through your mailer. */
  signUp(email: string, password: string): Promise<{ expiresAt: Date }>;
  /** Activates with the code the person received. */
  confirm(email: string, password: string, code: string): Promise<PublicUser>;
  /** Sends whatever is due now (the dispatcher also runs by itself). */
  flushMail(): Promise<void>;
  close(): Promise<void>;
}

export async function openSignupModule(options: {
  dataDir: string;
  mailer: ActivationMailer;
  clock?: Clock;
  bcryptCost?: number;
  /** Your service's secret (at least 32 bytes); default: generated once into `dataDir`. */
  secret?: string;
}): Promise<SignupModule> {
  const clock = options.clock ?? systemClock;
  const keyring = await openKeyring(
    { current: options.secret, previous: undefined },
    { databaseUrl: undefined, dataDir: options.dataDir, poolMax: 1 },
  );
  const sql = await openPgliteSqlClient({ dataDir: options.dataDir });
  await migrate(sql);
  const users = new PgUserRepository(sql);
  const outbox = new PgOutbox(sql);
  const signup = createSignupService({
    users,
    hasher: new BcryptPasswordHasher({ cost: options.bcryptCost ?? 12 }),
    clock,
    policy: defaultActivationPolicy,
    keyring,
  });
  const dispatcher = new OutboxDispatcher({
    outbox,
    mailer: options.mailer,
    clock,
    keyring,
    wake: (listener) => outbox.onMessageQueued(listener),
  });
  dispatcher.start();

  return {
    async signUp(email, password) {
      const { activationCodeExpiresAt } = await signup.register.execute({ email, password });
      return { expiresAt: activationCodeExpiresAt };
    },
    confirm: (email, password, code) => signup.activate.withCredentials({ email, password, code }),
    async flushMail() {
      await dispatcher.deliverDue();
    },
    async close() {
      await dispatcher.stop();
      await sql.close();
    },
  };
}
