import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import { badRequests, describeRequest } from '../support/bad-requests.js';
import { anomalies, consistency, openPool } from '../support/database.js';
import { keepAliveAgent, pool, send } from '../support/http-client.js';
import { rawRequest } from '../support/raw-http.js';
import { describeOnStack, activate, newAccount, register, type Account } from '../support/stack.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_500);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

describeOnStack(
  'Bad input at every endpoint',
  'fuzz',
  ({ file, databaseUrl, stack, server }) => {
    let known: Account[];

    beforeAll(async () => {
      known = Array.from({ length: 5 }, () => newAccount(file.ledger, 'known'));
      for (const account of known) expect((await register(server().url, account)).status).toBe(201);
    });

    /** The server still serves the whole flow, and the database holds together. */
    async function expectHealthy() {
      expect(server().exit).toBeNull();
      expect((await send(server().url, { path: '/livez' })).status).toBe(200);
      const account = newAccount(file.ledger, 'after');
      expect((await register(server().url, account)).status).toBe(201);
      await stack().smtp.waitForRecipients([account.email], 10_000);
      const code = stack().smtp.byRecipient(account.email)[0]!.code!;
      expect((await activate(server().url, account, code)).status).toBe(200);
      const db = openPool(databaseUrl());
      try {
        expect(anomalies(await consistency(db))).toEqual({});
      } finally {
        await db.end();
      }
    }

    it(`answers ${RUNS} generated requests without a single 5xx`, async () => {
      const requests = fc.sample(badRequests(known), { numRuns: RUNS, seed: SEED });
      const agent = keepAliveAgent(8);
      file.defer(() => agent.destroy());
      const started = Date.now();
      const results = await pool(requests.length, 8, (i) => {
        const request = requests[i]!;
        return send(server().url, { ...request, agent, timeoutMs: 15_000 });
      });
      const seconds = (Date.now() - started) / 1000;

      const statuses = new Map<number, number>();
      for (const r of results) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      const errors = results.flatMap((r, i) =>
        r.status >= 500
          ? [`${r.status} ${r.text.slice(0, 200)} <- ${describeRequest(requests[i]!)}`]
          : [],
      );
      const hangs = results.flatMap((r, i) =>
        r.error === 'client timeout' ? [describeRequest(requests[i]!)] : [],
      );
      const unsendable = results.filter((r) => r.error?.startsWith('unsendable')).length;
      file.figures.requestsFuzzed += results.length;
      file.figures.fivexxSeen += errors.length;
      console.log(
        `[reliability] fuzz: ${results.length} requests (seed ${SEED}) in ${seconds.toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`,
      );

      if (process.env.FUZZ_DEBUG) {
        const by = new Map<string, number>();
        results.forEach((r, i) => {
          const q = requests[i]!;
          const k = `${r.status} ${q.headers['content-type'] ?? '-'} ${q.headers['content-encoding'] ?? '-'} ${q.method}`;
          by.set(k, (by.get(k) ?? 0) + 1);
        });
        console.log([...by].sort((a, b) => b[1] - a[1]).slice(0, 40));
      }
      expect(errors.slice(0, 10)).toEqual([]);
      expect(hangs.slice(0, 5)).toEqual([]);
      expect(unsendable).toBe(0);
      expect(results.length).toBeGreaterThanOrEqual(10_000);
      await expectHealthy();
    });

    it('answers header values with CR/LF and other raw protocol abuse with 400 or a close, never a 5xx', async () => {
      const auth = Buffer.from('a@example.com:password1').toString('base64');
      const head = (line: string, headers: string[], body = '{}') =>
        `${line}\r\nHost: 127.0.0.1\r\n${headers.map((h) => `${h}\r\n`).join('')}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
      const cases: Record<string, string | Buffer> = {
        'bare CR in Authorization': head('POST /api/v1/activate HTTP/1.1', [
          `Authorization: Basic ${auth}\rX-Injected: 1`,
        ]),
        'bare LF in Authorization': head('POST /api/v1/activate HTTP/1.1', [
          `Authorization: Basic ${auth}\nX-Injected: 1`,
        ]),
        'bare CR in X-Request-Id': head('POST /api/v1/register HTTP/1.1', [
          'X-Request-Id: abc\rdef',
        ]),
        'bare LF in X-Request-Id': head('POST /api/v1/register HTTP/1.1', [
          'X-Request-Id: abc\ndef',
        ]),
        'obs-fold continuation': head('POST /api/v1/activate HTTP/1.1', [
          `Authorization: Basic`,
          ` ${auth}`,
        ]),
        'NUL in a header value': head('POST /api/v1/register HTTP/1.1', ['X-Request-Id: a\0b']),
        'space in a header name': head('POST /api/v1/register HTTP/1.1', ['Bad Header: x']),
        'CR in the request target': head('POST /api/v1/register\r HTTP/1.1', []),
        'conflicting Content-Length': `POST /api/v1/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}`,
        'Transfer-Encoding with Content-Length': `POST /api/v1/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
        'bad chunk size': `POST /api/v1/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`,
        'HTTP/2 preface': 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n',
        'garbage request line': 'GARBAGE\r\n\r\n',
        'HTTP/1.0 without Host':
          'POST /api/v1/register HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}',
        'oversized header': head('POST /api/v1/register HTTP/1.1', [
          `X-Big: ${'a'.repeat(20_000)}`,
        ]),
        'raw UTF-8 in headers': Buffer.from(
          head('POST /api/v1/activate HTTP/1.1', ['X-Request-Id: é', 'Authorization: Basic é:ü']),
          'utf8',
        ),
        'raw invalid bytes in Authorization': Buffer.concat([
          Buffer.from('POST /api/v1/activate HTTP/1.1\r\nHost: x\r\nAuthorization: Basic '),
          Buffer.from([0xff, 0xfe, 0x80]),
          Buffer.from('\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}'),
        ]),
        'smuggled second request after CRLF': head('POST /api/v1/activate HTTP/1.1', [
          `Authorization: Basic ${auth}\r\n\r\nGET /metrics HTTP/1.1\r\nHost: x`,
        ]),
      };
      const outcomes: Record<string, string> = {};
      const bad: string[] = [];
      for (const [name, payload] of Object.entries(cases)) {
        const response = await rawRequest(server().port, [payload], { timeoutMs: 3000 });
        outcomes[name] = response.status
          ? String(response.status)
          : response.closed
            ? 'closed'
            : 'no answer';
        if (response.status >= 500) bad.push(`${name}: ${response.raw.slice(0, 200)}`);
        if (!response.status && !response.closed)
          bad.push(`${name}: neither answered nor closed within 3 s`);
        file.figures.requestsFuzzed += 1;
      }
      console.log(`[reliability] fuzz: raw requests ${JSON.stringify(outcomes)}`);
      expect(bad).toEqual([]);
      // The CR/LF header values specifically: refused with 400 or dropped.
      for (const name of [
        'bare CR in Authorization',
        'bare CR in X-Request-Id',
        'NUL in a header value',
      ]) {
        expect(['400', 'closed']).toContain(outcomes[name]);
      }
      await expectHealthy();
    });

    file.itLeaksNoSecrets();
  },
  {
    name: 'fuzz',
    env: { TRUST_PROXY: 'loopback', ACTIVATION_RESEND_COOLDOWN_SECONDS: '0' },
  },
);
