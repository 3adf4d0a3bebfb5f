import { expect, it } from 'vitest';
import { anomalies, consistency } from '../support/database.js';
import { basicAuth, type HttpResult } from '../support/http-client.js';
import { activate, describeOnStack, register } from '../support/stack.js';

/** Each would change the database, or take 3 s, if it ever reached SQL as text. */
const PAYLOADS = [
  "' OR '1'='1",
  "'; DROP TABLE sql_canary; --",
  '"; DROP TABLE sql_canary; --',
  "'); DELETE FROM sql_canary; --",
  "' || (SELECT pg_sleep(3)) || '",
  "'; SELECT pg_sleep(3); --",
  "1; UPDATE users SET status='active', activated_at=now()",
  "\\'; TRUNCATE users CASCADE; --",
  '$1',
  '%_%',
  "E'\\x27'",
  '/* */ OR 1=1 --',
  "' UNION SELECT password_hash FROM users --",
  // valid address characters (RFC 5322 atext), so these may be stored as emails too
  "x'or'1'='1",
  "o'--",
  "'%_'",
];

describeOnStack(
  'SQL metacharacters in every field',
  'sql-metacharacters',
  ({ file, stack, server, openDb }) => {
    it('are stored verbatim or refused, never executed', async () => {
      const db = openDb();
      await db.query('CREATE TABLE sql_canary (x int)');
      await db.query('INSERT INTO sql_canary VALUES (1)');
      const results: { field: string; payload: string; result: HttpResult }[] = [];
      const stored: { email: string; password: string }[] = [];

      for (const [i, payload] of PAYLOADS.entries()) {
        // password: any characters are allowed, so the payload must be stored (as a hash) and work
        // a mailbox each (a +tag is the same mailbox: 16 would be past its 10 emails a day)
        const email = `o'reilly-${i}+sql@example.com`;
        const password = `${payload}-password-${i}`;
        file.ledger.password(password);
        file.ledger.authorization(basicAuth(email, password));
        const registered = await register(
          server().url,
          { email, password },
          { headers: { 'x-request-id': payload.replace(/[^\x20-\x7e]/g, '') } },
        );
        results.push({
          field: 'password (and an email with a quote)',
          payload,
          result: registered,
        });
        if (registered.status === 201) stored.push({ email, password });

        // email: an address with the payload as its local part is refused or stored as given
        const injectedEmail = `${payload}@example.com`;
        const second = await register(server().url, {
          email: injectedEmail,
          password: `password-${i}-long`,
        });
        results.push({ field: 'email', payload, result: second });
        if (second.status === 201) {
          const { rows } = await db.query('SELECT 1 FROM users WHERE email = $1', [
            injectedEmail.trim().toLowerCase(),
          ]);
          expect(rows, `the account for ${injectedEmail} is stored as given`).toHaveLength(1);
        }

        // Basic Auth user and password, and the code
        const intruder = { email: payload, password: payload };
        results.push({
          field: 'Authorization',
          payload,
          result: await activate(server().url, intruder, '1234'),
        });
        results.push({
          field: 'code',
          payload,
          result: await activate(server().url, { email, password }, payload),
        });
      }

      const failures = results.filter(
        (r) => r.result.status >= 500 || r.result.status === 0 || r.result.ms > 2500,
      );
      expect(
        failures.map((f) => `${f.field} ${f.payload}: ${f.result.status} in ${f.result.ms} ms`),
      ).toEqual([]);
      expect(
        results.filter((r) => r.field === 'Authorization').map((r) => r.result.status),
      ).toEqual(PAYLOADS.map(() => 401));
      expect(
        results
          .filter((r) => r.field === 'code')
          .every((r) => [400, 401, 422].includes(r.result.status)),
      ).toBe(true);
      expect(stored).toHaveLength(PAYLOADS.length);

      // Nothing ran: the canary is there, nobody became active by injection, every account is whole.
      const canary = await db.query<{ x: number }>('SELECT x FROM sql_canary');
      expect(canary.rows).toEqual([{ x: 1 }]);
      const active = await db.query("SELECT 1 FROM users WHERE status = 'active'");
      expect(active.rows).toHaveLength(0);
      expect(anomalies(await consistency(db))).toEqual({});

      // The stored passwords round-trip: the mailed code activates each account.
      await stack().smtp.waitForRecipients(
        stored.map((s) => s.email),
        15_000,
      );
      for (const account of stored) {
        const code = stack().smtp.byRecipient(account.email).at(-1)!.code!;
        expect((await activate(server().url, account, code)).status, account.password).toBe(200);
      }
      file.figures.requestsFuzzed += results.length;
      file.figures.mailsSent += stack().smtp.messages.length;
      console.log(
        `[reliability] sql-metacharacters: ${PAYLOADS.length} payloads x 4 fields, ${results.length} requests, ` +
          `${stored.length} stored passwords activated, statuses ${[...new Set(results.map((r) => r.result.status))].join(' ')}`,
      );
    });

    file.itLeaksNoSecrets();
  },
  { name: 'sql' },
);
