import request from 'supertest';
import { expect, it } from 'vitest';
import { describeEngines } from './support/describe-engines.js';
import { uniqueEmail } from './support/harness.js';

describeEngines(
  'rate limit on the POST endpoints',
  (h) => {
    const post = (app = h().app) =>
      request(app).post('/api/v1/register').send({ email: uniqueEmail(), password: 'short' });

    it('RATE_LIMIT_PER_MINUTE per client IP over all POST endpoints, then 429 rate_limited + Retry-After', async () => {
      h().clock.advanceSeconds(60);
      await post().expect(422);
      await request(h().app).post('/api/v1/activate').expect(401);
      await request(h().app).post('/api/v1/activation-code').expect(401);
      const limited = await post();
      expect(limited.status).toBe(429);
      expect(limited.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(limited.body).toMatchObject({ code: 'rate_limited', status: 429 });
      const retryAfter = Number(limited.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(limited.body.retryAfterSeconds).toBe(retryAfter);
      // GET endpoints are not limited
      await request(h().app).get('/livez').expect(200);
      // a new window opens
      h().clock.advanceSeconds(retryAfter);
      await post().expect(422);
    });

    it('TRUST_PROXY unset: X-Forwarded-For is ignored', async () => {
      h().clock.advanceSeconds(60);
      for (let i = 0; i < 3; i += 1) await post().set('X-Forwarded-For', `10.0.0.${i}`).expect(422);
      await post().set('X-Forwarded-For', '10.0.0.99').expect(429);
    });

    it('TRUST_PROXY set: each forwarded client has its own budget', async () => {
      const proxied = await h().variant({
        env: { TRUST_PROXY: 'loopback', RATE_LIMIT_PER_MINUTE: '3' },
      });
      h().clock.advanceSeconds(60);
      for (let i = 0; i < 3; i += 1)
        await post(proxied.app).set('X-Forwarded-For', '203.0.113.7').expect(422);
      await post(proxied.app).set('X-Forwarded-For', '203.0.113.7').expect(429);
      await post(proxied.app).set('X-Forwarded-For', '203.0.113.8').expect(422);
    });
  },
  { RATE_LIMIT_PER_MINUTE: '3' },
);
