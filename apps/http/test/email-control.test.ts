import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeEachEngine } from '@signup/testkit/vitest';
import request from 'supertest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ProblemDetails } from '../src/openapi/schemas.js';
import { describeEngines } from './support/describe-engines.js';
import {
  basic,
  PASSWORD,
  registerUser,
  startHarness,
  uniqueEmail,
  type Harness,
} from './support/harness.js';
import { capturingLogger } from './support/log-capture.js';

/**
 * The contract's "Proof of email control" through the real express app and
 * the real adapters: per-mailbox strikes and lockouts, the mail budget, the
 * wrong-password window, fresh re-registrations, and secrets kept out of the
 * OpenAPI document and the logs.
 */

const PROBLEM_JSON = 'application/problem+json; charset=utf-8';
const REGISTERED_KEYS = ['activationCodeExpiresAt', 'createdAt', 'email', 'id', 'status'];

/** `local@domain` with `+tag` added to the local part: the same mailbox. */
const tagged = (email: string, tag: string) => email.replace('@', `+${tag}@`);

/** Any code but `code`. */
const wrongFor = (code: string) => (code === '0000' ? '0001' : '0000');

/** The server secret the harness runs with: SIGNUP_SECRET, else the one generated into DATA_DIR. */
function secretOf(h: Harness): string {
  return (
    h.config.secret.current ??
    readFileSync(join(h.config.database.dataDir, 'signup-secret'), 'utf8').trim()
  );
}

/** A 429 problem whose Retry-After header and retryAfterSeconds say `seconds`. */
function expectTooMany(res: request.Response, code: string, seconds: number) {
  expect(res.status).toBe(429);
  expect(res.headers['content-type']).toBe(PROBLEM_JSON);
  expect(res.headers['retry-after']).toBe(String(seconds));
  expect(res.body).toMatchObject({ code, status: 429, retryAfterSeconds: seconds });
  expect(ProblemDetails.strict().safeParse(res.body).success).toBe(true);
}

