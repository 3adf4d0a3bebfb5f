import { expect, it } from 'vitest';
import { emailsOf } from '../support/database.js';
import { keepAliveAgent, loadUntil } from '../support/http-client.js';
import { rawRequest } from '../support/raw-http.js';
import { startServer } from '@signup/testkit';
import { describeOnStack, newAccount, register, type Account } from '../support/stack.js';

const SHUTDOWN_TIMEOUT_SECONDS = 5;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A registration whose body is still arriving when `gate` opens. */
function slowRegistration(port: number, account: Account, gate: Promise<void>) {
  const body = JSON.stringify({ email: account.email, password: account.password });
  const half = Math.floor(body.length / 2);
  return rawRequest(
    port,
    [
      `POST /api/v1/register HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`,
      body.slice(0, half),
      () => gate,
      body.slice(half),
    ],
    { timeoutMs: 15_000 },
  );
}

describeOnStack('SIGTERM under load', 'graceful-shutdown', ({ file, stack, openDb }) => {
  it('completes the requests in flight and exits 0 within SHUTDOWN_TIMEOUT_SECONDS', async () => {
    const db = openDb();
    const env = stack().env({ SHUTDOWN_TIMEOUT_SECONDS: String(SHUTDOWN_TIMEOUT_SECONDS) });
    const server = await startServer(env, { name: 'sigterm' });

    const agent = keepAliveAgent(8);
    file.defer(() => agent.destroy());
    const load = loadUntil(
      8,
      () => server.exit !== null,
      async () => {
        const account = newAccount(file.ledger, 'sigterm');
        const result = await register(server.url, account, { agent, timeoutMs: 10_000 });
        if (result.status === 0) await sleep(50); // refused after the signal: back off
        return { account, result };
      },
    );
    let open = () => undefined as void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const slowAccounts = [1, 2, 3].map(() => newAccount(file.ledger, 'slow'));
    const slow = slowAccounts.map((account) => slowRegistration(server.port, account, gate));

    await sleep(1000); // load under way, the slow requests half sent
    const signalledAt = Date.now();
    process.kill(server.pid, 'SIGTERM');
    await sleep(500);
    open(); // the slow bodies finish arriving after the signal
    const slowResults = await Promise.all(slow);
    const exit = await server.stop('SIGTERM', (SHUTDOWN_TIMEOUT_SECONDS + 5) * 1000);
    const attempts = await load;
    const exitedIn = exit.at - signalledAt;

    const created = [
      ...attempts.filter((a) => a.result.status === 201).map((a) => a.account.email),
      ...slowAccounts.filter((_, i) => slowResults[i]!.status === 201).map((a) => a.email),
    ];
    const refusedAfter = attempts.filter((a) => a.result.status === 0).length;
    file.figures.faultsSurvived += 1;
    console.log(
      `[reliability] graceful-shutdown: exit ${exit.code} ${exitedIn} ms after SIGTERM, ${created.length} 201s, ` +
        `${refusedAfter} requests refused after the signal, slow requests ${slowResults.map((r) => r.status).join(' ')}`,
    );

    expect(exit.code).toBe(0);
    expect(exitedIn).toBeLessThanOrEqual(SHUTDOWN_TIMEOUT_SECONDS * 1000 + 500);
    expect(slowResults.map((r) => r.status)).toEqual([201, 201, 201]);
    // Every request sent well before the signal was answered, none with a 5xx other than 503.
    const early = attempts.filter((a) => a.result.startedAt < signalledAt - 250);
    expect(
      early.filter((a) => a.result.status !== 201).map((a) => a.result.error ?? a.result.status),
    ).toEqual([]);
    expect(attempts.filter((a) => a.result.status >= 500 && a.result.status !== 503)).toEqual([]);

    // Every 201 is stored and mailed (by the shutdown flush, or by the next process).
    const stored = new Set(await emailsOf(db));
    expect(created.filter((email) => !stored.has(email))).toEqual([]);
    const deliveredBeforeExit = created.filter(
      (email) => stack().smtp.byRecipient(email).length > 0,
    ).length;
    const next = await startServer(env, { name: 'sigterm-next' });
    await stack().smtp.waitForRecipients(created, 20_000);
    await next.stop('SIGTERM');
    file.figures.mailsSent += stack().smtp.messages.length;
    const duplicates = stack().smtp.duplicates();
    file.figures.duplicates += [...duplicates.values()].reduce((n, c) => n + c - 1, 0);
    console.log(
      `[reliability] graceful-shutdown: ${deliveredBeforeExit} of ${created.length} mails out before exit, the rest by the next process`,
    );
    expect(Object.fromEntries(duplicates)).toEqual({});
  });

  it('still exits within SHUTDOWN_TIMEOUT_SECONDS when a client never finishes its request', async () => {
    const timeoutSeconds = 2;
    const server = await startServer(
      stack().env({ SHUTDOWN_TIMEOUT_SECONDS: String(timeoutSeconds) }),
      {
        name: 'sigterm-stuck',
      },
    );
    const stuck = rawRequest(
      server.port,
      [
        'POST /api/v1/register HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"email":',
      ],
      { timeoutMs: 10_000 },
    );
    await sleep(300);
    const signalledAt = Date.now();
    const exit = await server.stop('SIGTERM', (timeoutSeconds + 5) * 1000);
    const exitedIn = exit.at - signalledAt;
    const response = await stuck;
    console.log(
      `[reliability] graceful-shutdown: with a stuck client, exit ${exit.code} ${exitedIn} ms after SIGTERM (client got ${response.status || 'a closed connection'})`,
    );
    file.figures.faultsSurvived += 1;
    expect(exitedIn).toBeLessThanOrEqual(timeoutSeconds * 1000 + 1000);
    expect(response.status).not.toBeGreaterThanOrEqual(500);
  });

  file.itLeaksNoSecrets();
});
