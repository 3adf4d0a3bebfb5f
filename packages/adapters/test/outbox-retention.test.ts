import { FakeClock, testKeyring } from '@signup/domain/testing';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpMailer } from '../src/mail/smtp-mailer.js';
import { OUTBOX_RETENTION_MS, OutboxDispatcher } from '../src/outbox/outbox-dispatcher.js';
import { PgOutbox } from '../src/postgres/pg-outbox.js';
import type { SqlClient } from '../src/sql/sql-client.js';
import { describeOnEngines } from '@signup/testkit/vitest';
import { register } from './support/registrations.js';

const DAY = 86_400_000;
let epoch = Date.parse('2060-01-01T00:00:00Z');
/** A clock a month after the previous test's: no test sees another's messages as its own. */
const freshClock = () => new FakeClock(new Date((epoch += 30 * DAY)));

/** What the dispatcher logs at warn and above, as text. */
function capture() {
  const lines: string[] = [];
  const log = (obj: object, msg?: string) => void lines.push(`${msg ?? ''} ${JSON.stringify(obj)}`);
  return { lines, logger: { debug: () => undefined, info: log, warn: log, error: log } };
}

describeOnEngines(
  (engine) => `outbox retention and masked SMTP errors [${engine.name}]`,
  (database) => {
    const withSql = <T>(fn: (sql: SqlClient) => Promise<T>) => database().withSql(fn);
    const lastErrorOf = (sql: SqlClient, id: string) =>
      sql
        .query<{ last_error: string | null }>('SELECT last_error FROM outbox WHERE id = $1', [id])
        .then((r) => r.rows[0]?.last_error);
    const exists = (sql: SqlClient, id: string) =>
      sql.query('SELECT 1 FROM outbox WHERE id = $1', [id]).then((r) => r.rowCount === 1);

    it('sent and dropped messages are deleted once 7 days old, pending ones never', async () => {
      await withSql(async (sql) => {
        const clock = freshClock();
        const outbox = new PgOutbox(sql);
        const t0 = clock.now();
        const at = (days: number) => new Date(t0.getTime() + days * DAY);
        const sentOld = await register(sql, { now: at(0) });
        const droppedOld = await register(sql, { now: at(0) });
        const sentRecent = await register(sql, { now: at(2) });
        const pendingOld = await register(sql, { now: at(0) });
        await outbox.markSent(sentOld.messageId, at(0));
        await outbox.drop(droppedOld.messageId, at(1), 'code expired before delivery');
        await outbox.markSent(sentRecent.messageId, at(2));

        clock.set(at(8.5)); // sentOld 8.5 days old, droppedOld 7.5, sentRecent 6.5
        const { logger, lines } = capture();
        const dispatcher = new OutboxDispatcher({
          outbox,
          mailer: { send: () => Promise.resolve() },
          clock,
          keyring: testKeyring,
          logger,
          // the outbox itself, as openInfrastructure passes it (a spread of it lost the method)
          retention: outbox,
        });
        expect(await dispatcher.deleteSettled()).toBe(2);
        expect(await exists(sql, sentOld.messageId)).toBe(false);
        expect(await exists(sql, droppedOld.messageId)).toBe(false);
        expect(await exists(sql, sentRecent.messageId)).toBe(true);
        expect(await exists(sql, pendingOld.messageId)).toBe(true);
        expect(lines.join('\n')).toMatch(/deleted sent and dropped messages/);

        clock.set(new Date(at(2).getTime() + OUTBOX_RETENTION_MS + 1));
        expect(await dispatcher.deleteSettled()).toBe(1);
        expect(await exists(sql, pendingOld.messageId)).toBe(true);
      });
    });

    it('deletes in bounded batches, at most maxBatches per round', async () => {
      await withSql(async (sql) => {
        const clock = freshClock();
        const outbox = new PgOutbox(sql);
        for (let i = 0; i < 5; i += 1) {
          const { messageId } = await register(sql, { now: clock.now() });
          await outbox.markSent(messageId, clock.now());
        }
        clock.advanceMs(OUTBOX_RETENTION_MS + 1);
        const batches: number[] = [];
        const dispatcher = new OutboxDispatcher({
          outbox,
          mailer: { send: () => Promise.resolve() },
          clock,
          keyring: testKeyring,
          retention: {
            deleteSettledBefore: async (before, limit) => {
              const n = await outbox.deleteSettledBefore(before, limit);
              batches.push(n);
              return n;
            },
            batchSize: 2,
            maxBatches: 2,
          },
        });
        expect(await dispatcher.deleteSettled()).toBe(4);
        expect(batches).toEqual([2, 2]);
        expect(await dispatcher.deleteSettled()).toBeGreaterThanOrEqual(1); // the rest, next round
      });
    });

    it('a failing round is logged, not thrown; start() runs one at once', async () => {
      const clock = freshClock();
      const { logger, lines } = capture();
      let calls = 0;
      const dispatcher = new OutboxDispatcher({
        outbox: {
          claimDue: () => Promise.resolve([]),
        } as unknown as PgOutbox,
        mailer: { send: () => Promise.resolve() },
        clock,
        keyring: testKeyring,
        logger,
        retention: {
          deleteSettledBefore: () => {
            calls += 1;
            return Promise.reject(new Error('database away'));
          },
        },
      });
      dispatcher.start();
      await dispatcher.stop(1000);
      expect(calls).toBe(1);
      expect(lines.join('\n')).toMatch(/outbox retention round failed.*database away/);
    });

    describe('an SMTP error quoting the recipient', () => {
      let smtp: SMTPServer;
      let port = 0;
      beforeAll(async () => {
        smtp = new SMTPServer({
          authOptional: true,
          disabledCommands: ['STARTTLS'],
          logger: false,
          onRcptTo(address, _session, callback) {
            const error = new Error(
              `5.1.1 <${address.address}>: Recipient address rejected: User unknown`,
            ) as Error & { responseCode: number };
            error.responseCode = 550;
            callback(error);
          },
        });
        await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
        port = (smtp.server.address() as { port: number }).port;
      });
      afterAll(async () => {
        await new Promise<void>((resolve) => smtp.close(() => resolve()));
      });

      it('is logged and stored in outbox.last_error with the address masked', async () => {
        await withSql(async (sql) => {
          const clock = freshClock();
          const outbox = new PgOutbox(sql);
          const { logger, lines } = capture();
          const mailer = new SmtpMailer({
            url: `smtp://127.0.0.1:${port}`,
            from: 'signup <no-reply@example.test>',
            logger,
          });
          try {
            const { to, messageId } = await register(sql, { now: clock.now() });
            const dispatcher = new OutboxDispatcher({
              outbox,
              mailer,
              clock,
              keyring: testKeyring,
              logger,
            });
            expect((await dispatcher.deliverDue()).retried).toBeGreaterThanOrEqual(1);
            const stored = await lastErrorOf(sql, messageId);
            const masked = `${to[0]}***${to.slice(to.indexOf('@'))}`;
            expect(stored).toContain(masked);
            expect(stored).toMatch(/Recipient address rejected/);
            expect(stored).not.toContain(to);
            const logged = lines.join('\n');
            expect(logged).toContain(masked);
            expect(logged).not.toContain(to);
          } finally {
            await mailer.close();
          }
        });
      });
    });
  },
  { migrated: true },
);
