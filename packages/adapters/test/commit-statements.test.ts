import { Mailbox, type ActivationMessage } from '@signup/domain';
import { aRegistration, testKeyring, uniqueEmail } from '@signup/domain/testing';
import { openTempPglite } from '@signup/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgUserRepository } from '../src/postgres/pg-user-repository.js';
import type { SqlClient, SqlExecutor } from '../src/sql/sql-client.js';

/**
 * What a commit costs in round trips: the registration, the activation and
 * the password try are one statement each (no BEGIN and COMMIT); only a
 * re-registration, which must delete the account it replaces first, is a
 * transaction. The contract suites prove the same commits all or nothing.
 */
describe('PgUserRepository.commit: statements per commit', () => {
  let opened: Awaited<ReturnType<typeof openTempPglite>>;
  let statements: string[];
  let texts: string[];
  let users: PgUserRepository;

  beforeAll(async () => {
    opened = await openTempPglite();
    const sql = opened.sql;
    const counted = (target: SqlExecutor): SqlExecutor => ({
      query: (text, params) => {
        statements.push(text.trim().split(/\s+/)[0]!.toUpperCase());
        texts.push(text);
        return target.query(text, params);
      },
    });
    const counting: SqlClient = {
      ...sql,
      query: (text, params) => counted(sql).query(text, params),
      transaction: (fn) => {
        statements.push('BEGIN');
        return sql.transaction((tx) => fn(counted(tx))).finally(() => statements.push('COMMIT'));
      },
    };
    users = new PgUserRepository(counting);
  });
  afterAll(async () => {
    await opened?.dispose();
  });

  const mailboxOf = (email: string) => Mailbox.empty(testKeyring.digest('mailbox', email));
  const write = (next: Mailbox) => ({ next, forgetAt: new Date(Date.now() + 86_400_000) });

  it('a registration (account, code, message, mailbox) is one statement', async () => {
    const { user, activation } = aRegistration({ email: uniqueEmail() });
    statements = [];
    texts = [];
    const mailbox = write(mailboxOf(user.email).withMailSent(new Date()));
    expect(await users.commit({ user, message: activation, mailbox })).toBe(true);
    expect(statements).toEqual(['WITH']);
    expect(texts[0]).toContain('pg_notify'); // queued for a claim: the dispatchers are woken
  });

  it('a message handed over to a running dispatcher is stored leased, wakes no one, and is handed over once committed', async () => {
    const handedOver: ActivationMessage[] = [];
    const lease = new Date(Date.now() + 30_000);
    users.handOffQueuedMessagesTo({
      leaseForHandOff: () => lease,
      handOff: (message) => handedOver.push(message),
    });
    try {
      const { user, activation } = aRegistration({ email: uniqueEmail() });
      texts = [];
      const mailbox = mailboxOf(user.email);
      expect(await users.commit({ user, message: activation, mailbox: write(mailbox) })).toBe(true);
      expect(texts[0]).not.toContain('pg_notify');
      expect(handedOver).toEqual([
        {
          id: activation.messageId,
          userId: user.id,
          to: user.email,
          sealedCode: activation.sealedCode,
          codeExpiresAt: activation.code.expiresAt,
          attempts: 0,
        },
      ]);
      const { rows } = await opened.sql.query<{ leased_until: Date }>(
        'SELECT leased_until FROM outbox WHERE id = $1',
        [activation.messageId],
      );
      expect(rows[0]?.leased_until).toEqual(lease);
      // a commit that lost its race hands nothing over
      const again = aRegistration({ email: user.email });
      expect(
        await users.commit({
          user: again.user,
          message: again.activation,
          mailbox: write(mailbox),
        }),
      ).toBe(false);
      expect(handedOver).toHaveLength(1);
    } finally {
      users.handOffQueuedMessagesTo(undefined);
    }
  });

  it('an account change with its mailbox is one statement; a mailbox alone too', async () => {
    const { user, activation } = aRegistration({ email: uniqueEmail() });
    await users.commit({ user, message: activation });
    const stored = (await users.findById(user.id))!;
    const mailbox = mailboxOf(user.email);
    statements = [];
    expect(await users.commit({ mailbox: write(mailbox.withMailSent(new Date())) })).toBe(true);
    const fresh = (await users.findMailbox(mailbox.key))!;
    statements = [];
    expect(
      await users.commit({
        user: stored.activated(new Date()),
        mailbox: write(fresh.withMailSent(new Date())),
        retireUnsentMessages: { at: new Date(), reason: 'activated' },
      }),
    ).toBe(true);
    expect(statements).toEqual(['WITH']);
  });

  it('a re-registration deletes the account it replaces first, in one transaction', async () => {
    const email = uniqueEmail();
    const first = aRegistration({ email });
    await users.commit({ user: first.user, message: first.activation });
    const stored = (await users.findById(first.user.id))!;
    const second = aRegistration({ email });
    statements = [];
    expect(
      await users.commit({ user: second.user, replaces: stored, message: second.activation }),
    ).toBe(true);
    expect(statements).toEqual(['BEGIN', 'DELETE', 'WITH', 'COMMIT']);
    expect((await users.findByEmail(email))?.id).toBe(second.user.id);
  });
});
