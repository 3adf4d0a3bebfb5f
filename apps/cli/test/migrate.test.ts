import { expect, it } from 'vitest';
import { describeOnPostgres, type Engine } from './support/engines.js';
import { json, runSignup } from './support/run-signup.js';

describeOnPostgres('signup migrate', (engine: () => Engine) => {
  const run = (args: string[]) => runSignup(args, { env: engine().env() });

  it('other commands refuse an unmigrated database (exit 3); migrate applies, then has nothing to do', async () => {
    const before = await run(['users', 'list', '--json']);
    expect(before.code).toBe(3);
    expect(before.stderr).toMatch(
      /^signup: the database schema is not up to date .*run "signup migrate" first\n$/,
    );
    expect(json(before)).toEqual({ error: expect.objectContaining({ code: 'schema_outdated' }) });

    const first = await run(['migrate', '--json']);
    expect(first.code, first.stderr).toBe(0);
    const { applied } = json<{ applied: string[] }>(first);
    expect(applied.length).toBeGreaterThan(0);
    expect(applied[0]).toMatch(/^0001/);

    const second = await run(['migrate']);
    expect(second).toMatchObject({
      code: 0,
      stdout: 'The database schema is up to date; nothing to apply.\n',
    });

    const after = await run(['users', 'list', '--json']);
    expect(after.code, after.stderr).toBe(0);
    expect(json(after)).toEqual([]);
    expect((await run(['users', 'list'])).stdout).toBe('No accounts.\n');
  });
});