describeEngines('proof of email control', (h) => {
  const register = (email: string, password = PASSWORD) =>
    request(h().app).post('/api/v1/register').send({ email, password });
  const resend = (email: string, password = PASSWORD) =>
    request(h().app).post('/api/v1/activation-code').set('Authorization', basic(email, password));
  const activate = (email: string, code: string, password = PASSWORD) =>
    request(h().app)
      .post('/api/v1/activate')
      .set('Authorization', basic(email, password))
      .send({ code });

  /** Five wrong codes: the fifth burns the code (and locks the mailbox). */
  async function burn(email: string, code: string) {
    for (let i = 0; i < 4; i += 1) expect((await activate(email, wrongFor(code))).status).toBe(400);
    const last = await activate(email, wrongFor(code));
    expect(last.body).toMatchObject({ code: 'activation_code_invalid', attemptsRemaining: 0 });
  }

  it('429 activation_locked on resend and register: Retry-After 60 after the first burned code, 120 after the second', async () => {
    const { email, code } = await registerUser(h());
    await burn(email, code);
    // The burned code refuses even the right code.
    expect((await activate(email, code)).body.code).toBe('activation_code_exhausted');

    const lockedUntil = new Date(h().clock.now().getTime() + 60_000).toISOString();
    const resent = await resend(email);
    expectTooMany(resent, 'activation_locked', 60);
    expect(resent.body.lockedUntil).toBe(lockedUntil);
    // A re-registration is a new code too: the same lockout.
    const registered = await register(email);
    expectTooMany(registered, 'activation_locked', 60);
    expect(registered.body.lockedUntil).toBe(lockedUntil);

    h().clock.advanceSeconds(45);
    const later = await resend(email);
    expectTooMany(later, 'activation_locked', 15);
    expect(later.body.lockedUntil).toBe(lockedUntil);

    h().clock.advanceSeconds(15);
    expect((await resend(email)).status).toBe(202);
    const second = await h().codeFor(email);
    await burn(email, second);
    const again = await resend(email);
    expectTooMany(again, 'activation_locked', 120);
    expect(again.body.lockedUntil).toBe(
      new Date(h().clock.now().getTime() + 120_000).toISOString(),
    );

    h().clock.advanceSeconds(120);
    expect((await register(email)).status).toBe(201);
    // Nothing was mailed while locked: the registration, the resend and the re-registration.
    await h().codeFor(email);
    expect(h().mailer.codesFor(email)).toHaveLength(3);
  });

  it('429 mail_quota_exceeded: the 10th email of a mailbox goes out, the 11th does not; +tags share the budget', async () => {
    const email = uniqueEmail('budget');
    const started = h().clock.now().getTime();
    const step = () => h().clock.advanceSeconds(31); // past the resend cooldown
    const addresses = [email, tagged(email, '1'), tagged(email, '2')];
    /** One email queued (201/202) and delivered, before a resend could retire it unsent. */
    const mailed = async (res: Promise<request.Response>, address: string, status: number) => {
      expect((await res).status).toBe(status);
      await h().codeFor(address);
    };

    await mailed(register(email), email, 201); // 1
    for (let i = 0; i < 4; i += 1) {
      step();
      await mailed(resend(email), email, 202); // 2..5
    }
    step();
    await mailed(register(tagged(email, '1')), tagged(email, '1'), 201); // 6
    for (let i = 0; i < 3; i += 1) {
      step();
      await mailed(resend(tagged(email, '1')), tagged(email, '1'), 202); // 7..9
    }
    step();
    await mailed(register(tagged(email, '2')), tagged(email, '2'), 201); // 10

    step();
    // Until the first email is 24 hours old.
    const wait = 86_400 - (h().clock.now().getTime() - started) / 1000;
    expectTooMany(await register(tagged(email, '3')), 'mail_quota_exceeded', wait);
    expectTooMany(await resend(email), 'mail_quota_exceeded', wait);
    expectTooMany(await register(email), 'mail_quota_exceeded', wait); // re-registering a pending one
    expectTooMany(await resend(tagged(email, '2')), 'mail_quota_exceeded', wait);

    // Exactly ten emails were delivered for the mailbox: the refusals queued nothing.
    await h().deliver();
    const sent = addresses.reduce((n, a) => n + h().mailer.codesFor(a).length, 0);
    expect(sent).toBe(10);
    expect(h().mailer.codesFor(tagged(email, '3'))).toEqual([]);

    h().clock.advanceSeconds(wait);
    expect((await register(tagged(email, '3'))).status).toBe(201);
  });

  it('wrong passwords: the 10th is 401, the 11th request is 429 rate_limited even with the right password', async () => {
    const { email, code } = await registerUser(h());
    for (let i = 1; i <= 10; i += 1) {
      // Both authenticated endpoints count against the same address.
      const res =
        i % 2
          ? await activate(email, code, `wrong password ${i}`)
          : await resend(email, `nope ${i}`);
      expect(res.status, `wrong password #${i}`).toBe(401);
      expect(res.body.code).toBe('invalid_credentials');
    }
    const limited = await activate(email, code);
    expectTooMany(limited, 'rate_limited', 900);
    expectTooMany(await resend(email), 'rate_limited', 900);

    // The same for an address that has no account, in a body that cannot tell them apart.
    const ghost = uniqueEmail('ghost');
    for (let i = 1; i <= 10; i += 1)
      expect((await activate(ghost, '1234', `guess ${i}`)).status, `guess #${i}`).toBe(401);
    const ghostLimited = await activate(ghost, '1234');
    expectTooMany(ghostLimited, 'rate_limited', 900);
    expect(ghostLimited.body).toEqual(limited.body);

    // The window slides: 15 minutes later the right password works again.
    h().clock.advanceSeconds(900);
    expect((await resend(email)).status).toBe(202);
  });

  it('wrong passwords are counted per mailbox: a +tag variant shares the window', async () => {
    const { email } = await registerUser(h());
    for (let i = 0; i < 5; i += 1)
      expect((await resend(tagged(email, 'x'), `wrong ${i}`)).status).toBe(401);
    for (let i = 0; i < 5; i += 1) expect((await resend(email, `wrong ${i}`)).status).toBe(401);
    expectTooMany(await resend(email), 'rate_limited', 900);
  });

  it('re-registering a pending email answers 201 with a new id and createdAt, like a first registration', async () => {
    const email = uniqueEmail('fresh');
    const first = await register(email);
    expect(first.status).toBe(201);
    h().clock.advanceSeconds(31);
    const second = await register(email, 'another good password');
    expect(second.status).toBe(201);
    expect(Object.keys(second.body as object).sort()).toEqual(REGISTERED_KEYS);
    expect(Object.keys(first.body as object).sort()).toEqual(REGISTERED_KEYS);
    expect(second.body.id).not.toBe(first.body.id);
    expect(second.body).toEqual({
      id: expect.any(String),
      email,
      status: 'pending',
      createdAt: h().clock.now().toISOString(),
      activationCodeExpiresAt: new Date(h().clock.now().getTime() + 60_000).toISOString(),
    });
    expect(second.body.createdAt).not.toBe(first.body.createdAt);
    // The account that activates is the fresh one.
    const activated = await activate(email, await h().codeFor(email), 'another good password');
    expect(activated.status).toBe(200);
    expect(activated.body).toMatchObject({ id: second.body.id, createdAt: second.body.createdAt });
  });

  it("strikes survive a resend and a re-registration: attemptsRemaining reflects the mailbox's strikes", async () => {
    const { email, code } = await registerUser(h());
    for (const remaining of [4, 3])
      expect((await activate(email, wrongFor(code))).body).toMatchObject({
        code: 'activation_code_invalid',
        attemptsRemaining: remaining,
      });

    h().clock.advanceSeconds(31);
    expect((await resend(email)).status).toBe(202);
    const resent = await h().codeFor(email);
    // A fresh code, but the mailbox has 3 strikes: 2 left before the lockout (not 4).
    expect((await activate(email, wrongFor(resent))).body).toMatchObject({
      code: 'activation_code_invalid',
      attemptsRemaining: 2,
    });

    h().clock.advanceSeconds(31);
    expect((await register(email)).status).toBe(201);
    const reregistered = await h().codeFor(email);
    // A fresh account, the same mailbox: 4 strikes, 1 left.
    expect((await activate(email, wrongFor(reregistered))).body).toMatchObject({
      code: 'activation_code_invalid',
      attemptsRemaining: 1,
    });
    // The mailbox's 5th strike burns this code at its second wrong attempt...
    expect((await activate(email, wrongFor(reregistered))).body).toMatchObject({
      code: 'activation_code_invalid',
      attemptsRemaining: 0,
    });
    expect((await activate(email, reregistered)).body.code).toBe('activation_code_exhausted');
    // ...and locks the mailbox.
    expectTooMany(await resend(email), 'activation_locked', 60);
    expectTooMany(await register(email), 'activation_locked', 60);
  });

  it('20 concurrent registrations of one mailbox under 20 +tags: ten 201, ten 429 mail_quota_exceeded, ten emails', async () => {
    const email = uniqueEmail('tags');
    const addresses = Array.from({ length: 20 }, (_, i) => tagged(email, String(i)));
    const answers = await Promise.all(addresses.map((a) => register(a)));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array(10).fill(201), ...Array(10).fill(429)]);
    for (const r of answers.filter((a) => a.status === 429))
      expect(r.body.code).toBe('mail_quota_exceeded');
    for (const a of addresses)
      await h()
        .codeFor(a)
        .catch(() => undefined);
    expect(addresses.reduce((n, a) => n + h().mailer.codesFor(a).length, 0)).toBe(10);
  });

  it('GET /openapi.json documents activation_locked and mail_quota_exceeded, and never holds the secret', async () => {
    const res = await request(h().app).get('/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      components: { schemas: { ProblemDetails: { properties: { code: { enum: string[] } } } } };
    };
    const codes = doc.components.schemas.ProblemDetails.properties.code.enum;
    expect(codes).toEqual(expect.arrayContaining(['activation_locked', 'mail_quota_exceeded']));
    for (const path of ['/api/v1/register', '/api/v1/activation-code']) {
      const tooMany = doc.paths[path]!.post!.responses['429'] as {
        headers: Record<string, unknown>;
        content: Record<string, { examples: Record<string, { value: Record<string, unknown> }> }>;
      };
      expect(tooMany.headers, path).toHaveProperty('Retry-After');
      const examples = tooMany.content['application/problem+json']!.examples;
      expect(examples.activation_locked?.value, path).toMatchObject({
        code: 'activation_locked',
        status: 429,
        retryAfterSeconds: expect.any(Number),
        lockedUntil: expect.any(String),
      });
      expect(examples.mail_quota_exceeded?.value, path).toMatchObject({
        code: 'mail_quota_exceeded',
        status: 429,
        retryAfterSeconds: expect.any(Number),
      });
    }
    expect(res.text).not.toContain(secretOf(h()));
  });
});

