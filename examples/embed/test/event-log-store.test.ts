import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { outboxContract, userRepositoryContract, aRegistration } from '@signup/domain/testing';
import { EventLogStore } from '../src/event-log-store.js';

const dirs: string[] = [];
function freshStore() {
  const dir = mkdtempSync(join(tmpdir(), 'signup-eventlog-'));
  dirs.push(dir);
  const store = new EventLogStore(join(dir, 'events.jsonl'));
  return Promise.resolve({ users: store, outbox: store });
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

// Your own adapter passes the very suites the PostgreSQL adapter passes.
userRepositoryContract('example event-log store', freshStore);
outboxContract('example event-log store', freshStore);

describe('EventLogStore persistence', () => {
  it('replays its log: a reopened store sees the same accounts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'signup-eventlog-'));
    dirs.push(dir);
    const file = join(dir, 'events.jsonl');
    const { user, activation } = aRegistration();
    await new EventLogStore(file).create(user, activation);
    const reopened = new EventLogStore(file);
    expect((await reopened.findByEmail(user.email))?.toPrimitives()).toEqual(user.toPrimitives());
  });
});
