import {
  ActivationCodeInvalidError,
  ActivationLockedError,
  EmailTakenError,
  ResendTooSoonError,
} from '@signup/domain';
import { FakeClock, SequenceCodeGenerator, uniqueEmail } from '@signup/domain/testing';
import { describeOnEngines } from '@signup/testkit/vitest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SqlClient } from '../src/sql/sql-client.js';
import { connectTo, signupOnSql, tally } from './support/signup-on-sql.js';

/*
 * The use cases' races settled by the real store: every write is one
 * transaction with a version compare-and-swap, so no wrong code is lost, one
 * email gets one account, and a lockout holds across instances.
 */
const PASSWORD = 'correct horse battery';

describeOnEngines(
  (engine) => `the use cases under concurrency on the real store [${engine.name}]`,
  (database, engine) => {
    const clients: SqlClient[] = [];
    let sql: SqlClient;
    /** Another client on the same database: a second instance on PostgreSQL, the one client on PGlite. */
    const connect = async () => {
      if (engine.name === 'pglite') return sql;
      const client = await connectTo(database());
      clients.push(client);
      return client;
    };
    beforeAll(async () => {
      sql = await connectTo(database());
      clients.push(sql);
    });
    afterAll(async () => {
      await Promise.all(clients.map((c) => c.close()));
    });

    it('20 concurrent wrong codes (maxAttempts 100): all 20 counted, on the code and as strikes', async () => {
      const world = signupOnSql(sql, {
        codes: new SequenceCodeGenerator(['1234']),
        // Each try reserves a password failure before comparing: room for all 20 in flight.
        policy: { maxAttempts: 100, passwordFailuresPer15Minutes: 100 },
      });
      const email = uniqueEmail('strikes');
      await world.service.register.execute({ email, password: PASSWORD });

      const { fulfilled, refusals } = await tally(
        Array.from({ length: 20 }, () =>
          world.service.activate.withCredentials({ email, password: PASSWORD, code: '9999' }),
        ),
      );
      expect(fulfilled).toBe(0);
      expect(refusals).toHaveLength(20);
      for (const refusal of refusals) expect(refusal).toBeInstanceOf(ActivationCodeInvalidError);
      const remaining = refusals.map((r) => (r as ActivationCodeInvalidError).attemptsRemaining);
      expect(new Set(remaining).size).toBe(20); // each saw a different count: none lost
      expect(Math.min(...remaining)).toBe(80);

      const mailbox = await world.mailboxOfEmail(email);
      expect(mailbox?.toPrimitives()).toMatchObject({
        strikes: 20,
        lockouts: 0,
        lockedUntil: null,
        lastStrikeAt: world.clock.now(),
        mailSentAt: [world.clock.now()],
        passwordFailures: [], // every reserved failure was given back (the password was right)
      });
      const user = await world.users.findByEmail(email);
      expect(user?.activationCode?.attempts).toBe(20);
      expect(user?.status).toBe('pending');
    });

    it('20 concurrent registrations of one new email: one account, one message', async () => {
      const world = signupOnSql(sql);
      const email = uniqueEmail('race');
      const { fulfilled, refusals } = await tally(
        Array.from({ length: 20 }, (_, i) =>
          world.service.register.execute({ email, password: `${PASSWORD} ${i}` }),
        ),
      );
      expect(fulfilled).toBe(1);
      expect(refusals).toHaveLength(19);
      for (const refusal of refusals) {
        // the losers re-read and see a code issued just now (or, in a tight race, the new account)
        expect(
          refusal instanceof ResendTooSoonError || refusal instanceof EmailTakenError,
          String(refusal),
        ).toBe(true);
      }
      const { rows } = await sql.query<{ users: number; messages: number }>(
        `SELECT (SELECT count(*)::integer FROM users WHERE email = $1) AS users,
                (SELECT count(*)::integer FROM outbox WHERE recipient = $1) AS messages`,
        [email],
      );
      expect(rows).toEqual([{ users: 1, messages: 1 }]);
      expect((await world.mailboxOfEmail(email))?.toPrimitives().mailSentAt).toHaveLength(1);
    });

    it('two instances: a lockout refuses resends and re-registration on both, then one resend wins', async () => {
      const start = new FakeClock('2050-06-01T08:00:00.000Z');
      const [one, two] = [
        signupOnSql(sql, { clock: new FakeClock(start.now()) }),
        signupOnSql(await connect(), { clock: new FakeClock(start.now()) }),
      ] as const;
      const advance = (seconds: number) => {
        one.clock.advanceSeconds(seconds);
        two.clock.advanceSeconds(seconds);
      };
      const email = uniqueEmail('lockout');
      await one.service.register.execute({ email, password: PASSWORD });

      // Five wrong codes (the default limit), alternating instances: the code burns, the mailbox locks.
      for (let i = 0; i < 5; i += 1) {
        const instance = i % 2 === 0 ? one : two;
        await expect(
          instance.service.activate.withCredentials({ email, password: PASSWORD, code: '0000' }),
        ).rejects.toBeInstanceOf(ActivationCodeInvalidError);
      }
      const locked = await two.mailboxOfEmail(email);
      expect(locked?.toPrimitives()).toMatchObject({ strikes: 5, lockouts: 1 });
      expect(locked?.lockedUntil).toEqual(new Date(start.now().getTime() + 60_000));

      advance(30); // past the resend cooldown, inside the 60 s lockout
      const resends = await tally([
        one.service.resend.withCredentials({ email, password: PASSWORD }),
        two.service.resend.withCredentials({ email, password: PASSWORD }),
        two.service.resend.asOperator({ email }),
        one.service.register.execute({ email, password: PASSWORD }),
        two.service.register.execute({ email, password: 'another password' }),
      ]);
      expect(resends.fulfilled).toBe(0);
      for (const refusal of resends.refusals) {
        expect(refusal).toBeInstanceOf(ActivationLockedError);
        expect((refusal as ActivationLockedError).retryAfterSeconds).toBe(30);
      }
      const { rows: queued } = await sql.query<{ n: number }>(
        'SELECT count(*)::integer AS n FROM outbox WHERE recipient = $1',
        [email],
      );
      expect(queued).toEqual([{ n: 1 }]); // only the registration's message

      advance(30); // the lockout is over
      const after = await tally([
        one.service.resend.withCredentials({ email, password: PASSWORD }),
        two.service.resend.withCredentials({ email, password: PASSWORD }),
      ]);
      expect(after.fulfilled).toBe(1);
      expect(after.refusals).toHaveLength(1);
      expect(after.refusals[0]).toBeInstanceOf(ResendTooSoonError);
      const { rows: states } = await sql.query<{ pending: number; total: number }>(
        `SELECT count(*) FILTER (WHERE sent_at IS NULL AND dropped_at IS NULL)::integer AS pending,
                count(*)::integer AS total
           FROM outbox WHERE recipient = $1`,
        [email],
      );
      expect(states).toEqual([{ pending: 1, total: 2 }]);
    });
  },
  { migrated: true },
);
