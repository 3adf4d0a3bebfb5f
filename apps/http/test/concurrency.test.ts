import request from 'supertest';
import { expect, it } from 'vitest';
import { describeEngines } from './support/describe-engines.js';
import { basic, PASSWORD, registerUser, uniqueEmail } from './support/harness.js';

const tally = (statuses: number[]) =>
  statuses.reduce<Record<number, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {});

describeEngines('concurrency', (h) => {
  it('20 parallel activations with the right code: one 200, nineteen 409 already_active', async () => {
    // Each password check reserves a wrong-password slot of the address until it is verified,
    // so more than PASSWORD_FAILURES_PER_15_MINUTES (10) concurrent checks would see 429
    // rate_limited: this test is about the activation race, so the window is made wide.
    const app = await h().variant({ env: { PASSWORD_FAILURES_PER_15_MINUTES: '100' } });
    const { email, code } = await registerUser(app);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        request(app.app)
          .post('/api/v1/activate')
          .set('Authorization', basic(email, PASSWORD))
          .send({ code }),
      ),
    );
    expect(tally(answers.map((r) => r.status))).toEqual({ 200: 1, 409: 19 });
    for (const r of answers.filter((a) => a.status === 409))
      expect(r.body.code).toBe('already_active');
  });

  it('20 parallel registrations of one new email: one 201, one email, no 5xx', async () => {
    const email = uniqueEmail('race');
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        request(h().app).post('/api/v1/register').send({ email, password: PASSWORD }),
      ),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.every((s) => s === 201 || s === 409 || s === 429)).toBe(true);
    for (const r of answers.filter((a) => a.status !== 201)) {
      expect(['email_taken', 'resend_too_soon']).toContain(r.body.code);
    }
    await h().deliver();
    expect(h().mailer.codesFor(email)).toHaveLength(1);
  });

  it('10 parallel wrong codes: every one is counted', async () => {
    const app = await h().variant({ env: { ACTIVATION_MAX_ATTEMPTS: '20' } });
    const { email, code } = await registerUser(app);
    const wrong = code === '0000' ? '0001' : '0000';
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        request(app.app)
          .post('/api/v1/activate')
          .set('Authorization', basic(email, PASSWORD))
          .send({ code: wrong }),
      ),
    );
    expect(answers.map((r) => r.status)).toEqual(Array(10).fill(400));
    const remaining = answers.map((r) => r.body.attemptsRemaining as number).sort((a, b) => a - b);
    expect(remaining).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    const next = await request(app.app)
      .post('/api/v1/activate')
      .set('Authorization', basic(email, PASSWORD))
      .send({ code: wrong });
    expect(next.body.attemptsRemaining).toBe(9);
  });

  it('10 parallel wrong codes with 5 allowed: five counted, five refused as exhausted', async () => {
    const { email, code } = await registerUser(h());
    const wrong = code === '0000' ? '0001' : '0000';
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        request(h().app)
          .post('/api/v1/activate')
          .set('Authorization', basic(email, PASSWORD))
          .send({ code: wrong }),
      ),
    );
    expect(tally(answers.map((r) => r.status))).toEqual({ 400: 5, 410: 5 });
    const remaining = answers
      .filter((r) => r.status === 400)
      .map((r) => r.body.attemptsRemaining as number);
    expect(remaining.sort()).toEqual([0, 1, 2, 3, 4]);
    await request(h().app)
      .post('/api/v1/activate')
      .set('Authorization', basic(email, PASSWORD))
      .send({ code })
      .expect(410);
  });
});
