import {
  FakeClock,
  fixedCodeGenerator,
  RecordingMailer,
  SequentialIdGenerator,
  testKeyring,
} from '@signup/domain/testing';
import { describeOnEngines } from '@signup/testkit/vitest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { OutboxDispatcher } from '../src/outbox/outbox-dispatcher.js';
import type { SqlClient } from '../src/sql/sql-client.js';
import { connectTo, signupOnSql } from './support/signup-on-sql.js';

/*
 * What a copy of the database shows: never the plain code (only its keyed
 * digest and, until sent, its sealed form), and no email address in the
 * mailbox records. Ids, clock and email are fixed, so every stored value
 * but the sealed code (random IV) is the same on every run: a chance "7395"
 * inside a digest would fail every run, not once in a while.
 */
const PLAIN = '7395';
const PASSWORD = 'correct horse battery';

describeOnEngines(
  (engine) => `codes at rest through the real repository [${engine.name}]`,
  (database) => {
    let sql: SqlClient;
    let world: ReturnType<typeof signupOnSql>;
    beforeAll(async () => {
      sql = await connectTo(database());
      world = signupOnSql(sql, {
        clock: new FakeClock('2050-03-01T12:00:00.000Z'),
        codes: fixedCodeGenerator(PLAIN),
        ids: new SequentialIdGenerator(),
      });
    });
    afterAll(async () => {
      await sql?.close();
    });

    /** Every row of `table` as PostgreSQL's text of the whole row. */
    async function rowsAsText(table: 'activation_codes' | 'outbox' | 'mailboxes') {
      const { rows } = await sql.query<{ row: string }>(`SELECT t::text AS row FROM ${table} t`);
      return rows.map((r) => r.row);
    }

    /** A dispatcher over the world's outbox and clock that records what it sends. */
    function recordingDispatcher() {
      const mailer = new RecordingMailer();
      const dispatcher = new OutboxDispatcher({
        outbox: world.outbox,
        mailer,
        clock: world.clock,
        keyring: testKeyring,
      });
      return { mailer, dispatcher };
    }

    async function sealedCodesOf(userId: string) {
      const { rows } = await sql.query<{ sealed_code: string | null; state: string }>(
        `SELECT sealed_code,
                CASE WHEN sent_at IS NOT NULL THEN 'sent'
                     WHEN dropped_at IS NOT NULL THEN 'dropped' ELSE 'pending' END AS state
           FROM outbox WHERE user_id = $1 ORDER BY seq`,
        [userId],
      );
      return rows;
    }

    it('a registration stores no plain code anywhere and no address in mailboxes', async () => {
      const email = 'ada.lovelace+signup@example.test';
      const { user } = await world.service.register.execute({ email, password: PASSWORD });

      const tables = {
        activation_codes: await rowsAsText('activation_codes'),
        outbox: await rowsAsText('outbox'),
        mailboxes: await rowsAsText('mailboxes'),
      };
      for (const [table, rows] of Object.entries(tables)) {
        expect(rows, table).toHaveLength(1);
        expect(rows[0], table).not.toContain(PLAIN);
      }
      for (const needle of [email, 'ada.lovelace@example.test', 'ada.lovelace', 'example.test'])
        expect(tables.mailboxes[0]).not.toContain(needle);

      // The code really is PLAIN: sealed in the outbox, keyed in activation_codes.
      const [message] = await sealedCodesOf(user.id);
      expect(message?.state).toBe('pending');
      expect(testKeyring.open(message?.sealed_code ?? '')).toBe(PLAIN);
      const stored = await world.users.findById(user.id);
      expect(stored?.activationCode?.toPrimitives().keyId).toBe(testKeyring.currentKeyId);
      expect(stored?.activationCode?.check(user.id, PLAIN, world.clock.now(), 5, testKeyring)).toBe(
        'valid',
      );

      // The mailbox record is found under the keyed digest of the +tag-less address.
      const mailbox = await world.mailboxOfEmail(email);
      expect(mailbox?.toPrimitives()).toMatchObject({
        key: testKeyring.digest('mailbox', 'ada.lovelace@example.test').value,
        keyId: testKeyring.currentKeyId,
        mailSentAt: [world.clock.now()],
        version: 1,
      });
    });

    it('markSent erases the sealed code; the mailer got the plain one', async () => {
      const email = 'grace.hopper@example.test';
      const { user } = await world.service.register.execute({ email, password: PASSWORD });
      const { mailer, dispatcher } = recordingDispatcher();
      await dispatcher.deliverDue({ userId: user.id });
      expect(mailer.codesFor(email)).toEqual([PLAIN]);
      expect(await sealedCodesOf(user.id)).toEqual([{ sealed_code: null, state: 'sent' }]);
      for (const row of await rowsAsText('outbox')) expect(row).not.toContain(PLAIN);
    });

    it('drop (expired code) and retiring on a resend both erase the sealed code', async () => {
      const expiring = await world.service.register.execute({
        email: 'barbara.liskov@example.test',
        password: PASSWORD,
      });
      world.clock.advanceSeconds(60); // the code expires: the dispatcher drops it unsent
      const { mailer, dispatcher } = recordingDispatcher();
      expect(await dispatcher.deliverDue({ userId: expiring.user.id })).toMatchObject({
        dropped: 1,
      });
      expect(mailer.sent).toHaveLength(0);
      expect(await sealedCodesOf(expiring.user.id)).toEqual([
        { sealed_code: null, state: 'dropped' },
      ]);

      // A resend after the cooldown retires the unsent message, erasing its code.
      const resent = await world.service.register.execute({
        email: 'frances.allen@example.test',
        password: PASSWORD,
      });
      world.clock.advanceSeconds(30);
      await world.service.resend.asOperator({ email: 'frances.allen@example.test' });
      const messages = await sealedCodesOf(resent.user.id);
      expect(messages.map((m) => m.state)).toEqual(['dropped', 'pending']);
      expect(messages[0]?.sealed_code).toBeNull();
      expect(testKeyring.open(messages[1]?.sealed_code ?? '')).toBe(PLAIN);

      // The outbox's own drop erases it too.
      await world.outbox.drop(
        (
          await sql.query<{ id: string }>(
            `SELECT id FROM outbox WHERE user_id = $1 AND sent_at IS NULL AND dropped_at IS NULL`,
            [resent.user.id],
          )
        ).rows[0]!.id,
        world.clock.now(),
        'test',
      );
      expect((await sealedCodesOf(resent.user.id)).map((m) => m.sealed_code)).toEqual([null, null]);
      for (const table of ['activation_codes', 'outbox', 'mailboxes'] as const)
        for (const row of await rowsAsText(table)) expect(row, table).not.toContain(PLAIN);
    });
  },
  { migrated: true },
);
