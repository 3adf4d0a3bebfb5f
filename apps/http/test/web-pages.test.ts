import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { HashingOverloadedError } from '@signup/adapters';
import { InfrastructureUnavailableError } from '@signup/domain';
import request, { type Response } from 'supertest';
import { describe, expect, it } from 'vitest';
import { PAGE_CSP } from '../src/web/page-headers.js';
import { WEB_PAGE_PATHS } from '../src/web/pages.js';
import { describeEngines } from './support/describe-engines.js';
import { basic, accountReadsReject, type Harness, uniqueEmail } from './support/harness.js';

/** Every password these tests type; no response may carry one. */
const passwords = new Set<string>();
const seen: { what: string; text: string }[] = [];

function remember(what: string, res: Response): Response {
  seen.push({ what, text: `${res.headers.location ?? ''}\n${res.text}` });
  return res;
}

let serial = 0;
/** A password no other test uses, so finding it in a page can only mean it was echoed. */
function newPassword(): string {
  serial += 1;
  const password = `Pw-${process.pid}-${serial}-secret`;
  passwords.add(password);
  return password;
}

/** A same-origin form post, as a browser sends it from the pages. */
async function form(
  app: Harness['app'] | string,
  path: string,
  fields: Record<string, string>,
  headers: Record<string, string> = { 'Sec-Fetch-Site': 'same-origin' },
): Promise<Response> {
  const res = await request(app).post(path).type('form').set(headers).send(fields);
  return remember(`POST ${path}`, res);
}

async function get(app: Harness['app'], path: string): Promise<Response> {
  return remember(`GET ${path}`, await request(app).get(path));
}

const stripTags = (text: string) =>
  text
    .replace(/<[^>]+>/g, '')
    .replace(/\s+/g, ' ')
    .trim();

/** The error text tied to control `id` (its `<id>-error` element), or undefined. */
function errorOn(page: string, id: string): string | undefined {
  const match = new RegExp(`<p class="field-error" id="${id}-error">([\\s\\S]*?)</p>`).exec(
    page.replace(/\s+/g, ' '),
  );
  return match ? stripTags(match[1]!).replace(/^Error: /, '') : undefined;
}

/** The opening tag of the element with `id`. */
function tagOf(page: string, id: string): string {
  const tag = new RegExp(`<(input|button)[^>]*\\bid="${id}"[^>]*>`).exec(page)?.[0];
  if (!tag) throw new Error(`no control #${id} in the page`);
  return tag;
}

/** Asserts the control `id` shows `text` as its error, tied by aria-describedby (and aria-invalid on a field). */
function expectErrorOn(page: string, id: string, text: RegExp | string): void {
  const error = errorOn(page, id);
  expect(error, `error on #${id}`).toBeDefined();
  expect(error).toMatch(text);
  const tag = tagOf(page, id);
  expect(/aria-describedby="([^"]*)"/.exec(tag)?.[1]?.split(' ')).toContain(`${id}-error`);
  if (tag.startsWith('<input')) expect(tag).toContain('aria-invalid="true"');
  // The summary lists it, linked to the control, and takes the focus.
  expect(page).toMatch(new RegExp(`<li><a href="#${id}">`));
  expect(page).toContain('id="error-summary" tabindex="-1" autofocus');
  expect(page).toMatch(/<title>Error: /);
}

function expectNoErrorOn(page: string, id: string): void {
  expect(errorOn(page, id), `no error on #${id}`).toBeUndefined();
}

/** Asserts an HTML answer with `status`; its markup with every run of whitespace as one space. */
function expectHtml(res: Response, status: number): string {
  expect(res.status, res.text.slice(0, 300)).toBe(status);
  expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
  expect(res.headers['x-request-id']).toEqual(expect.any(String));
  return res.text.replace(/\s+/g, ' ');
}

/** The value of the hidden field `name`. */
const hidden = (page: string, name: string) =>
  new RegExp(`<input type="hidden" name="${name}" value="([^"]*)"`).exec(page)?.[1];

/** Registers through the form and follows the redirect: the code page and what it carries. */
async function registerByForm(h: Harness, email = uniqueEmail('web'), password = newPassword()) {
  const res = await form(h.app, '/', { email, password });
  expect(res.status, res.text.slice(0, 300)).toBe(303);
  const location = String(res.headers.location);
  expect(location).toMatch(/^\/activate\?email=[^&]+&expires=[^&]+$/);
  const query = new URL(location, 'http://x').searchParams;
  return { email, password, location, expires: query.get('expires')! };
}