describeEachEngine('proof of email control: secrets stay out of the logs', (engine) => {
  if (engine.skip) {
    it('is skipped', () => undefined);
    return;
  }
  const capture = capturingLogger();
  let harness: Harness | undefined;
  beforeAll(async () => {
    harness = await startHarness(engine, {}, { logger: capture.logger });
  });
  afterAll(async () => {
    await harness?.close();
  });

  /** Every string anywhere in a parsed log line. */
  const strings = (value: unknown): string[] =>
    typeof value === 'string'
      ? [value]
      : value && typeof value === 'object'
        ? Object.values(value).flatMap(strings)
        : [];

  it('register, a wrong code and the activation log neither the code nor SIGNUP_SECRET', async () => {
    const h = harness!;
    const { email, code } = await registerUser(h);
    const wrong = wrongFor(code);
    await request(h.app)
      .post('/api/v1/activate')
      .set('Authorization', basic(email, PASSWORD))
      .send({ code: wrong })
      .expect(400);
    await request(h.app)
      .post('/api/v1/activate')
      .set('Authorization', basic(email, PASSWORD))
      .send({ code })
      .expect(200);

    // The capture saw the requests (else this test proves nothing).
    expect(capture.lines.filter((l) => typeof l.req === 'object').length).toBeGreaterThanOrEqual(3);
    const secret = secretOf(h);
    expect(secret.length).toBeGreaterThanOrEqual(32);
    for (const line of capture.raw) expect(line).not.toContain(secret);
    // A code would appear as a value of its own or a word in a message; ids and numbers are neither.
    const asWord = (c: string) => new RegExp(`(^|[\\s"'=:])${c}([\\s.,;"']|$)`);
    for (const value of capture.lines.flatMap(strings)) {
      for (const c of [code, wrong]) {
        expect(value).not.toBe(c);
        expect(value).not.toMatch(asWord(c));
      }
    }
  });
});
