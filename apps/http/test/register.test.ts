import request from 'supertest';
import { expect, it } from 'vitest';
import { describeEngines } from './support/describe-engines.js';
import { basic, PASSWORD, registerUser, uniqueEmail } from './support/harness.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describeEngines('POST /api/v1/register', (h) => {
  it('201 with exactly id, email, status, createdAt, activationCodeExpiresAt', async () => {
    const email = uniqueEmail('Ada');
    const res = await request(h().app)
      .post('/api/v1/register')
      .send({ email: `  ${email.toUpperCase()}  `, password: PASSWORD });
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Object.keys(res.body as object).sort()).toEqual(
      ['activationCodeExpiresAt', 'createdAt', 'email', 'id', 'status'].sort(),
    );
    expect(res.body).toMatchObject({ email: email.toLowerCase(), status: 'pending' });
    expect(res.body.id).toMatch(UUID);
    expect(res.body.createdAt).toMatch(ISO);
    expect(res.body.createdAt).toBe(h().clock.now().toISOString());
    expect(
      Date.parse(res.body.activationCodeExpiresAt as string) -
        Date.parse(res.body.createdAt as string),
    ).toBe(60_000);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('never returns the code or the hash, and emails the code once', async () => {
    const email = uniqueEmail();
    const res = await request(h().app).post('/api/v1/register').send({ email, password: PASSWORD });
    const code = await h().codeFor(email);
    expect(res.text).not.toContain(code);
    expect(res.text).not.toMatch(/\$2[aby]\$/);
    expect(h().mailer.codesFor(email)).toEqual([code]);
    expect(code).toMatch(/^\d{4}$/);
  });

  it('409 email_taken once the email is active', async () => {
    const { email, code } = await registerUser(h());
    await request(h().app)
      .post('/api/v1/activate')
      .set('Authorization', basic(email, PASSWORD))
      .send({ code })
      .expect(200);
    const res = await request(h().app)
      .post('/api/v1/register')
      .send({ email, password: 'another password' });
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.body).toMatchObject({ status: 409, code: 'email_taken', title: expect.any(String) });
  });

  it('a pending email within the cooldown: 429 resend_too_soon with Retry-After', async () => {
    const { email } = await registerUser(h());
    h().clock.advanceSeconds(10);
    const res = await request(h().app).post('/api/v1/register').send({ email, password: PASSWORD });
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('20');
    expect(res.body).toMatchObject({ code: 'resend_too_soon', status: 429, retryAfterSeconds: 20 });
  });

  it('uniqueness is on the normalized email', async () => {
    const email = uniqueEmail();
    await request(h().app).post('/api/v1/register').send({ email, password: PASSWORD }).expect(201);
    const res = await request(h().app)
      .post('/api/v1/register')
      .send({ email: ` ${email.toUpperCase()}`, password: PASSWORD });
    expect(res.body.code).toBe('resend_too_soon');
  });

  it('after the cooldown a pending registration is replaced: new password, new code, old code dead', async () => {
    const { email, code: oldCode } = await registerUser(h());
    h().clock.advanceSeconds(31);
    const again = await request(h().app)
      .post('/api/v1/register')
      .send({ email, password: 'a brand new password' });
    expect(again.status).toBe(201);
    const newCode = await h().codeFor(email);
    expect(h().mailer.codesFor(email)).toHaveLength(2);

    const oldPassword = await request(h().app)
      .post('/api/v1/activate')
      .set('Authorization', basic(email, PASSWORD))
      .send({ code: newCode });
    expect(oldPassword.status).toBe(401);
    if (oldCode !== newCode) {
      const stale = await request(h().app)
        .post('/api/v1/activate')
        .set('Authorization', basic(email, 'a brand new password'))
        .send({ code: oldCode });
      expect(stale.body.code).toBe('activation_code_invalid');
    }
    await request(h().app)
      .post('/api/v1/activate')
      .set('Authorization', basic(email, 'a brand new password'))
      .send({ code: newCode })
      .expect(200);
  });

  it.each([
    ['an invalid email', { email: 'not-an-email', password: PASSWORD }, ['email']],
    [
      'an email over 254 characters',
      { email: `${'a'.repeat(243)}@example.com`, password: PASSWORD },
      ['email'],
    ],
    ['a 7-character password', { email: 'x@example.com', password: '1234567' }, ['password']],
    [
      'a password over 72 bytes',
      { email: 'x@example.com', password: 'é'.repeat(37) },
      ['password'],
    ],
    ['a password with NUL', { email: 'x@example.com', password: 'abcdefgh\u0000' }, ['password']],
    ['missing members', {}, ['email', 'password']],
    ['wrong types', { email: 42, password: ['x'] }, ['email', 'password']],
    ['null members', { email: null, password: null }, ['email', 'password']],
    ['a huge string', { email: 'a'.repeat(15_000), password: PASSWORD }, ['email']],
  ])('422 validation_failed for %s', async (_case, body, paths) => {
    const res = await request(h().app).post('/api/v1/register').send(body);
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.body).toMatchObject({ code: 'validation_failed', status: 422 });
    const errors = res.body.errors as { path: string }[];
    expect([...new Set(errors.map((e) => e.path))].sort()).toEqual(paths);
    for (const error of res.body.errors) expect(error.message).toEqual(expect.any(String));
  });

  it.each([
    ['an array', '[]'],
    ['null', 'null'],
    ['a string', '"ada@example.com"'],
    ['a number', '42'],
    ['true', 'true'],
  ])('422 for a JSON body that is %s, not an object', async (_case, raw) => {
    const res = await request(h().app)
      .post('/api/v1/register')
      .set('Content-Type', 'application/json')
      .send(raw);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('validation_failed');
  });

  it('a __proto__ member is inert', async () => {
    const email = uniqueEmail();
    const res = await request(h().app)
      .post('/api/v1/register')
      .set('Content-Type', 'application/json')
      .send(
        `{"__proto__":{"status":"active","email":"evil@example.com"},"email":"${email}","password":"${PASSWORD}"}`,
      );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ email, status: 'pending' });
    expect(({} as Record<string, unknown>).status).toBeUndefined();
  });

  it('accepts exactly 8 characters and exactly 72 bytes; NFC-normalizes the password', async () => {
    await request(h().app)
      .post('/api/v1/register')
      .send({ email: uniqueEmail(), password: '12345678' })
      .expect(201);
    await request(h().app)
      .post('/api/v1/register')
      .send({ email: uniqueEmail(), password: 'é'.repeat(36) })
      .expect(201);
    const email = uniqueEmail();
    const decomposed = 'cafe\u0301-password';
    await request(h().app)
      .post('/api/v1/register')
      .send({ email, password: decomposed })
      .expect(201);
    const code = await h().codeFor(email);
    await request(h().app)
      .post('/api/v1/activate')
      .set('Authorization', basic(email, 'caf\u00e9-password'))
      .send({ code })
      .expect(200);
  });
});