describeEngines('Web pages: the self-service flow in HTML', (h) => {
  it('GET / is the registration form: labelled fields, one button, a title, lang, own assets only', async () => {
    const page = expectHtml(await get(h().app, '/'), 200);
    expect(page).toMatch(/^<!doctype html> ?<html lang="en">/);
    expect(page).toContain('<title>Create your account – signup</title>');
    expect(page).toContain('<label for="email">Email</label>');
    expect(page).toContain('<label for="password">Password</label>');
    expect(page).toMatch(/<button type="submit" class="primary">Register<\/button>/);
    expect(page).toContain('<form method="post" action="/" novalidate>');
    expect(tagOf(page, 'password')).toContain('autocomplete="new-password"');
    expect(tagOf(page, 'password')).not.toContain('value=');
    // No inline script or style, nothing from another host.
    expect(page).not.toMatch(/<script>|<style|style="|https?:\/\//);
    const assets = [...page.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets).toHaveLength(3);
    const types: Record<string, RegExp> = {
      css: /^text\/css/,
      js: /^text\/javascript/,
      svg: /^image\/svg\+xml/,
    };
    for (const asset of assets) {
      const res = await request(h().app).get(asset);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(types[/\.(\w+)\?/.exec(asset)![1]!]!);
      expect(res.headers['cache-control']).toContain('immutable');
    }
  });

  it('pages carry their own strict CSP (no inline code) and same-origin referrers, never cached', async () => {
    const res = await get(h().app, '/');
    expect(res.headers['content-security-policy']).toBe(PAGE_CSP);
    expect(PAGE_CSP).toContain("script-src 'self'");
    expect(PAGE_CSP).not.toContain('unsafe-inline');
    expect(res.headers['referrer-policy']).toBe('same-origin');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('the whole flow without JavaScript: register (303) -> code page -> activate (303) -> success', async () => {
    const { email, password, location, expires } = await registerByForm(h());
    const codePage = expectHtml(await get(h().app, location), 200);
    expect(codePage).toContain('<title>Enter your activation code – signup</title>');
    expect(codePage).toContain(`We sent a 4-digit code to <strong>${email}</strong>`);
    expect(codePage).toContain('<label for="code">Activation code</label>');
    expect(codePage).toContain('<label for="password">Password</label>');
    const code = tagOf(codePage, 'code');
    expect(code).toContain('inputmode="numeric"');
    expect(code).toContain('autocomplete="one-time-code"');
    expect(code).toContain('maxlength="4"');
    expect(codePage).toMatch(/<button type="submit" class="primary">Activate<\/button>/);
    expect(tagOf(codePage, 'resend')).toContain('formaction="/activation-code"');
    expect(codePage).toContain('>Send a new code</button>');
    // The code's remaining time and the cooldown, as of the render (the script counts them down).
    expect(stripTags(codePage)).toContain('The code expires in 1 minute, at');
    expect(codePage).toMatch(new RegExp(`<time datetime="${expires}" data-local ?>`));
    expect(stripTags(codePage)).toContain('You can ask for a new code in 30 seconds.');
    expect(codePage).toContain('data-seconds-left="60"');
    expect(codePage).toContain('data-seconds-left="30"');
    expect(hidden(codePage, 'email')).toBe(email);

    const activated = await form(h().app, '/activate', {
      email,
      expires,
      code: await h().codeFor(email),
      password,
    });
    expect(activated.status).toBe(303);
    expect(activated.headers.location).toBe('/activated');
    const success = expectHtml(await get(h().app, '/activated'), 200);
    expect(success).toContain('<title>Account activated – signup</title>');
    expect(success).toContain('Your account is active');
    // The account really is active: the API says so.
    const again = await request(h().app)
      .post('/api/v1/activate')
      .set('Authorization', basic(email, password))
      .send({ code: '0000' });
    expect(again.body.code).toBe('already_active');
  });

  it('422: each validation message on its own field, what was typed kept (escaped), never the password', async () => {
    const password = newPassword().slice(0, 5);
    passwords.add(password);
    const typed = '<script>x</script>@nope';
    const page = expectHtml(await form(h().app, '/', { email: typed, password }), 422);
    expectErrorOn(page, 'email', 'Email must be a valid email address');
    expectErrorOn(page, 'password', 'Password must be at least 8 characters');
    expect(page).toContain('value="&lt;script&gt;x&lt;/script&gt;@nope"');
    expect(page).not.toContain('<script>x');
    expect(tagOf(page, 'password')).not.toContain('value=');

    const empty = expectHtml(await form(h().app, '/', {}), 422);
    expectErrorOn(empty, 'email', 'Email is required');

    const { email, expires } = await registerByForm(h());
    const badCode = expectHtml(
      await form(h().app, '/activate', { email, expires, code: '12a4', password: 'whatever1' }),
      422,
    );
    expectErrorOn(badCode, 'code', 'Activation code must be exactly 4 digits');
    expectNoErrorOn(badCode, 'password');
  });

  it('409 email_taken on the email field', async () => {
    const { email, password, expires } = await registerByForm(h());
    const code = await h().codeFor(email);
    expect((await form(h().app, '/activate', { email, expires, code, password })).status).toBe(303);
    const page = expectHtml(await form(h().app, '/', { email, password: newPassword() }), 409);
    expectErrorOn(page, 'email', 'An active account already uses this email address.');
    expect(tagOf(page, 'email')).toContain(`value="${email}"`);
  });

  it('409 already_active in the summary when the account is active', async () => {
    const { email, password, expires } = await registerByForm(h());
    const code = await h().codeFor(email);
    await form(h().app, '/activate', { email, expires, code, password });
    const page = expectHtml(
      await form(h().app, '/activate', { email, expires, code, password }),
      409,
    );
    expect(stripTags(page)).toContain('This account is already active');
  });

  it('400 wrong code: how many attempts are left, on the code field; 410 once burned', async () => {
    const { email, password, expires } = await registerByForm(h());
    const right = await h().codeFor(email);
    const wrong = right === '0000' ? '1111' : '0000';
    const first = expectHtml(
      await form(h().app, '/activate', { email, expires, code: wrong, password }),
      400,
    );
    expectErrorOn(first, 'code', 'That code is not correct. 4 attempts left.');
    expectNoErrorOn(first, 'password');
    // The page keeps its state: same address, same expiry, the password field empty.
    expect(hidden(first, 'email')).toBe(email);
    expect(hidden(first, 'expires')).toBe(expires);
    expect(tagOf(first, 'password')).not.toContain('value=');

    for (const left of [3, 2, 1]) {
      const page = await form(h().app, '/activate', { email, expires, code: wrong, password });
      expect(errorOn(page.text, 'code')).toContain(`${left} attempt${left === 1 ? '' : 's'} left`);
    }
    const last = expectHtml(
      await form(h().app, '/activate', { email, expires, code: wrong, password }),
      400,
    );
    expectErrorOn(last, 'code', /it was the last attempt: send a new code/);
    const burned = expectHtml(
      await form(h().app, '/activate', { email, expires, code: right, password }),
      410,
    );
    expectErrorOn(burned, 'code', 'This code had too many wrong tries and no longer works');

    // A new code is refused while the address is locked: 429 with the time, on the button.
    h().clock.advanceSeconds(h().config.activation.resendCooldownSeconds);
    const locked = await form(h().app, '/activation-code', { email, expires, password });
    expectHtml(locked, 429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expectErrorOn(
      locked.text,
      'resend',
      /Too many wrong codes .* No new code can be sent until \d\d:\d\d:\d\d UTC \(in \d+ seconds?\)\./,
    );
    expectNoErrorOn(locked.text, 'code');
  });

  it('410 expired code on the code field', async () => {
    const { email, password, expires } = await registerByForm(h());
    const code = await h().codeFor(email);
    h().clock.advanceSeconds(h().config.activation.codeTtlSeconds + 1);
    const page = expectHtml(
      await form(h().app, '/activate', { email, expires, code, password }),
      410,
    );
    expectErrorOn(page, 'code', 'This code has expired: send a new code.');
    // As rendered now, the code page says the code has expired and a new one may be asked for.
    expect(stripTags(page)).toContain('The code has expired: send a new code.');
    expect(stripTags(page)).toContain('You can ask for a new code now.');
  });

  it('401 wrong password on the password field, without a Basic challenge (no browser login dialog)', async () => {
    const { email, expires } = await registerByForm(h());
    const res = await form(h().app, '/activate', {
      email,
      expires,
      code: await h().codeFor(email),
      password: newPassword(),
    });
    const page = expectHtml(res, 401);
    expect(res.headers['www-authenticate']).toBeUndefined();
    expectErrorOn(page, 'password', 'The email or password is not correct.');
  });

  it('429 resend_too_soon with the wait: on the button of the code page, on the email of the register page', async () => {
    const { email, password, expires } = await registerByForm(h());
    h().clock.advanceSeconds(10);
    const resend = await form(h().app, '/activation-code', { email, expires, password });
    const page = expectHtml(resend, 429);
    expect(resend.headers['retry-after']).toBe('20');
    expectErrorOn(
      page,
      'resend',
      'A code was sent to this address moments ago. Use that code, or wait 20 seconds for a new one.',
    );
    expect(stripTags(page)).toContain('You can ask for a new code in 20 seconds.');

    const again = await form(h().app, '/', { email, password });
    expectErrorOn(
      expectHtml(again, 429),
      'email',
      /moments ago\. Use that code, or wait 20 seconds/,
    );
    expect(again.text).toContain(`href="/activate?email=${encodeURIComponent(email)}"`);
  });

  it('a new code after the cooldown: 303 back to the code page, which says so', async () => {
    const { email, password, expires } = await registerByForm(h());
    h().clock.advanceSeconds(h().config.activation.resendCooldownSeconds);
    const res = await form(h().app, '/activation-code', { email, expires, password });
    expect(res.status).toBe(303);
    const location = String(res.headers.location);
    expect(location).toMatch(/^\/activate\?email=.+&expires=.+&sent=1$/);
    expect(new URL(location, 'http://x').searchParams.get('expires')).not.toBe(expires);
    const page = expectHtml(await get(h().app, location), 200);
    expect(page).toMatch(/<p class="notice" role="status"> ?We sent a new code to <strong>/);
    // The new code activates.
    const newExpires = new URL(location, 'http://x').searchParams.get('expires')!;
    const code = await h().codeFor(email);
    const done = await form(h().app, '/activate', { email, expires: newExpires, code, password });
    expect(done.headers.location).toBe('/activated');
  });

  it('429 mail_quota_exceeded with the wait', async () => {
    const tight = await h().variant({ env: { MAIL_PER_ADDRESS_PER_DAY: '1' } });
    const { email, password, expires } = await registerByForm(tight);
    tight.clock.advanceSeconds(tight.config.activation.resendCooldownSeconds);
    const page = expectHtml(
      await form(tight.app, '/activation-code', { email, expires, password }),
      429,
    );
    expectErrorOn(
      page,
      'resend',
      /This mailbox has had all its activation emails for today\. Try again in 23 hours \d+ minutes\./,
    );
  });

  it('429 rate_limited after too many wrong passwords for one address, in the summary', async () => {
    const strict = await h().variant({ env: { PASSWORD_FAILURES_PER_15_MINUTES: '1' } });
    const { email, expires } = await registerByForm(strict);
    await form(strict.app, '/activation-code', { email, expires, password: newPassword() });
    const res = await form(strict.app, '/activation-code', {
      email,
      expires,
      password: newPassword(),
    });
    const page = expectHtml(res, 429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(stripTags(page)).toMatch(/Too many attempts\. Wait \d+ (minutes?|seconds?)/);
  });

  it('503 with the wait when the database is unreachable', async () => {
    const down = await h().variant({
      infrastructure: accountReadsReject(
        new InfrastructureUnavailableError('database', 'connection refused'),
      ),
    });
    const res = await form(down.app, '/', { email: uniqueEmail('down'), password: newPassword() });
    const page = expectHtml(res, 503);
    expect(res.headers['retry-after']).toBe('5');
    expect(stripTags(page)).toContain(
      'The service is busy or briefly unavailable. Try again in 5 seconds.',
    );
    expect(page).not.toContain('connection refused');
  });

  it('503 overloaded (hashing at capacity) with the wait, counted as shed like the API', async () => {
    const busy = await h().variant({
      infrastructure: accountReadsReject(new HashingOverloadedError(99, 2)),
    });
    const res = await form(busy.app, '/activate', {
      email: uniqueEmail('busy'),
      code: '1234',
      password: newPassword(),
    });
    const page = expectHtml(res, 503);
    expect(res.headers['retry-after']).toBe('2');
    expect(stripTags(page)).toContain(
      'The service is busy or briefly unavailable. Try again in 2 seconds.',
    );
    const metrics = await request(busy.app).get('/metrics');
    expect(metrics.text).toMatch(/signup_requests_shed_total\{route="\/activate"\} 1/);
  });

  it('cross-site posts are refused with 403 and a readable page, before anything happens', async () => {
    const email = uniqueEmail('csrf');
    const fields = { email, password: newPassword() };
    const cases: Record<string, Record<string, string>> = {
      'Sec-Fetch-Site cross-site': { 'Sec-Fetch-Site': 'cross-site' },
      'Sec-Fetch-Site same-site': { 'Sec-Fetch-Site': 'same-site' },
      'another Origin': { Origin: 'https://evil.example' },
      'Origin null': { Origin: 'null' },
      'another Referer': { Referer: 'https://evil.example/form' },
      'nothing to tell': {},
    };
    for (const [name, headers] of Object.entries(cases)) {
      for (const path of ['/', '/activate', '/activation-code']) {
        const res = await form(h().app, path, fields, headers);
        expect(res.status, `${name} ${path}`).toBe(403);
        expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
        expect(stripTags(res.text)).toContain('This form came from another site');
      }
    }
    expect(await h().infrastructure.users.findByEmail(email)).toBeNull();

    // The browser's own posts pass, whichever header it sends (one server: the port is part of the origin).
    const server = h().app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const own = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const byOrigin = await form(own, '/', fields, { Origin: own });
      expect(byOrigin.status).toBe(303);
      const elsewhere = await form(own, '/', fields, { Origin: 'http://127.0.0.1:1' });
      expect(elsewhere.status).toBe(403);
      const byReferer = await form(
        own,
        '/',
        { email: uniqueEmail('csrf'), password: newPassword() },
        { Referer: `${own}/activate?email=x` },
      );
      expect(byReferer.status).toBe(303);
    } finally {
      server.close();
    }
  });

  it('forms only: another body type is 415, an oversized form 413, another method 405 (all as pages)', async () => {
    const json = await request(h().app)
      .post('/')
      .set('Sec-Fetch-Site', 'same-origin')
      .send({ email: uniqueEmail(), password: newPassword() });
    expectHtml(json, 415);
    const big = await form(h().app, '/', { email: 'x'.repeat(17 * 1024), password: 'p' });
    expect(stripTags(expectHtml(big, 413))).toContain('The form is too large to send.');
    const put = await request(h().app).put('/activate');
    expectHtml(put, 405);
    expect(put.headers.allow).toBe('GET, POST, HEAD, OPTIONS');
  });

  it('the code page without an address asks for it; a forged expiry is ignored', async () => {
    const page = expectHtml(
      await get(h().app, '/activate?email=not-an-address&expires=2999-01-01T00:00:00Z'),
      200,
    );
    expect(page).toContain('<label for="email">Email</label>');
    expect(page).not.toContain('not-an-address');
    expect(page).not.toContain('data-seconds-left');
  });

  it('stays out of the OpenAPI document', async () => {
    const doc = (await request(h().app).get('/openapi.json')).body as {
      paths: Record<string, unknown>;
    };
    for (const path of WEB_PAGE_PATHS) expect(Object.keys(doc.paths)).not.toContain(path);
  });
});

// The limiter is built with the infrastructure: a harness of its own, RATE_LIMIT_PER_MINUTE=3.
describeEngines(
  "Web pages: the API's per-IP rate limit",
  (h) => {
    it('the per-IP rate limit of the API covers the page posts, one budget for both', async () => {
      const limited = h();
      limited.clock.advanceSeconds(60);
      expect((await request(limited.app).post('/api/v1/register').send({})).status).toBe(422);
      expect((await form(limited.app, '/', {})).status).toBe(422);
      expect((await form(limited.app, '/activate', {})).status).toBe(422);
      const res = await form(limited.app, '/', {
        email: uniqueEmail('limited'),
        password: newPassword(),
      });
      const page = expectHtml(res, 429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(stripTags(page)).toMatch(/Too many attempts\. Wait \d+ seconds?, then try again\./);
      // The typed address is kept; the GET pages are not limited.
      expect(page).toContain('name="email" type="email" autocomplete="email" value="');
      expect((await get(limited.app, '/')).status).toBe(200);
      expect((await request(limited.app).post('/api/v1/register').send({})).status).toBe(429);
    });
  },
  { RATE_LIMIT_PER_MINUTE: '3' },
);

// After both blocks above, on every engine: every response they saw.
describe('Web pages: the password', () => {
  it('never puts a password in a page or a URL', () => {
    expect(seen.length).toBeGreaterThan(40);
    expect(passwords.size).toBeGreaterThan(10);
    for (const { what, text } of seen)
      for (const password of passwords) expect(text, what).not.toContain(password);
  });
});
