import request from 'supertest';
import { expect, it } from 'vitest';
import { LOGGED_REQUEST_HEADERS } from '../src/observability/request-logging.js';
import { describeEngines } from './support/describe-engines.js';
import { uniqueEmail } from './support/harness.js';
import { capturingLogger } from './support/log-capture.js';

describeEngines('request headers in the log: an allowlist', (h) => {
  it('logs the tracing headers and never one that may carry a secret, nor an unknown one', async () => {
    const { logger, lines, raw } = capturingLogger();
    const app = await h().variant({ logger });
    const res = await request(app.app)
      .post('/api/v1/register?code=1234')
      .set('X-Request-Id', 'allowlist-1')
      .set('User-Agent', 'test-agent/1.0')
      .set('Origin', 'https://shop.example')
      .set('Referer', 'https://shop.example/signup?email=alice%40example.com#code')
      .set('Authorization', 'Bearer secret-bearer-token')
      .set('Proxy-Authorization', 'Basic c2VjcmV0LXByb3h5')
      .set('Cookie', 'session=secret-cookie')
      .set('X-Api-Key', 'secret-api-key')
      .set('X-Custom-Token', 'secret-custom')
      .send({ email: uniqueEmail(), password: 'short' });
    expect(res.status).toBe(422);

    const line = lines.find((l) => (l.req as { id?: string } | undefined)?.id === 'allowlist-1');
    const headers = (line?.req as { headers: Record<string, string> }).headers;
    expect(headers).toMatchObject({
      'x-request-id': 'allowlist-1',
      'user-agent': 'test-agent/1.0',
      'content-type': 'application/json',
      origin: 'https://shop.example',
      referer: 'https://shop.example/signup', // no query, no fragment
    });
    for (const name of Object.keys(headers))
      expect(LOGGED_REQUEST_HEADERS as readonly string[]).toContain(name);
    const everything = raw.join('\n');
    for (const secret of [
      'secret-bearer-token',
      'c2VjcmV0LXByb3h5',
      'secret-cookie',
      'secret-api-key',
      'secret-custom',
      'alice%40example.com',
    ])
      expect(everything).not.toContain(secret);
  });
});
