import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActivationCodeInvalidError, type ActivationMailer } from '@signup/domain';
import { afterEach, describe, expect, it } from 'vitest';
import { openSignupModule, type SignupModule } from '../src/signup-module.js';

const here = import.meta.dirname;

describe('examples/embed: the domain inside a service of its own', () => {
  let dir: string;
  let module: SignupModule | undefined;
  afterEach(async () => {
    await module?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers, receives the code through its own mailer and activates', async () => {
    dir = mkdtempSync(join(tmpdir(), 'signup-embed-test-'));
    const codes: string[] = [];
    const mailer: ActivationMailer = {
      send: ({ code }) => {
        codes.push(code);
        return Promise.resolve();
      },
    };
    module = await openSignupModule({ dataDir: dir, mailer, bcryptCost: 4 });
    await module.signUp('Grace@Example.com', 'password-1234');
    await module.flushMail();
    expect(codes).toHaveLength(1);
    const wrong = codes[0] === '0000' ? '0001' : '0000';
    await expect(
      module.confirm('grace@example.com', 'password-1234', wrong),
    ).rejects.toBeInstanceOf(ActivationCodeInvalidError);
    const user = await module.confirm('grace@example.com', 'password-1234', codes[0]!);
    expect(user).toMatchObject({ email: 'grace@example.com', status: 'active' });
  });

  it('runs as a program (the built example)', () => {
    dir = mkdtempSync(join(tmpdir(), 'signup-embed-run-'));
    const out = execFileSync(process.execPath, [join(here, '..', 'dist', 'main.js')], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(out).toContain('activated ada@example.com: active');
  });
});
