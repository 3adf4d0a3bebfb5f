import { createPgSqlClient, PgOutbox, PgUserRepository } from '@signup/adapters';
import request from 'supertest';
import { expect, it } from 'vitest';
import type { DatabaseHealth } from '../src/observability/health.js';
import type { Lifecycle } from '../src/observability/lifecycle.js';
import { TOKENS } from '../src/tokens.js';
import { describeEngines } from './support/describe-engines.js';
import { capturingLogger } from './support/log-capture.js';
import {
  basic,
  accountReadsReject,
  PASSWORD,
  registerUser,
  uniqueEmail,
} from './support/harness.js';

describeEngines('health, probes, metrics and logs', (h) => {
  it('GET /api/v1/health: 200 ok with version, uptime and every check', async () => {
    const res = await request(h().app).get('/api/v1/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'ok',
      version: '0.1.0',
      uptimeSeconds: expect.any(Number),
      checks: {
        database: { status: 'up', latencyMs: expect.any(Number) },
        smtp: { status: 'up' },
        outbox: { pending: expect.any(Number), oldestPendingSeconds: expect.any(Number) },
      },
    });
  });

  it('reports the outbox backlog and its age', async () => {
    await h().deliver();
    await request(h().app)
      .post('/api/v1/register')
      .send({ email: uniqueEmail(), password: PASSWORD })
      .expect(201);
    h().clock.advanceSeconds(7);
    const res = await request(h().app).get('/api/v1/health');
    expect(res.body.checks.outbox).toEqual({ pending: 1, oldestPendingSeconds: 7 });
    await h().deliver();
    const after = await request(h().app).get('/api/v1/health');
    expect(after.body.checks.outbox).toEqual({ pending: 0, oldestPendingSeconds: 0 });
  });

  it('SMTP down: 200 degraded; SMTP disabled: ok', async () => {
    h().mailer.status = 'down';
    try {
      const res = await request(h().app).get('/api/v1/health');
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('degraded');
      expect(res.body.checks.smtp).toEqual({ status: 'down' });
      h().mailer.status = 'disabled';
      const disabled = await request(h().app).get('/api/v1/health');
      expect(disabled.body).toMatchObject({
        status: 'ok',
        checks: { smtp: { status: 'disabled' } },
      });
    } finally {
      h().mailer.status = 'up';
    }
  });

  it('a hanging SMTP probe is cut at 1 s: health still answers quickly, degraded', async () => {
    h().mailer.hang = true;
    try {
      const started = performance.now();
      const res = await request(h().app).get('/api/v1/health');
      expect(performance.now() - started).toBeLessThan(2000);
      expect(res.body).toMatchObject({ status: 'degraded', checks: { smtp: { status: 'down' } } });
    } finally {
      h().mailer.hang = false;
    }
  });

  it('database down: register 503 + Retry-After, health 503 down, readyz 503', async () => {
    const dead = createPgSqlClient({
      connectionString: 'postgres://postgres@127.0.0.1:1/nowhere',
      poolMax: 1,
      connectionTimeoutMs: 300,
    });
    const down = await h().variant({
      infrastructure: (base) => ({
        ...base,
        sql: dead,
        users: new PgUserRepository(dead),
        outbox: new PgOutbox(dead),
      }),
    });
    try {
      const register = await request(down.app)
        .post('/api/v1/register')
        .send({ email: uniqueEmail(), password: PASSWORD });
      expect(register.status).toBe(503);
      expect(register.body.code).toBe('service_unavailable');
      expect(Number(register.headers['retry-after'])).toBeGreaterThan(0);

      const activate = await request(down.app)
        .post('/api/v1/activate')
        .set('Authorization', basic(uniqueEmail(), PASSWORD))
        .send({ code: '1234' });
      expect(activate.status).toBe(503);

      const health = await request(down.app).get('/api/v1/health');
      expect(health.status).toBe(503);
      expect(health.body).toMatchObject({
        status: 'down',
        checks: { database: { status: 'down', latencyMs: null }, outbox: { pending: null } },
      });
      const ready = await request(down.app).get('/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.code).toBe('service_unavailable');
      expect((await request(down.app).get('/metrics')).status).toBe(200);
    } finally {
      await dead.close();
    }
  });

  it('GET /livez and GET /readyz: 200', async () => {
    expect((await request(h().app).get('/livez')).body).toEqual({ status: 'ok' });
    const ready = await request(h().app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready' });
  });

  it('readyz: 503 with pending migrations, and while shutting down', async () => {
    const pending = await h().variant({
      register: (c) =>
        c.register<DatabaseHealth>(TOKENS.DatabaseHealth, {
          useValue: {
            ping: () => Promise.resolve(1),
            pendingMigrations: () => Promise.resolve(['009_future.sql']),
          },
        }),
    });
    const res = await request(pending.app).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'service_unavailable' });
    expect(res.body.detail).toContain('009_future.sql');

    const stopping = await h().variant({});
    stopping.container.resolve<Lifecycle>(TOKENS.Lifecycle).beginShutdown();
    const during = await request(stopping.app).get('/readyz');
    expect(during.status).toBe(503);
    expect(during.headers['retry-after']).toEqual(expect.any(String));
    expect(during.headers.connection).toBe('close');
    expect((await request(stopping.app).get('/livez')).status).toBe(200);
  });

  it('GET /metrics: request histogram by route, method and status; outcome counters; outbox gauges; process metrics', async () => {
    const { email, code } = await registerUser(h());
    await request(h().app).post('/api/v1/register').send({ email, password: PASSWORD }).expect(429);
    await request(h().app)
      .post('/api/v1/activate')
      .set('Authorization', basic(email, PASSWORD))
      .send({ code })
      .expect(200);
    await request(h().app)
      .post('/api/v1/activate')
      .set('Authorization', basic(email, 'nope nope'))
      .send({ code })
      .expect(401);
    // an expired code's message is dropped, not sent
    const { email: late } = { email: uniqueEmail() };
    await request(h().app)
      .post('/api/v1/register')
      .send({ email: late, password: PASSWORD })
      .expect(201);
    h().clock.advanceSeconds(61);
    await h().deliver();
    await request(h().app).get('/nope');

    const res = await request(h().app).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.text;
    expect(text).toMatch(
      /http_request_duration_seconds_count\{route="\/api\/v1\/register",method="POST",status_code="201"\} [1-9]/,
    );
    expect(text).toMatch(
      /http_request_duration_seconds_bucket\{le="0\.005",route="\/api\/v1\/activate",method="POST",status_code="200"\}/,
    );
    expect(text).toMatch(
      /http_request_duration_seconds_count\{route="unmatched",method="GET",status_code="404"\}/,
    );
    expect(text).toMatch(/signup_registrations_total\{outcome="created"\} [1-9]/);
    expect(text).toMatch(/signup_registrations_total\{outcome="resend_too_soon"\} [1-9]/);
    expect(text).toMatch(/signup_activations_total\{outcome="activated"\} [1-9]/);
    expect(text).toMatch(/signup_activations_total\{outcome="invalid_credentials"\} [1-9]/);
    expect(text).toMatch(/signup_outbox_dispatched_total\{outcome="sent"\} [1-9]/);
    expect(text).toMatch(/signup_outbox_dispatched_total\{outcome="dropped"\} [1-9]/);
    expect(text).toMatch(/^signup_outbox_pending_messages \d+$/m);
    expect(text).toMatch(/^signup_outbox_oldest_pending_seconds \d+/m);
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes /m);
  });

  it('one JSON line per request with its X-Request-Id; no credentials, codes or bodies', async () => {
    const { logger, lines, raw } = capturingLogger();
    const app = await h().variant({ logger });
    const email = uniqueEmail('logged');
    const secretPassword = 'hunter2-very-secret';

    const registered = await request(app.app)
      .post('/api/v1/register')
      .set('X-Request-Id', 'trace-123')
      .set('Cookie', 'session=cookie-secret')
      .send({ email, password: secretPassword });
    expect(registered.status).toBe(201);
    const code = await app.codeFor(email);
    const auth = basic(email, secretPassword);
    const activated = await request(app.app)
      .post('/api/v1/activate')
      .set('Authorization', auth)
      .send({ code });
    expect(activated.status).toBe(200);
    const missing = await request(app.app).get('/nope');

    const requestLines = lines.filter((l) => l.msg && typeof l.req === 'object');
    expect(requestLines).toHaveLength(3);
    const ids = requestLines.map((l) => (l.req as { id: string }).id);
    expect(ids).toEqual([
      'trace-123',
      activated.headers['x-request-id'],
      missing.headers['x-request-id'],
    ]);
    for (const line of requestLines)
      expect(line.requestId ?? (line.req as { id: string }).id).toBeTruthy();
    expect(requestLines[0]).toMatchObject({
      res: { statusCode: 201 },
      responseTime: expect.any(Number),
    });
    // The response is its status only: no copy of the helmet headers on every line.
    for (const line of requestLines)
      expect(Object.keys(line.res as object)).toEqual(['statusCode']);

    const everything = raw.join('\n');
    const encoded = auth.slice('Basic '.length);
    for (const secret of [secretPassword, encoded, 'cookie-secret', `"code":"${code}"`]) {
      expect(everything).not.toContain(secret);
    }
    // Request headers come from an allowlist: credentials are left out, not redacted.
    expect(
      (requestLines[1]!.req as { headers: Record<string, string> }).headers.authorization,
    ).toBeUndefined();
    expect(
      (requestLines[0]!.req as { headers: Record<string, string> }).headers.cookie,
    ).toBeUndefined();
    expect((requestLines[0]!.req as { headers: Record<string, string> }).headers).toMatchObject({
      'x-request-id': 'trace-123',
      'content-type': 'application/json',
    });
  });

  it('a query string never reaches a log line: a code sent there by mistake stays out', async () => {
    const { logger, lines, raw } = capturingLogger();
    const app = await h().variant({ logger });
    const email = uniqueEmail('query');
    expect(
      (await request(app.app).post('/api/v1/register').send({ email, password: PASSWORD })).status,
    ).toBe(201);
    const code = await app.codeFor(email);

    const res = await request(app.app)
      .post(`/api/v1/activate?code=${code}&password=${encodeURIComponent(PASSWORD)}`)
      .set('Authorization', basic(email, PASSWORD))
      .send({ code });
    expect(res.status).toBe(200);

    const line = lines.find(
      (l) => (l.req as { id?: string } | undefined)?.id === res.headers['x-request-id'],
    );
    expect(line).toMatchObject({
      msg: 'POST /api/v1/activate 200',
      req: { method: 'POST', url: '/api/v1/activate' },
    });
    expect(line?.req).not.toHaveProperty('query');
    const everything = raw.join('\n');
    expect(everything).not.toContain(`code=${code}`);
    expect(everything).not.toContain(PASSWORD);
  });

  it('a 500 is logged at error level with the error, under the same request id', async () => {
    const { logger, lines } = capturingLogger();
    const broken = await h().variant({
      logger,
      infrastructure: accountReadsReject(new Error('kaboom')),
    });
    const res = await request(broken.app)
      .post('/api/v1/register')
      .send({ email: uniqueEmail(), password: PASSWORD });
    expect(res.status).toBe(500);
    const line = lines.find(
      (l) => (l.req as { id?: string } | undefined)?.id === res.headers['x-request-id'],
    );
    expect(line).toMatchObject({ level: 50, err: { message: 'kaboom' } });
  });
});
