import { spawn } from 'node:child_process';
import { beforeAll, expect, it } from 'vitest';
import { describeOnPostgres, type Engine } from './support/engines.js';
import {
  activationCodeIn,
  BASE_ENV,
  runSignup,
  SIGNUP_BIN,
  uniqueEmail,
} from './support/run-signup.js';

const PASSWORD = 'hidden-Passw0rd';

/**
 * Runs the CLI on a pseudo-terminal (util-linux `script`), answering each
 * prompt once it appears, as a person would.
 */
function runOnTerminal(
  args: string[],
  env: Record<string, string>,
  answers: string[],
): Promise<string> {
  const command = [process.execPath, SIGNUP_BIN, ...args].map((a) => `'${a}'`).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    env: { PATH: process.env.PATH ?? '', ...BASE_ENV, ...env },
  });
  let output = '';
  let answered = 0;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`timed out; output so far:\n${output}`));
    }, 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const prompts = output.match(/[Pp]assword: /g)?.length ?? 0;
      if (prompts > answered && answered < answers.length) {
        child.stdin.write(`${answers[answered]}\r`);
        answered += 1;
      }
    });
    child.on('close', () => {
      clearTimeout(timer);
      resolve(output);
    });
  });
}

describeOnPostgres('signup register on a terminal', (engine: () => Engine) => {
  const env = () => engine().env();
  beforeAll(async () => {
    expect((await runSignup(['migrate'], { env: env() })).code).toBe(0);
  });

  it('asks for the password twice with a hidden prompt: nothing is echoed', async () => {
    const email = uniqueEmail();
    const output = await runOnTerminal(['register', email], env(), [PASSWORD, PASSWORD]);
    expect(output).toContain('Password: ');
    expect(output).toContain('Repeat password: ');
    expect(output).not.toContain(PASSWORD);
    expect(output).toContain(`Registered ${email} (pending`);
    const code = activationCodeIn(output);
    expect((await runSignup(['activate', email, code], { env: env() })).code).toBe(0);
  });

  it('refuses two different passwords (exit 2)', async () => {
    const email = uniqueEmail();
    const output = await runOnTerminal(['register', email], env(), [PASSWORD, `${PASSWORD}x`]);
    expect(output).toContain('signup: the two passwords do not match');
    expect(output).not.toContain(PASSWORD);
    const shown = await runSignup(['users', 'show', email], { env: env() });
    expect(shown.code).toBe(1);
  });
});
