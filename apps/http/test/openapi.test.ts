import request from 'supertest';
import { expect, it } from 'vitest';
import {
  Activated,
  CodeResent,
  Health,
  ProblemDetails,
  Registered,
} from '../src/openapi/schemas.js';
import { describeEngines } from './support/describe-engines.js';
import { basic, PASSWORD, uniqueEmail } from './support/harness.js';

interface Operation {
  operationId?: string;
  security?: Record<string, string[]>[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<
    string,
    { headers?: Record<string, unknown>; content?: Record<string, unknown> }
  >;
}
interface Document {
  openapi: string;
  info: { title: string; version: string; description: string };
  servers: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }>;
    securitySchemes: Record<string, unknown>;
  };
}

const EXPECTED_PATHS: Record<string, string[]> = {
  '/api/v1/register': ['post'],
  '/api/v1/activate': ['post'],
  '/api/v1/activation-code': ['post'],
  '/api/v1/health': ['get'],
  '/livez': ['get'],
  '/readyz': ['get'],
  '/metrics': ['get'],
  '/openapi.json': ['get'],
};

describeEngines('OpenAPI document and Swagger UI', (h) => {
  const fetchDocument = async () => {
    const res = await request(h().app).get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    return res.body as Document;
  };

  it('is OpenAPI 3.1 with every endpoint, served against the same origin', async () => {
    const doc = await fetchDocument();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'signup', version: '0.1.0' });
    expect(doc.servers).toEqual([{ url: '/' }]);
    expect(
      Object.fromEntries(Object.entries(doc.paths).map(([p, ops]) => [p, Object.keys(ops)])),
    ).toEqual(EXPECTED_PATHS);
    const ids = Object.values(doc.paths).flatMap((ops) =>
      Object.values(ops).map((o) => o.operationId),
    );
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('declares the Basic Auth security scheme on activate and activation-code only', async () => {
    const doc = await fetchDocument();
    expect(doc.components.securitySchemes).toEqual({
      basicAuth: expect.objectContaining({ type: 'http', scheme: 'basic' }),
    });
    expect(doc.paths['/api/v1/activate']!.post!.security).toEqual([{ basicAuth: [] }]);
    expect(doc.paths['/api/v1/activation-code']!.post!.security).toEqual([{ basicAuth: [] }]);
    expect(doc.paths['/api/v1/register']!.post!.security).toBeUndefined();
    expect(doc.paths['/api/v1/activate']!.post!.responses['401']!.headers).toHaveProperty(
      'WWW-Authenticate',
    );
  });

  it('documents every body, response and problem response', async () => {
    const doc = await fetchDocument();
    const op = (path: string) => Object.values(doc.paths[path]!)[0]!;
    expect(Object.keys(op('/api/v1/register').responses).sort()).toEqual(
      ['201', '400', '405', '409', '413', '415', '422', '429', '431', '500', '503'].sort(),
    );
    expect(Object.keys(op('/api/v1/activate').responses).sort()).toEqual(
      [
        '200',
        '400',
        '401',
        '405',
        '409',
        '410',
        '413',
        '415',
        '422',
        '429',
        '431',
        '500',
        '503',
      ].sort(),
    );
    expect(Object.keys(op('/api/v1/activation-code').responses).sort()).toEqual(
      ['202', '400', '401', '405', '409', '413', '415', '429', '431', '500', '503'].sort(),
    );
    expect(Object.keys(op('/api/v1/health').responses)).toEqual(['200', '503']);
    expect(Object.keys(op('/readyz').responses)).toEqual(['200', '503']);
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const operation of Object.values(ops)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          if (Number(status) >= 400 && path !== '/api/v1/health') {
            expect(Object.keys(response.content ?? {}), `${path} ${status}`).toEqual([
              'application/problem+json',
            ]);
          }
          if (status === '429' || (status === '503' && path !== '/api/v1/health')) {
            expect(response.headers, `${path} ${status}`).toHaveProperty('Retry-After');
          }
        }
      }
    }
    expect(op('/api/v1/register').requestBody?.content['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/RegisterRequest',
    });
    expect(op('/api/v1/activate').requestBody?.content['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/ActivateRequest',
    });
    const schemas = doc.components.schemas;
    expect(schemas.RegisterRequest!.required?.sort()).toEqual(['email', 'password']);
    expect(schemas.RegisterRequest!.properties!.email).toMatchObject({
      type: 'string',
      maxLength: 254,
      format: 'email',
    });
    expect(schemas.ActivateRequest!.properties!.code).toMatchObject({
      type: 'string',
      pattern: '^[0-9]{4}$',
    });
    expect(schemas.ProblemDetails!.required?.sort()).toEqual([
      'code',
      'detail',
      'status',
      'title',
      'type',
    ]);
    for (const name of ['Registered', 'Activated', 'CodeResent', 'Health', 'ProblemDetails']) {
      expect(schemas).toHaveProperty(name);
    }
    expect(doc.info.description).toContain('validation_failed');
  });

  it('real answers conform to the documented schemas', async () => {
    const email = uniqueEmail();
    const registered = await request(h().app)
      .post('/api/v1/register')
      .send({ email, password: PASSWORD });
    expect(Registered.strict().safeParse(registered.body).success).toBe(true);
    const code = await h().codeFor(email);
    h().clock.advanceSeconds(30);
    const resent = await request(h().app)
      .post('/api/v1/activation-code')
      .set('Authorization', basic(email, PASSWORD));
    expect(CodeResent.strict().safeParse(resent.body).success).toBe(true);
    const fresh = await h().codeFor(email);
    expect(typeof code).toBe('string');
    const activated = await request(h().app)
      .post('/api/v1/activate')
      .set('Authorization', basic(email, PASSWORD))
      .send({ code: fresh });
    expect(Activated.strict().safeParse(activated.body).success).toBe(true);
    expect(Health.safeParse((await request(h().app).get('/api/v1/health')).body).success).toBe(
      true,
    );
    for (const res of [
      await request(h().app).post('/api/v1/register').send({}),
      await request(h().app).post('/api/v1/activate').send({}),
      await request(h().app).get('/nope'),
    ]) {
      expect(ProblemDetails.strict().safeParse(res.body).success).toBe(true);
    }
  });

  it('GET /docs: Swagger UI over /openapi.json, with a CSP that lets it run', async () => {
    const redirect = await request(h().app).get('/docs');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe('/docs/');
    const page = await request(h().app).get('/docs/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('swagger-ui-bundle.js');
    const csp = page.headers['content-security-policy'] as string;
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    const init = await request(h().app).get('/docs/swagger-ui-init.js');
    expect(init.status).toBe(200);
    expect(init.text).toContain('"url": "/openapi.json"');
    expect((await request(h().app).get('/docs/swagger-ui-bundle.js')).status).toBe(200);
    // the relaxed policy is for /docs only
    const api = await request(h().app).get('/livez');
    expect(api.headers['content-security-policy']).toContain('upgrade-insecure-requests');
  });
});
