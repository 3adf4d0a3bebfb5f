import { systemClock, type ActivationMailer, type ActivationMessage } from '@signup/domain';
import { aRegistration, FakeClock, testKeyring } from '@signup/domain/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SmtpMailer } from '../../src/mail/smtp-mailer.js';
import { OutboxDispatcher } from '../../src/outbox/outbox-dispatcher.js';
import { PgOutbox } from '../../src/postgres/pg-outbox.js';
import { PgUserRepository } from '../../src/postgres/pg-user-repository.js';
import type { SqlClient } from '../../src/sql/sql-client.js';
import { closedPort, SmtpSink } from '@signup/testkit';
import { percentile, register } from './registrations.js';

const FROM = 'signup <no-reply@example.test>';

/**
 * The dispatcher scenarios on one engine. `connect()` opens another client on
 * the same database (another "instance" on PostgreSQL; the one client on PGlite).
 */
export function dispatcherSuite(engine: string, connect: () => Promise<SqlClient>): void {
  describe(`OutboxDispatcher on ${engine}`, () => {
    let sql: SqlClient;
    let sink: SmtpSink;
    let mailer: SmtpMailer;
    let epoch = Date.parse('2050-01-01T00:00:00Z');
    /** A fake clock a day after the previous test's, so older messages are long expired. */
    const freshClock = () => new FakeClock(new Date((epoch += 86_400_000)));
    const receivedBy = (to: string) => sink.byRecipient(to);

    beforeAll(async () => {
      sql = await connect();
      sink = await SmtpSink.start();
      mailer = new SmtpMailer({ url: sink.url, from: FROM });
    });
    afterAll(async () => {
      await mailer?.close();
      await sink?.close();
    });

    it('SMTP refusing, then recovering: the message is delivered exactly once', async () => {
      const clock = freshClock();
      const outbox = new PgOutbox(sql);
      const dispatcher = new OutboxDispatcher({ outbox, mailer, clock, keyring: testKeyring });
      const { to, userId } = await register(sql, {
        now: clock.now(),
        ttlSeconds: 60,
        plain: '0042',
      });

      sink.mode = 'defer';
      expect((await dispatcher.deliverDue()).retried).toBeGreaterThanOrEqual(1);
      expect(receivedBy(to)).toHaveLength(0);
      expect(await outbox.latestMessageState(userId)).toBe('pending');

      clock.advanceSeconds(0.2); // not yet due again (backoff ≥ 250 ms)
      await dispatcher.deliverDue();
      sink.mode = 'accept';
      clock.advanceSeconds(1);
      expect((await dispatcher.deliverDue()).sent).toBeGreaterThanOrEqual(1);
      clock.advanceSeconds(120);
      await dispatcher.deliverDue();

      expect(receivedBy(to)).toHaveLength(1);
      expect(receivedBy(to)[0]?.text).toContain('Your activation code is 0042.');
      expect(await outbox.latestMessageState(userId)).toBe('sent');
      const { rows } = await sql.query<{ sealed_code: string | null; attempts: number }>(
        'SELECT sealed_code, attempts FROM outbox WHERE user_id = $1',
        [userId],
      );
      expect(rows).toEqual([{ sealed_code: null, attempts: 2 }]); // the sealed code is erased once sent
    });

    it('SMTP down past the code expiry: the message is dropped, never sent late', async () => {
      const clock = freshClock();
      const outbox = new PgOutbox(sql);
      const down = new SmtpMailer({ url: `smtp://127.0.0.1:${await closedPort()}`, from: FROM });
      const failing = new OutboxDispatcher({ outbox, mailer: down, clock, keyring: testKeyring });
      const { to, userId } = await register(sql, { now: clock.now(), ttlSeconds: 60 });

      expect((await failing.deliverDue()).retried).toBeGreaterThanOrEqual(1);
      clock.advanceSeconds(60); // the code expires at exactly +60 s
      const recovered = new OutboxDispatcher({ outbox, mailer, clock, keyring: testKeyring });
      expect((await recovered.deliverDue()).dropped).toBeGreaterThanOrEqual(1);
      clock.advanceSeconds(3600);
      await recovered.deliverDue();

      expect(receivedBy(to)).toHaveLength(0);
      expect(await outbox.latestMessageState(userId)).toBe('dropped');
      const { rows } = await sql.query('SELECT sealed_code FROM outbox WHERE user_id = $1', [
        userId,
      ]);
      expect(rows).toEqual([{ sealed_code: null }]); // erased when dropped
      await down.close();
    });

    it('3 dispatchers × 200 messages: 200 sent, no duplicates', async () => {
      const clients = [sql, await connect(), await connect()];
      // Three instances: each its own connections and its own SMTP pool.
      const mailers = clients.map(() => new SmtpMailer({ url: sink.url, from: FROM }));
      const dispatchers = clients.map(
        (client, i) =>
          new OutboxDispatcher({
            outbox: new PgOutbox(client),
            mailer: mailers[i]!,
            clock: systemClock,
            keyring: testKeyring,
            wake: (listener) => new PgOutbox(client).onMessageQueued(listener),
            pollIntervalMs: 200,
          }),
      );
      const sentBy = dispatchers.map(() => 0);
      dispatchers.forEach((d, i) =>
        d.onEvent((e) => {
          if (e.kind === 'sent') sentBy[i] = (sentBy[i] ?? 0) + 1;
        }),
      );
      for (const d of dispatchers) d.start();
      const recipients = new Set<string>();
      try {
        for (let i = 0; i < 200; i += 20) {
          const batch = await Promise.all(Array.from({ length: 20 }, () => register(sql)));
          for (const r of batch) recipients.add(r.to);
        }
        await sink.waitForRecipients(recipients, 20_000).catch(() => undefined);
        // Nothing is left to send.
        expect((await dispatchers[0]!.deliverDue()).sent).toBe(0);
      } finally {
        await Promise.all(dispatchers.map((d) => d.stop(5000)));
        for (const client of new Set(clients)) if (client !== sql) await client.close();
        await Promise.all(mailers.map((m) => m.close()));
      }
      const mine = sink.messages.filter((m) => recipients.has(m.recipient));
      expect(mine).toHaveLength(200);
      expect(new Set(mine.map((m) => m.recipient)).size).toBe(200);
      console.info(`[${engine}] 3 dispatchers: sent ${sentBy.join(' + ')} = 200`);
    });

    it('latency from commit to SMTP receipt (woken by NOTIFY, not the 5 s poll)', async () => {
      const dispatcher = new OutboxDispatcher({
        outbox: new PgOutbox(sql),
        mailer,
        clock: systemClock,
        keyring: testKeyring,
        wake: (listener) => new PgOutbox(sql).onMessageQueued(listener),
        pollIntervalMs: 5000,
      });
      const mailerMs: number[] = [];
      dispatcher.onEvent((e) => {
        if (e.kind === 'sent' && e.latencyMs !== undefined) mailerMs.push(e.latencyMs);
      });
      dispatcher.start();
      await new Promise((resolve) => setTimeout(resolve, 100)); // the first pass and LISTEN settle
      const latencies: number[] = [];
      try {
        for (let i = 0; i < 100; i += 1) {
          const { to } = await register(sql);
          const committed = performance.now();
          const mail = await sink.next(to, 5000);
          latencies.push(mail.at - committed);
        }
      } finally {
        await dispatcher.stop();
      }
      const p50 = percentile(latencies, 50);
      const p99 = percentile(latencies, 99);
      console.info(
        `[${engine}] commit -> SMTP receipt over 100 messages: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms` +
          ` (of which the SMTP exchange: p50 ${percentile(mailerMs, 50).toFixed(1)} ms)`,
      );
      expect(p99).toBeLessThan(1000);
    });

    it('a message queued while the dispatcher runs is sent from its commit: no claim', async () => {
      const clock = freshClock();
      const outbox = new PgOutbox(sql);
      const claims = vi.spyOn(outbox, 'claimDue');
      // no wake-up and a poll once an hour: only the hand-over can send it in time
      const dispatcher = new OutboxDispatcher({
        outbox,
        mailer,
        clock,
        keyring: testKeyring,
        pollIntervalMs: 3_600_000,
      });
      const users = new PgUserRepository(sql);
      users.handOffQueuedMessagesTo(dispatcher);
      dispatcher.start();
      try {
        const r = aRegistration({ now: clock.now(), plain: '4711' });
        const sent = new Promise<void>((resolve) =>
          dispatcher.onEvent((e) => {
            if (e.kind === 'sent' && e.messageId === r.activation.messageId) resolve();
          }),
        );
        expect(await users.commit({ user: r.user, message: r.activation })).toBe(true);
        await sent;
        expect(receivedBy(r.user.email).map((m) => m.text)).toEqual([
          expect.stringContaining('Your activation code is 4711.'),
        ]);
        expect(await outbox.latestMessageState(r.user.id)).toBe('sent');
        const claimed = await Promise.all(
          claims.mock.results.map((c) => c.value as Promise<ActivationMessage[]>),
        );
        expect(claimed.flat().map((m) => m.id)).not.toContain(r.activation.messageId);
      } finally {
        await dispatcher.stop();
      }
    });

    it('a hand-over lost with its process: the lease runs out, then one claim sends it', async () => {
      const clock = freshClock();
      const outbox = new PgOutbox(sql);
      const users = new PgUserRepository(sql);
      const leaseMs = 30_000;
      // a dispatcher that took the message and died before sending it
      users.handOffQueuedMessagesTo({
        leaseForHandOff: (now) => new Date(now.getTime() + leaseMs),
        handOff: () => undefined,
      });
      const r = aRegistration({ now: clock.now(), ttlSeconds: 60, plain: '0815' });
      expect(await users.commit({ user: r.user, message: r.activation })).toBe(true);
      const other = new OutboxDispatcher({ outbox, mailer, clock, keyring: testKeyring });
      clock.advanceSeconds(leaseMs / 1000 - 1);
      expect((await other.deliverDue({ userId: r.user.id })).sent).toBe(0); // still leased
      clock.advanceSeconds(1);
      expect((await other.deliverDue({ userId: r.user.id })).sent).toBe(1);
      expect((await other.deliverDue({ userId: r.user.id })).sent).toBe(0);
      expect(receivedBy(r.user.email).map((m) => m.text)).toEqual([
        expect.stringContaining('Your activation code is 0815.'),
      ]);
    });

    it('takes hand-overs only while it runs and has fewer than batchSize in flight', async () => {
      const clock = freshClock();
      let release: (() => void) | undefined;
      const held: ActivationMailer = {
        send: () =>
          new Promise<void>((resolve) => {
            release = resolve;
          }),
      };
      const dispatcher = new OutboxDispatcher({
        outbox: new PgOutbox(sql),
        mailer: held,
        clock,
        keyring: testKeyring,
        batchSize: 1,
        leaseSeconds: 30,
        pollIntervalMs: 3_600_000,
      });
      const now = clock.now();
      expect(dispatcher.leaseForHandOff(now)).toBeNull(); // not started
      dispatcher.start();
      expect(dispatcher.leaseForHandOff(now)).toEqual(new Date(now.getTime() + 30_000));
      const settled = new Promise<void>((resolve) => dispatcher.onEvent(() => resolve()));
      dispatcher.handOff({
        id: '00000000-0000-4000-8000-00000000beef',
        userId: '00000000-0000-4000-8000-00000000cafe',
        to: 'held@example.test',
        sealedCode: testKeyring.seal('1234'),
        codeExpiresAt: new Date(now.getTime() + 60_000),
        attempts: 0,
      });
      expect(dispatcher.leaseForHandOff(now)).toBeNull(); // one in flight: at its batch size
      await vi.waitFor(() => expect(release).toBeDefined()); // the send has begun
      release!();
      await settled;
      await vi.waitFor(() => expect(dispatcher.leaseForHandOff(now)).not.toBeNull());
      await dispatcher.stop();
      expect(dispatcher.leaseForHandOff(now)).toBeNull(); // stopped
    });
  });
}
