import { InfrastructureUnavailableError } from '@signup/domain';
import request from 'supertest';
import { expect, it } from 'vitest';
import fc from 'fast-check';
import { describeEngines } from './support/describe-engines.js';
import { basic, accountReadsReject, PASSWORD, uniqueEmail } from './support/harness.js';

const PROBLEM = 'application/problem+json; charset=utf-8';

function expectProblem(res: request.Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toBe(PROBLEM);
  expect(res.body).toEqual(
    expect.objectContaining({
      type: `tag:signup,2026:problem:${code}`,
      title: expect.any(String),
      status,
      detail: expect.any(String),
      code,
    }),
  );
  expect(res.text).not.toMatch(/\n\s+at /);
  expect(res.headers['x-request-id']).toEqual(expect.any(String));
}

describeEngines('HTTP rules common to every endpoint', (h) => {
  it('413 payload_too_large over 16 KiB', async () => {
    const res = await request(h().app)
      .post('/api/v1/register')
      .send({ email: 'a@example.com', password: 'x'.repeat(17 * 1024) });
    expectProblem(res, 413, 'payload_too_large');
  });

  it.each([
    ['text/plain', 'hello'],
    ['application/x-www-form-urlencoded', 'email=a%40example.com&password=12345678'],
    ['multipart/form-data; boundary=x', '--x--'],
  ])('415 unsupported_media_type for %s', async (type, body) => {
    const res = await request(h().app)
      .post('/api/v1/register')
      .set('Content-Type', type)
      .send(body);
    expectProblem(res, 415, 'unsupported_media_type');
  });

  it('415 for JSON in another charset', async () => {
    const res = await request(h().app)
      .post('/api/v1/register')
      .set('Content-Type', 'application/json; charset=iso-8859-1')
      .send('{}');
    expectProblem(res, 415, 'unsupported_media_type');
  });

  it.each(['{', '{"email": }', "{'a':1}", '{"a":1}}', '\u0000'])(
    '400 malformed_json for %j',
    async (raw) => {
      const res = await request(h().app)
        .post('/api/v1/register')
        .set('Content-Type', 'application/json')
        .send(raw);
      expectProblem(res, 400, 'malformed_json');
    },
  );

  it('404 not_found for an unknown path', async () => {
    expectProblem(await request(h().app).get('/nope'), 404, 'not_found');
    expectProblem(await request(h().app).post('/api/v2/register').send({}), 404, 'not_found');
  });

  it.each([
    ['get', '/api/v1/register', 'POST, OPTIONS'],
    ['put', '/api/v1/activate', 'POST, OPTIONS'],
    ['delete', '/api/v1/activation-code', 'POST, OPTIONS'],
    ['post', '/api/v1/health', 'GET, HEAD, OPTIONS'],
    ['patch', '/livez', 'GET, HEAD, OPTIONS'],
    ['post', '/readyz', 'GET, HEAD, OPTIONS'],
    ['post', '/metrics', 'GET, HEAD, OPTIONS'],
    ['post', '/openapi.json', 'GET, HEAD, OPTIONS'],
    ['post', '/docs/', 'GET, HEAD, OPTIONS'],
  ] as const)('405 method_not_allowed with Allow: %s %s', async (method, path, allow) => {
    const res = await request(h().app)[method](path);
    expectProblem(res, 405, 'method_not_allowed');
    expect(res.headers.allow).toBe(allow);
  });

  it('OPTIONS answers 204 with Allow', async () => {
    const res = await request(h().app).options('/api/v1/register');
    expect(res.status).toBe(204);
    expect(res.headers.allow).toBe('POST, OPTIONS');
  });

  it("X-Request-Id: the caller's when sane, else a fresh UUID, on every response", async () => {
    const sane = 'req-1.2_3';
    const echoed = await request(h().app).get('/livez').set('X-Request-Id', sane);
    expect(echoed.headers['x-request-id']).toBe(sane);
    for (const insane of ['a'.repeat(129), 'has space', 'semi;colon', 'ünï']) {
      const res = await request(h().app).get('/nope').set('X-Request-Id', insane);
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
    const fresh = await request(h().app).post('/api/v1/register').send('[');
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('helmet headers, no X-Powered-By', async () => {
    const res = await request(h().app).get('/livez');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['strict-transport-security']).toEqual(expect.any(String));
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
  });

  it('500 internal_error without a stack for anything unexpected', async () => {
    const broken = await h().variant({
      infrastructure: accountReadsReject(new TypeError('boom: secret internals')),
    });
    const res = await request(broken.app)
      .post('/api/v1/register')
      .send({ email: uniqueEmail(), password: PASSWORD });
    expectProblem(res, 500, 'internal_error');
    expect(res.text).not.toContain('boom');
  });

  it('503 service_unavailable with Retry-After when the database is unreachable', async () => {
    const down = await h().variant({
      infrastructure: accountReadsReject(
        new InfrastructureUnavailableError('database', 'connection refused'),
      ),
    });
    const res = await request(down.app)
      .post('/api/v1/register')
      .send({ email: uniqueEmail(), password: PASSWORD });
    expectProblem(res, 503, 'service_unavailable');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.body.retryAfterSeconds).toBe(Number(res.headers['retry-after']));
  });

  it('RATE_LIMIT_PER_MINUTE=0 turns the limit off', async () => {
    expect(h().config.rateLimitPerMinute).toBe(0);
    for (let i = 0; i < 70; i += 1) {
      await request(h().app)
        .post('/api/v1/register')
        .send({ email: 'x@example.com', password: 'short' })
        .expect(422);
    }
  });

  it('never a 5xx for bad input of any shape', async () => {
    const endpoints = ['/api/v1/register', '/api/v1/activate', '/api/v1/activation-code'];
    const header = basic(uniqueEmail(), PASSWORD);
    await fc.assert(
      fc.asyncProperty(
        fc.jsonValue({ maxDepth: 3 }),
        fc.constantFrom(...endpoints),
        async (value, path) => {
          const res = await request(h().app)
            .post(path)
            .set('Authorization', header)
            .set('Content-Type', 'application/json')
            .send(JSON.stringify(value));
          expect(res.status).toBeGreaterThanOrEqual(200);
          expect(res.status).toBeLessThan(500);
        },
      ),
      { numRuns: 60 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.record({ email: fc.anything(), password: fc.anything() }, { requiredKeys: [] }),
        async (body) => {
          const res = await request(h().app).post('/api/v1/register').send(body);
          expect(res.status).toBeLessThan(500);
        },
      ),
      { numRuns: 40 },
    );
  });
});
