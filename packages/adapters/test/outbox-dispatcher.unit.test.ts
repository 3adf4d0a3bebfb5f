import type { ActivationMailer, Outbox } from '@signup/domain';
import {
  aRegistration,
  createInMemoryStore,
  FakeClock,
  RecordingMailer,
  testKeyring,
} from '@signup/domain/testing';
import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from '../src/outbox/backoff.js';
import { OutboxDispatcher, type DispatchEvent } from '../src/outbox/outbox-dispatcher.js';

describe('backoffDelayMs', () => {
  const policy = { baseMs: 500, maxMs: 60_000 };

  it('doubles from the base, with half of each delay random', () => {
    expect(backoffDelayMs(1, policy, () => 0)).toBe(250);
    expect(backoffDelayMs(1, policy, () => 1)).toBe(500);
    expect(backoffDelayMs(3, policy, () => 0)).toBe(1000);
    expect(backoffDelayMs(3, policy, () => 1)).toBe(2000);
  });

  it('is capped at maxMs however many attempts failed', () => {
    expect(backoffDelayMs(50, policy, () => 1)).toBe(60_000);
    expect(backoffDelayMs(1000, policy, () => 0)).toBe(30_000);
  });
});

describe('OutboxDispatcher (in-memory outbox)', () => {
  async function setup(mailer: ActivationMailer = new RecordingMailer()) {
    const store = createInMemoryStore();
    const clock = new FakeClock();
    const dispatcher = new OutboxDispatcher({
      outbox: store.outbox,
      mailer,
      clock,
      keyring: testKeyring,
      batchSize: 3,
    });
    const events: DispatchEvent[] = [];
    dispatcher.onEvent((e) => events.push(e));
    const registered = [];
    for (let i = 0; i < 7; i += 1) {
      const r = aRegistration({ now: clock.now() });
      await store.users.commit({ user: r.user, message: r.activation });
      registered.push(r);
    }
    return { store, clock, dispatcher, events, registered };
  }

  it('deliverDue claims batch after batch until nothing is due, and reports each outcome', async () => {
    const mailer = new RecordingMailer();
    const { dispatcher, events } = await setup(mailer);
    expect(await dispatcher.deliverDue()).toEqual({ sent: 7, retried: 0, dropped: 0 });
    expect(mailer.sent).toHaveLength(7);
    expect(events.filter((e) => e.kind === 'sent')).toHaveLength(7);
    expect(await dispatcher.deliverDue()).toEqual({ sent: 0, retried: 0, dropped: 0 });
  });

  it("deliverDue scoped to one account sends that account's mail and leaves the rest due", async () => {
    const mailer = new RecordingMailer();
    const { dispatcher, registered } = await setup(mailer);
    const one = registered[4];
    if (!one) throw new Error('expected a registration');
    expect(await dispatcher.deliverDue({ userId: one.user.id })).toEqual({
      sent: 1,
      retried: 0,
      dropped: 0,
    });
    expect(mailer.sent.map((m) => m.to)).toEqual([one.user.email]);
    expect(await dispatcher.deliverDue()).toEqual({ sent: 6, retried: 0, dropped: 0 });
  });

  it('deliverDue claims no batch after its deadline: the rest stays due', async () => {
    const mailer = new RecordingMailer();
    const { dispatcher } = await setup(mailer);
    const past = performance.now();
    expect(await dispatcher.deliverDue({}, { until: past })).toEqual({
      sent: 0,
      retried: 0,
      dropped: 0,
    });
    expect(await dispatcher.deliverDue()).toEqual({ sent: 7, retried: 0, dropped: 0 });
  });

  it('a failed send is retried later, not at once, and reported with its error', async () => {
    const mailer = new RecordingMailer();
    mailer.failWith = new Error('421 try later');
    const { dispatcher, events, clock } = await setup(mailer);
    expect(await dispatcher.deliverDue()).toEqual({ sent: 0, retried: 7, dropped: 0 });
    expect(events[0]).toMatchObject({ kind: 'retry', error: '421 try later' });
    expect(await dispatcher.deliverDue()).toEqual({ sent: 0, retried: 0, dropped: 0 });
    mailer.failWith = null;
    clock.advanceSeconds(1);
    expect(await dispatcher.deliverDue()).toEqual({ sent: 7, retried: 0, dropped: 0 });
  });

  it('never sends a message whose code has expired', async () => {
    const mailer = new RecordingMailer();
    const { dispatcher, clock } = await setup(mailer);
    clock.advanceSeconds(60);
    expect(await dispatcher.deliverDue()).toEqual({ sent: 0, retried: 0, dropped: 7 });
    expect(mailer.sent).toHaveLength(0);
  });

  it('stop waits for a send in flight, but no longer than the drain bound', async () => {
    const hanging: ActivationMailer = { send: () => new Promise(() => undefined) };
    const { dispatcher } = await setup(hanging);
    dispatcher.start();
    await new Promise((resolve) => setImmediate(resolve));
    const started = performance.now();
    await dispatcher.stop(200);
    const took = performance.now() - started;
    expect(took).toBeGreaterThanOrEqual(150);
    expect(took).toBeLessThan(1000);
  });

  /** An outbox whose markSent fails `failures` times, then works. */
  function flakyMarks(failures: number) {
    const store = createInMemoryStore();
    let left = failures;
    const outbox: Outbox = Object.assign(Object.create(store.outbox) as Outbox, {
      markSent: (id: string, now: Date) => {
        if (left > 0) {
          left -= 1;
          return Promise.reject(new Error('connection terminated'));
        }
        return store.outbox.markSent(id, now);
      },
    });
    return { store, outbox };
  }

  it('records "sent" through a short database outage: the mail goes out once', async () => {
    const { store, outbox } = flakyMarks(3);
    const clock = new FakeClock();
    const mailer = new RecordingMailer();
    const dispatcher = new OutboxDispatcher({
      outbox,
      mailer,
      clock,
      keyring: testKeyring,
      markSentRetryMs: [1, 1, 1, 1],
    });
    const r = aRegistration({ now: clock.now() });
    await store.users.commit({ user: r.user, message: r.activation });
    expect(await dispatcher.deliverDue()).toEqual({ sent: 1, retried: 0, dropped: 0 });
    clock.advanceSeconds(120); // long past the lease: recorded, so never claimed again
    expect(await dispatcher.deliverDue()).toEqual({ sent: 0, retried: 0, dropped: 0 });
    expect(mailer.sent).toHaveLength(1);
  });

  it('gives up recording after its tries: the pass fails and the lease brings the message back', async () => {
    const { store, outbox } = flakyMarks(3);
    const clock = new FakeClock();
    const mailer = new RecordingMailer();
    const dispatcher = new OutboxDispatcher({
      outbox,
      mailer,
      clock,
      keyring: testKeyring,
      leaseSeconds: 10,
      markSentRetryMs: [1],
    });
    const r = aRegistration({ now: clock.now() });
    await store.users.commit({ user: r.user, message: r.activation });
    await expect(dispatcher.deliverDue()).rejects.toThrow('connection terminated');
    expect(await dispatcher.deliverDue()).toEqual({ sent: 0, retried: 0, dropped: 0 }); // leased
    clock.advanceSeconds(11); // the lease is over, the code (60 s) still valid
    expect(await dispatcher.deliverDue()).toEqual({ sent: 1, retried: 0, dropped: 0 });
    expect(mailer.sent).toHaveLength(2); // the documented duplicate window
  });

  it('wakes on a queued-message signal without waiting for the poll', async () => {
    const store = createInMemoryStore();
    const clock = new FakeClock();
    const mailer = new RecordingMailer();
    let signal: (() => void) | undefined;
    const dispatcher = new OutboxDispatcher({
      outbox: store.outbox,
      mailer,
      clock,
      keyring: testKeyring,
      pollIntervalMs: 60_000,
      wake: (listener) => {
        signal = listener;
        return () => (signal = undefined);
      },
    });
    const sent = new Promise<void>((resolve) =>
      dispatcher.onEvent((e) => e.kind === 'sent' && resolve()),
    );
    dispatcher.start();
    await new Promise((resolve) => setImmediate(resolve));
    const r = aRegistration({ now: clock.now() });
    await store.users.commit({ user: r.user, message: r.activation });
    signal?.();
    await sent;
    expect(mailer.sent).toHaveLength(1);
    await dispatcher.stop();
    expect(signal).toBeUndefined(); // unsubscribed
  });
});
