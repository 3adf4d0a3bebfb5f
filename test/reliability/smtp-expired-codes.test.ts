import { expect, it } from 'vitest';
import { eventually, json, pool, send } from '../support/http-client.js';
import { describeOnStack, metricValue, newAccount, register } from '../support/stack.js';

const TTL_SECONDS = 3;
const DROPPED = { outcome: 'dropped' };

describeOnStack(
  'SMTP down past the codes lifetime',
  'smtp-expired-codes',
  ({ file, stack, server, openDb }) => {
    const metrics = async () => (await send(server().url, { path: '/metrics' })).text;

    it('drops the expired messages, counts them in /metrics, and never sends them late', async () => {
      const db = openDb();
      const droppedBefore = metricValue(await metrics(), 'signup_outbox_dispatched_total', DROPPED);

      stack().smtpProxy.cut();
      const accounts = Array.from({ length: 10 }, () => newAccount(file.ledger, 'expired'));
      const results = await pool(accounts.length, 5, (i) => register(server().url, accounts[i]!));
      expect(results.map((r) => r.status)).toEqual(results.map(() => 201));
      const latestExpiry = Math.max(
        ...results.map((r) =>
          Date.parse(json<{ activationCodeExpiresAt: string }>(r).activationCodeExpiresAt),
        ),
      );

      // Every one is dropped once its code has expired (retries back off, so allow a while).
      const dropped = await eventually(
        'the dropped counter to count all 10',
        async () => {
          const value =
            metricValue(await metrics(), 'signup_outbox_dispatched_total', DROPPED) - droppedBefore;
          return value >= accounts.length ? value : undefined;
        },
        40_000,
        500,
      );
      expect(dropped).toBe(accounts.length);
      expect(Date.now()).toBeGreaterThanOrEqual(latestExpiry);
      // a dropped message keeps no code, not even sealed
      const { rows } = await db.query<{ dropped: boolean; sealed_code: string | null }>(
        `SELECT o.dropped_at IS NOT NULL AS dropped, o.sealed_code FROM outbox o JOIN users u ON u.id = o.user_id
        WHERE u.email = ANY($1)`,
        [accounts.map((a) => a.email)],
      );
      expect(rows).toEqual(accounts.map(() => ({ dropped: true, sealed_code: null })));

      // SMTP is back: a fresh registration is delivered, the dropped ones never are.
      stack().smtpProxy.restore();
      const control = newAccount(file.ledger, 'control');
      expect((await register(server().url, control)).status).toBe(201);
      await stack().smtp.waitForRecipients([control.email], 10_000);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const late = accounts.filter((a) => stack().smtp.byRecipient(a.email).length > 0);
      expect(late.map((a) => a.email)).toEqual([]);

      file.figures.faultsSurvived += 1;
      file.figures.mailsSent += stack().smtp.messages.length;
      file.figures.duplicates +=
        stack().smtp.messages.length - new Set(stack().smtp.messages.map((m) => m.recipient)).size;
      console.log(
        `[reliability] smtp-expired-codes: dropped ${dropped} of ${accounts.length}, sent late 0`,
      );
      expect(server().exit).toBeNull();
    });

    file.itLeaksNoSecrets();
  },
  { name: 'smtp-expired', env: { ACTIVATION_CODE_TTL_SECONDS: String(TTL_SECONDS) } },
);
