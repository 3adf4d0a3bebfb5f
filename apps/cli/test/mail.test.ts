import { afterAll, beforeAll, expect, it } from 'vitest';
import { PgOutbox } from '@signup/adapters';
import { activationCodeIn, describeOnPostgres, json, runOn, uniqueEmail } from './support/index.js';
import { closedPort, startSmtpSink, type SmtpSink } from '@signup/testkit';

const PASSWORD = 'correct horse battery';

describeOnPostgres('signup register/resend deliver the activation email', (engine) => {
  let sink: SmtpSink;
  let downUrl = '';
  const run = runOn(engine);

  beforeAll(async () => {
    sink = await startSmtpSink();
    downUrl = `smtp://127.0.0.1:${await closedPort()}`;
    expect((await run(['migrate'])).code).toBe(0);
  });
  afterAll(async () => {
    await sink?.close();
  });

  it('through SMTP: the email has arrived when register exits, and its code activates', async () => {
    const email = uniqueEmail();
    const env = { SMTP_URL: sink.url, MAIL_FROM: 'signup <no-reply@example.test>' };
    const result = await run(['register', email, '--password-stdin', '--json'], {
      env,
      input: `${PASSWORD}\n`,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(json(result)).toMatchObject({ email, status: 'pending', activationEmail: 'sent' });

    const mail = sink.messages.find((m) => m.to && !Array.isArray(m.to) && m.to.text === email);
    expect(mail, 'the message reached the SMTP server before the CLI exited').toBeDefined();
    expect(mail?.subject).toBe('Your activation code');
    expect(mail?.from?.text).toContain('no-reply@example.test');
    const code = activationCodeIn(mail?.text ?? '');
    expect(result.stderr).not.toContain(code); // SMTP, not the console: no code in the log

    const activated = await run(['activate', email, code, '--json'], { env });
    expect(activated.code, activated.stderr).toBe(0);
    expect(json(activated)).toMatchObject({ email, status: 'active' });
  });

  it('SMTP down: the account stays registered, the message queued, it says so with exit 3 within 5 s', async () => {
    const email = uniqueEmail();
    const env = { SMTP_URL: downUrl };
    const result = await run(['register', email, '--password-stdin', '--json'], {
      env,
      input: `${PASSWORD}\n`,
    });
    expect(result.code).toBe(3);
    expect(result.ms).toBeLessThan(5000);
    const body = json(result);
    expect(body).toMatchObject({ email, status: 'pending', activationEmail: 'queued' });
    expect(result.stderr).toMatch(
      new RegExp(`^signup: the activation email for ${email} is queued but could not be sent now`),
    );
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);

    const shown = await run(['users', 'show', email, '--json']);
    expect(json(shown)).toMatchObject({ id: body.id, status: 'pending' });
    const state = await engine().withSql((sql) =>
      new PgOutbox(sql).latestMessageState(String(body.id)),
    );
    expect(state).toBe('pending');

    // human output says the same
    const resent = await run(['resend', email], {
      env: { ...env, ACTIVATION_RESEND_COOLDOWN_SECONDS: '0' },
    });
    expect(resent.code).toBe(3);
    expect(resent.stdout).toMatch(new RegExp(`^New activation code for ${email} queued`));
    expect(resent.stderr).toMatch(/^signup: the activation email .* is queued/);
  });
});
