import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Waits until `predicate` holds for the output so far, or fails after `ms`. */
function waitFor(output: () => string, predicate: RegExp, ms: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + ms;
    const tick = () => {
      const match = output().match(predicate);
      if (match) return resolve(match);
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${predicate}`));
      setTimeout(tick, 100);
    };
    tick();
  });
}

/**
 * The README's promise to a newcomer, kept by a test: a fresh clone, `npm ci`,
 * `npm start` with nothing configured, register, read the code from the console
 * mail in the log, activate, SIGTERM, exit 0.
 */
describe('a newcomer on a fresh clone', () => {
  const dir = mkdtempSync(join(tmpdir(), 'signup-newcomer-'));
  let server: ChildProcess | undefined;
  afterAll(() => {
    server?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs npm ci && npm start, registers, activates and stops cleanly', async () => {
    execFileSync('git', ['clone', '--quiet', root, dir]);
    const env = { PATH: process.env.PATH, HOME: process.env.HOME };
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: dir,
      env,
      stdio: 'ignore',
      timeout: 240_000,
    });

    const port = await freePort();
    let output = '';
    server = spawn('npm', ['start'], { cwd: dir, env: { ...env, PORT: String(port) } });
    server.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => server?.once('exit', resolve));

    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 120_000;
    while (
      !(await fetch(`${base}/livez`).then(
        (r) => r.ok,
        () => false,
      ))
    ) {
      if (Date.now() > deadline) throw new Error(`server did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 250));
    }

    const email = 'newcomer@example.com';
    const password = 'a long enough password';
    const registered = await fetch(`${base}/api/v1/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    expect(registered.status).toBe(201);

    const [, code] = await waitFor(() => output, /Your activation code is (\d{4})\./, 10_000);
    const activated = await fetch(`${base}/api/v1/activate`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}`,
      },
      body: JSON.stringify({ code }),
    });
    expect(activated.status).toBe(200);
    expect(await activated.json()).toMatchObject({ email, status: 'active' });

    server.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
