import request from 'supertest';
import { expect, it } from 'vitest';
import { describeEngines } from './support/describe-engines.js';
import { basic, PASSWORD, registerUser, uniqueEmail } from './support/harness.js';

describeEngines('POST /api/v1/activation-code', (h) => {
  const resend = (auth: string | null) => {
    const req = request(h().app).post('/api/v1/activation-code');
    return auth === null ? req : req.set('Authorization', auth);
  };

  it('202 { activationCodeExpiresAt }: a new code is mailed, the old one dies, the mailbox keeps its strikes', async () => {
    const { email, code: first } = await registerUser(h());
    const wrong = first === '0000' ? '0001' : '0000';
    // Two strikes only: the mailbox keeps them across the resend, and a 5th would lock it.
    for (let i = 0; i < 2; i += 1) {
      await request(h().app)
        .post('/api/v1/activate')
        .set('Authorization', basic(email, PASSWORD))
        .send({ code: wrong })
        .expect(400);
    }
    h().clock.advanceSeconds(30);
    const res = await resend(basic(email, PASSWORD));
    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      activationCodeExpiresAt: new Date(h().clock.now().getTime() + 60_000).toISOString(),
    });
    const second = await h().codeFor(email);
    expect(h().mailer.codesFor(email)).toHaveLength(2);

    const attempt = await request(h().app)
      .post('/api/v1/activate')
      .set('Authorization', basic(email, PASSWORD))
      .send({ code: second === wrong ? first : wrong });
    // The new code has 4 attempts of its own, but the mailbox (3 strikes now) only 2 before a lockout.
    expect(attempt.body).toMatchObject({ code: 'activation_code_invalid', attemptsRemaining: 2 });
    if (first !== second) {
      const stale = await request(h().app)
        .post('/api/v1/activate')
        .set('Authorization', basic(email, PASSWORD))
        .send({ code: first });
      expect(stale.body.code).toBe('activation_code_invalid');
    }
    await request(h().app)
      .post('/api/v1/activate')
      .set('Authorization', basic(email, PASSWORD))
      .send({ code: second })
      .expect(200);
  });

  it('takes no body: none, an empty one, or {} with application/json', async () => {
    const { email } = await registerUser(h());
    h().clock.advanceSeconds(30);
    await resend(basic(email, PASSWORD)).expect(202);
    h().clock.advanceSeconds(30);
    await resend(basic(email, PASSWORD))
      .set('Content-Type', 'application/json')
      .send('')
      .expect(202);
    h().clock.advanceSeconds(30);
    await resend(basic(email, PASSWORD)).send({}).expect(202);
  });

  it('415 for a body that is not JSON', async () => {
    const { email } = await registerUser(h());
    const res = await resend(basic(email, PASSWORD))
      .set('Content-Type', 'text/plain')
      .send('hello');
    expect(res.status).toBe(415);
    expect(res.body.code).toBe('unsupported_media_type');
  });

  it('429 resend_too_soon with Retry-After within the cooldown', async () => {
    const { email } = await registerUser(h());
    h().clock.advanceSeconds(12);
    const res = await resend(basic(email, PASSWORD));
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('18');
    expect(res.body).toMatchObject({ code: 'resend_too_soon', retryAfterSeconds: 18 });
  });

  it('409 already_active', async () => {
    const { email, code } = await registerUser(h());
    await request(h().app)
      .post('/api/v1/activate')
      .set('Authorization', basic(email, PASSWORD))
      .send({ code })
      .expect(200);
    h().clock.advanceSeconds(30);
    const res = await resend(basic(email, PASSWORD));
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('already_active');
  });

  it('401 invalid_credentials like activate', async () => {
    const { email } = await registerUser(h());
    const answers = await Promise.all([
      resend(null),
      resend('Basic ???'),
      resend(basic(uniqueEmail('ghost'), PASSWORD)),
      resend(basic(email, 'wrong password!')),
    ]);
    for (const res of answers) {
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Basic realm="signup", charset="UTF-8"');
      expect(res.body).toEqual(answers[0]?.body);
    }
    expect(answers[0]?.body.code).toBe('invalid_credentials');
  });
});
