import { expect, it } from 'vitest';
import { basicAuth, send, type HttpResult } from '../support/http-client.js';
import { codesIn } from '../support/secrets.js';
import { capturedLines, startServer } from '@signup/testkit';
import { describeOnStack, activate, newAccount, register } from '../support/stack.js';

const HASH = /\$2[abxy]?\$\d{2}\$/;
const VARYING_HEADERS = new Set(['date', 'x-request-id']);

const sameExceptVarying = (headers: HttpResult['headers']) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !VARYING_HEADERS.has(name)));

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

describeOnStack(
  'Secrets stay secret',
  'secrets',
  ({ file, stack, server }) => {
    const responses: HttpResult[] = [];
    const track = async (result: Promise<HttpResult>) => {
      const r = await result;
      responses.push(r);
      return r;
    };

    it('never puts a hash, a password or a code in a response', async () => {
      // The OpenAPI document, before any account or code exists: its example code ("0042")
      // and "code again (ISO-8601" look like codes to the scan, so it is checked by being
      // unchanged at the end instead (a mailed code that happened to be 0042 failed CI).
      const documentBefore = await send(server().url, { path: '/openapi.json' });
      expect(documentBefore.status).toBe(200);
      const account = newAccount(file.ledger, 'secret');
      // Each step waits for its own mail before the next one: the messages travel on
      // separate SMTP connections, so two sent close together may arrive in either order.
      expect((await track(register(server().url, account))).status).toBe(201);
      await stack().smtp.next(account.email);
      expect((await track(register(server().url, account))).status).toBe(201); // pending: replaced
      await stack().smtp.next(account.email);
      const auth = { authorization: basicAuth(account.email, account.password) };
      expect(
        (
          await track(
            send(server().url, { method: 'POST', path: '/api/v1/activation-code', headers: auth }),
          )
        ).status,
      ).toBe(202);
      const code = await stack().smtp.codeFor(account.email);
      const wrong = code === '0000' ? '1111' : '0000';
      expect((await track(activate(server().url, account, wrong))).status).toBe(400);
      expect(
        (
          await track(
            activate(server().url, { ...account, password: `${account.password}!` }, code),
          )
        ).status,
      ).toBe(401);
      expect((await track(activate(server().url, account, code))).status).toBe(200);
      expect((await track(activate(server().url, account, code))).status).toBe(409);
      expect((await track(register(server().url, account))).status).toBe(409);
      await track(
        send(server().url, { method: 'POST', path: '/api/v1/activation-code', headers: auth }),
      );
      await track(send(server().url, { path: '/api/v1/health' }));
      await track(send(server().url, { path: '/metrics' }));
      const document = await track(send(server().url, { path: '/openapi.json' }));
      expect(document.text).toBe(documentBefore.text);

      const carrying = responses.filter(
        (r) =>
          HASH.test(r.text) ||
          [...file.ledger.passwords].some((p) => r.text.includes(p)) ||
          (r !== document && [...codesIn(r.text)].some((c) => file.ledger.codes.has(c))),
      );
      expect(carrying.map((r) => `${r.status} ${r.text.slice(0, 200)}`)).toEqual([]);
    });

    it('answers unknown email, wrong password and bad headers with the identical 401', async () => {
      const account = newAccount(file.ledger, 'enum');
      expect((await register(server().url, account)).status).toBe(201);
      const attempt = (authorization: string | undefined) =>
        send(server().url, {
          method: 'POST',
          path: '/api/v1/activate',
          headers: {
            'x-request-id': 'same-request-id',
            ...(authorization ? { authorization } : {}),
          },
          body: { code: '1234' },
        });
      const unknown = await attempt(basicAuth(`nobody-${account.email}`, account.password));
      const wrongPassword = await attempt(basicAuth(account.email, `${account.password}x`));
      const others = await Promise.all(
        [
          undefined,
          'Bearer abc',
          'Basic !!!',
          `Basic ${Buffer.from('no-colon').toString('base64')}`,
        ].map(attempt),
      );

      expect(unknown.status).toBe(401);
      expect(unknown.headers['www-authenticate']).toBe('Basic realm="signup", charset="UTF-8"');
      expect(wrongPassword.text).toBe(unknown.text);
      expect(sameExceptVarying(wrongPassword.headers)).toEqual(sameExceptVarying(unknown.headers));
      for (const other of others) {
        expect(other.status).toBe(401);
        expect(other.text).toBe(unknown.text);
      }
    });

    it('takes about as long for an unknown email as for a wrong password', async () => {
      // A realistic cost, so a skipped hash comparison would show.
      // 12 wrong passwords for one address: past the per-mailbox limit (10 per 15 min), which
      // answers 429 before any hash; raised here so every one is a real comparison.
      const slow = await startServer(
        stack().env({ BCRYPT_COST: '10', PASSWORD_FAILURES_PER_15_MINUTES: '100' }),
        { name: 'secrets-timing' },
      );
      const account = newAccount(file.ledger, 'timing');
      expect((await register(slow.url, account)).status).toBe(201);
      const unknown: number[] = [];
      const wrong: number[] = [];
      for (let i = 0; i < 12; i += 1) {
        const u = await activate(
          slow.url,
          { email: `nobody-${i}-${account.email}`, password: account.password },
          '1234',
        );
        const w = await activate(
          slow.url,
          { ...account, password: `${account.password}${i}` },
          '1234',
        );
        expect([u.status, w.status]).toEqual([401, 401]);
        unknown.push(u.ms);
        wrong.push(w.ms);
      }
      await slow.stop('SIGTERM');
      const ratio = median(unknown) / median(wrong);
      console.log(
        `[reliability] secrets: 401 median ${median(unknown)} ms for an unknown email, ${median(wrong)} ms for a wrong password (ratio ${ratio.toFixed(2)})`,
      );
      expect(median(wrong)).toBeGreaterThan(5); // the hash comparison really ran
      expect(ratio).toBeGreaterThan(0.5);
      expect(ratio).toBeLessThan(2);
    });

    it('never logs a password hash either', () => {
      expect(
        capturedLines.filter((line) => HASH.test(line.text)).map((line) => line.text.slice(0, 300)),
      ).toEqual([]);
    });

    file.itLeaksNoSecrets();
  },
  {
    name: 'secrets',
    // trace: the most talkative the service can be, with SMTP so the console mailer is off
    env: { LOG_LEVEL: 'trace', ACTIVATION_RESEND_COOLDOWN_SECONDS: '0' },
  },
);
