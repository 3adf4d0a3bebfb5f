import { InfrastructureUnavailableError } from '@signup/domain';
import request from 'supertest';
import { expect, it } from 'vitest';
import { describeEngines } from './support/describe-engines.js';
import { uniqueEmail } from './support/harness.js';

const LIMIT = 3;

describeEngines(
  'rate limit edges: token bucket, IPv6 /64, fail-closed',
  (h) => {
    const post = (app = h().app, from?: string) => {
      const req = request(app)
        .post('/api/v1/register')
        .send({ email: uniqueEmail(), password: 'short' });
      return from ? req.set('X-Forwarded-For', from) : req;
    };
    /** A fresh client: its own address, so no other test's hits count. */
    let n = 0;
    const freshIpv4 = () => `198.51.100.${(n += 1)}`;
    const proxied = () => h().variant({ env: { TRUST_PROXY: 'loopback' } });

    /** The next whole minute (a fixed window's edge) minus `ms`. */
    const beforeNextMinute = (ms: number) => {
      const now = h().clock.now().getTime();
      h().clock.set(new Date(Math.ceil((now + 1) / 60_000) * 60_000 - ms));
    };

    it('the limit-th POST is the last allowed and the next the first refused, Retry-After to the next token', async () => {
      const app = (await proxied()).app;
      const ip = freshIpv4();
      for (let i = 0; i < LIMIT; i += 1) await post(app, ip).expect(422);
      const refused = await post(app, ip).expect(429);
      expect(refused.body).toMatchObject({ code: 'rate_limited', retryAfterSeconds: 20 });
      expect(refused.headers['retry-after']).toBe('20');
      h().clock.advanceSeconds(19);
      await post(app, ip).expect(429);
      h().clock.advanceSeconds(1);
      await post(app, ip).expect(422); // one token back, exactly one
      await post(app, ip).expect(429);
    });

    it('a burst at a window boundary gets the limit once, not twice', async () => {
      const app = (await proxied()).app;
      const ip = freshIpv4();
      beforeNextMinute(500);
      const statuses: number[] = [];
      for (let i = 0; i < LIMIT * 2; i += 1) statuses.push((await post(app, ip)).status);
      h().clock.advanceMs(1000); // across the boundary
      for (let i = 0; i < LIMIT * 2; i += 1) statuses.push((await post(app, ip)).status);
      expect(statuses.filter((s) => s === 422)).toHaveLength(LIMIT);
      expect(statuses.filter((s) => s === 429)).toHaveLength(LIMIT * 3);
    });

    it('IPv6 clients are counted per /64; IPv4-mapped addresses as IPv4', async () => {
      const app = (await proxied()).app;
      // three addresses of one /64 share its budget
      await post(app, '2001:db8:aa:1::1').expect(422);
      await post(app, '2001:db8:aa:1::2').expect(422);
      await post(app, '2001:db8:aa:1:ffff:ffff:ffff:ffff').expect(422);
      await post(app, '2001:db8:aa:1:1234::9').expect(429);
      // the next /64 is another client
      await post(app, '2001:db8:aa:2::1').expect(422);
      // ::ffff:a.b.c.d is a.b.c.d
      const ip = freshIpv4();
      for (let i = 0; i < LIMIT; i += 1) await post(app, `::ffff:${ip}`).expect(422);
      await post(app, ip).expect(429);
    });

    it('fails closed: the limiter store unreachable answers 503 service_unavailable with Retry-After', async () => {
      const broken = await h().variant({
        infrastructure: (base) => ({
          ...base,
          rateLimiter: {
            consume: () =>
              Promise.reject(new InfrastructureUnavailableError('database', 'connection refused')),
          },
        }),
      });
      const res = await post(broken.app);
      expect(res.status).toBe(503);
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(res.body).toMatchObject({ code: 'service_unavailable', status: 503 });
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      // any failure of the store, not only a connection error: never a free pass
      const odd = await h().variant({
        infrastructure: (base) => ({
          ...base,
          rateLimiter: { consume: () => Promise.reject(new Error('something else')) },
        }),
      });
      expect((await post(odd.app)).status).toBe(503);
      // GET endpoints do not consult it
      await request(broken.app).get('/livez').expect(200);
    });
  },
  { RATE_LIMIT_PER_MINUTE: String(LIMIT) },
);
