import { describe, expect, it } from 'vitest';
import { aWorld, type World } from './support/world.js';

const HOUR = 3600;
const emails = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => `${prefix}-${i}@example.test`);

async function registerAll(w: World, list: string[]) {
  for (const email of list) await w.register(email);
}

async function remaining(w: World): Promise<string[]> {
  return (await w.users.list({ limit: 1000 })).map((u) => u.email).sort();
}

describe('PurgeExpiredRegistrations', () => {
  it('purges only pending accounts whose code expired longer ago than the threshold', async () => {
    const w = aWorld({ codes: ['1234'] });
    const start = w.clock.now();
    await w.register('old@example.test'); // code expires at start + 60 s
    await w.register('active@example.test');
    await w.activate('1234', 'active@example.test');
    w.clock.advanceSeconds(HOUR);
    await w.register('recent@example.test'); // code expires at start + 1 h + 60 s

    // Exactly one hour after old's expiry: not *longer* ago, kept.
    w.clock.set(new Date(start.getTime() + 60_000 + HOUR * 1000));
    let result = await w.service.purgeExpired.execute({ olderThanSeconds: HOUR, batchSize: 100 });
    expect(result).toEqual({
      dryRun: false,
      count: 0,
      expiredBefore: new Date(start.getTime() + 60_000),
      // Every mailbox was sent an email within the last 24 h: none has been forgotten yet.
      mailboxesForgotten: 0,
    });
    expect(await remaining(w)).toEqual([
      'active@example.test',
      'old@example.test',
      'recent@example.test',
    ]);

    w.clock.advanceMs(1);
    result = await w.service.purgeExpired.execute({ olderThanSeconds: HOUR, batchSize: 100 });
    expect(result.count).toBe(1);
    expect(await remaining(w)).toEqual(['active@example.test', 'recent@example.test']);
  });

  it('never touches an active account, however old', async () => {
    const w = aWorld({ codes: ['1234'] });
    await w.register('active@example.test');
    await w.activate('1234', 'active@example.test');
    w.clock.advanceSeconds(365 * 24 * HOUR);
    const result = await w.service.purgeExpired.execute({ olderThanSeconds: 0, batchSize: 10 });
    expect(result.count).toBe(0);
    expect(await remaining(w)).toEqual(['active@example.test']);
  });

  it('keeps an account whose code was renewed, judging by the live code', async () => {
    const w = aWorld();
    await w.register('renewed@example.test');
    w.clock.advanceSeconds(2 * HOUR);
    await w.service.resend.asOperator({ email: 'renewed@example.test' });
    w.clock.advanceSeconds(120);
    const result = await w.service.purgeExpired.execute({ olderThanSeconds: HOUR, batchSize: 10 });
    expect(result.count).toBe(0);
    expect(await remaining(w)).toEqual(['renewed@example.test']);
  });

  it('deletes the purged accounts with their messages, and the email can register afresh', async () => {
    const w = aWorld();
    const { user } = await w.register('gone@example.test');
    w.clock.advanceSeconds(2 * HOUR);
    await w.service.purgeExpired.execute({ olderThanSeconds: HOUR, batchSize: 10 });
    expect(await w.users.findById(user.id)).toBeNull();
    expect(await w.queued()).toEqual([]);
    const again = await w.register('gone@example.test');
    expect(again.user.id).not.toBe(user.id);
  });

  it('deletes in batches, reporting the running total after each', async () => {
    const w = aWorld();
    await registerAll(w, emails(5, 'batch'));
    w.clock.advanceSeconds(2 * HOUR);
    const totals: number[] = [];
    const result = await w.service.purgeExpired.execute({
      olderThanSeconds: HOUR,
      batchSize: 2,
      onBatch: (total) => totals.push(total),
    });
    expect(totals).toEqual([2, 4, 5]);
    expect(result.count).toBe(5);
    expect(await remaining(w)).toEqual([]);
  });

  it('stops after a short batch, also when the total is a multiple of the batch size', async () => {
    const w = aWorld();
    await registerAll(w, emails(4, 'even'));
    w.clock.advanceSeconds(2 * HOUR);
    const totals: number[] = [];
    await w.service.purgeExpired.execute({
      olderThanSeconds: HOUR,
      batchSize: 2,
      onBatch: (t) => totals.push(t),
    });
    expect(totals).toEqual([2, 4, 4]);
  });

  it('with dryRun counts what would go and deletes nothing', async () => {
    const w = aWorld();
    await registerAll(w, emails(3, 'dry'));
    w.clock.advanceSeconds(2 * HOUR);
    await w.register('fresh@example.test');
    const before = await remaining(w);
    const totals: number[] = [];
    const dry = await w.service.purgeExpired.execute({
      olderThanSeconds: HOUR,
      batchSize: 1,
      dryRun: true,
      onBatch: (t) => totals.push(t),
    });
    expect(dry).toEqual({
      dryRun: true,
      count: 3,
      expiredBefore: new Date(w.clock.now().getTime() - HOUR * 1000),
      mailboxesForgotten: 0,
    });
    expect(await remaining(w)).toEqual(before);
    expect(totals).toEqual([]);
    const real = await w.service.purgeExpired.execute({ olderThanSeconds: HOUR, batchSize: 1 });
    expect(real.count).toBe(3);
    expect(await remaining(w)).toEqual(['fresh@example.test']);
  });

  it.each([
    { batchSize: 0, olderThanSeconds: 0 },
    { batchSize: 1.5, olderThanSeconds: 0 },
    { batchSize: -1, olderThanSeconds: 0 },
    { batchSize: 10, olderThanSeconds: -1 },
    { batchSize: 10, olderThanSeconds: Number.NaN },
  ])('refuses the options %j', async (options) => {
    const w = aWorld();
    await expect(w.service.purgeExpired.execute(options)).rejects.toBeInstanceOf(RangeError);
  });
});
