import type { PasswordHasher } from '@signup/domain';
import { fixedCodeGenerator } from '@signup/domain/testing';
import request from 'supertest';
import { expect, it } from 'vitest';
import { MAX_AUTHORIZATION_LENGTH } from '../src/http/basic-auth.js';
import { describeEngines } from './support/describe-engines.js';
import { basic, PASSWORD, registerUser, uniqueEmail } from './support/harness.js';

const CHALLENGE = 'Basic realm="signup", charset="UTF-8"';
const b64 = (bytes: Buffer | string) => Buffer.from(bytes).toString('base64');

/** Everything but the headers that differ per response by nature. */
function comparable(res: request.Response) {
  const headers: Record<string, unknown> = { ...res.headers };
  delete headers['x-request-id'];
  delete headers.date;
  return { status: res.status, headers, body: res.body as unknown };
}

function countingHasher(base: PasswordHasher) {
  const counter = { comparisons: 0 };
  const hasher: PasswordHasher = {
    hash: (p) => base.hash(p),
    verify: (p, h) => {
      counter.comparisons += 1;
      return base.verify(p, h);
    },
    verifyDummy: (p) => {
      counter.comparisons += 1;
      return base.verifyDummy(p);
    },
  };
  return { hasher, counter };
}

describeEngines('POST /api/v1/activate', (h) => {
  const activate = (auth: string | null, body: unknown = { code: '1234' }) => {
    const req = request(h().app).post('/api/v1/activate');
    if (auth !== null) void req.set('Authorization', auth);
    return req.send(body as object);
  };

  it('200 with exactly id, email, status, createdAt, activatedAt', async () => {
    const { email, code, body: registered } = await registerUser(h());
    h().clock.advanceSeconds(59);
    const res = await activate(basic(email, PASSWORD), { code });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body as object).sort()).toEqual([
      'activatedAt',
      'createdAt',
      'email',
      'id',
      'status',
    ]);
    expect(res.body).toEqual({
      id: registered.id,
      email,
      status: 'active',
      createdAt: registered.createdAt,
      activatedAt: h().clock.now().toISOString(),
    });
  });

  it('409 already_active the second time', async () => {
    const { email, code } = await registerUser(h());
    await activate(basic(email, PASSWORD), { code }).expect(200);
    const res = await activate(basic(email, PASSWORD), { code });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'already_active', status: 409 });
  });

  it('every credential failure is the same 401: status, headers and body', async () => {
    const { email } = await registerUser(h());
    const long = `Basic ${b64(`${'a'.repeat(MAX_AUTHORIZATION_LENGTH)}@example.com:${PASSWORD}`)}`;
    const cases: [string, string | null][] = [
      ['missing header', null],
      ['another scheme', 'Bearer abc'],
      ['bad base64', 'Basic %%%%'],
      ['no colon', `Basic ${b64(email)}`],
      ['empty email', `Basic ${b64(`:${PASSWORD}`)}`],
      ['empty password', `Basic ${b64(`${email}:`)}`],
      [
        'not UTF-8',
        `Basic ${b64(Buffer.concat([Buffer.from(`${email}:`), Buffer.from([0xff, 0xfe])]))}`,
      ],
      ['absurd length', long],
      ['unknown email', basic(uniqueEmail('nobody'), PASSWORD)],
      ['malformed email', basic('not an email', PASSWORD)],
      ['wrong password', basic(email, 'wrong password!')],
      ['password over 72 bytes', basic(email, 'x'.repeat(100))],
    ];
    const answers = [];
    for (const [, header] of cases)
      answers.push(comparable(await activate(header, { code: '1234' })));
    const first = answers[0]!;
    expect(first.status).toBe(401);
    expect(first.headers['www-authenticate']).toBe(CHALLENGE);
    expect(first.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(first.body).toMatchObject({ code: 'invalid_credentials', status: 401 });
    answers.forEach((answer, i) =>
      expect({ case: cases[i]![0], ...answer }).toEqual({ case: cases[i]![0], ...first }),
    );
  });

  it('an unknown email and a malformed header still cost one hash comparison', async () => {
    const { email, code } = await registerUser(h());
    const { hasher, counter } = countingHasher(h().infrastructure.hasher);
    const counted = await h().variant({ infrastructure: (base) => ({ ...base, hasher }) });
    for (const header of [
      basic(uniqueEmail('ghost'), PASSWORD),
      basic(email, 'wrong password!'),
      'Basic !!',
      null,
    ]) {
      const before = counter.comparisons;
      const req = request(counted.app).post('/api/v1/activate');
      if (header) void req.set('Authorization', header);
      await req.send({ code }).expect(401);
      expect(counter.comparisons - before).toBe(1);
    }
  });

  it('400 activation_code_invalid with attemptsRemaining, then 410 exhausted even for the right code', async () => {
    const { email, code } = await registerUser(h());
    const wrong = code === '0000' ? '0001' : '0000';
    for (const remaining of [4, 3, 2, 1, 0]) {
      const res = await activate(basic(email, PASSWORD), { code: wrong });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        code: 'activation_code_invalid',
        status: 400,
        attemptsRemaining: remaining,
      });
    }
    for (const candidate of [wrong, code]) {
      const res = await activate(basic(email, PASSWORD), { code: candidate });
      expect(res.status).toBe(410);
      expect(res.body.code).toBe('activation_code_exhausted');
    }
  });

  it('410 activation_code_expired at the TTL', async () => {
    const { email, code } = await registerUser(h());
    h().clock.advanceSeconds(60);
    const res = await activate(basic(email, PASSWORD), { code });
    expect(res.status).toBe(410);
    expect(res.body).toMatchObject({ code: 'activation_code_expired', status: 410 });
  });

  it.each([
    ['five digits', { code: '12345' }],
    ['three digits', { code: '123' }],
    ['a number', { code: 1234 }],
    ['letters', { code: 'abcd' }],
    ['non-ASCII digits', { code: '١٢٣٤' }],
    ['no code', {}],
    ['an array body', []],
  ])('422 validation_failed for %s', async (_case, body) => {
    const { email } = await registerUser(h());
    const res = await activate(basic(email, PASSWORD), body);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'validation_failed' });
    expect(res.body.errors[0].path).toMatch(/^(code|)$/);
  });

  it('"0042" is a valid code, and the password may contain a colon', async () => {
    const app = await h().variant({ codes: fixedCodeGenerator('0042') });
    const email = uniqueEmail();
    const password = 'pass:word:with:colons';
    await request(app.app).post('/api/v1/register').send({ email, password }).expect(201);
    expect(await app.codeFor(email)).toBe('0042');
    const res = await request(app.app)
      .post('/api/v1/activate')
      .set('Authorization', basic(email, password))
      .send({ code: '0042' });
    expect(res.status).toBe(200);
  });

  it('the email in the credentials is normalized like at registration', async () => {
    const { email, code } = await registerUser(h());
    await activate(basic(`  ${email.toUpperCase()} `, PASSWORD), { code }).expect(200);
  });
});
