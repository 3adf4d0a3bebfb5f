import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  pglite,
  REPO_ROOT,
  startServer,
  startSmtpSink,
  type EngineDatabase,
  type ServerProcess,
  type SmtpSink,
} from '@signup/testkit';
import axe from 'axe-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from './support/chromium.js';
import { uniqueEmail } from './support/harness.js';

const available = chromiumAvailable('Web pages browser test');

/** SCREENSHOTS=1: the JavaScript run saves each step to docs/screenshots/ (for the README). */
const SCREENSHOTS = process.env.SCREENSHOTS === '1' ? resolve(REPO_ROOT, 'docs/screenshots') : null;

/** Runs axe-core on the page as it is and returns its violations, one line each. */
async function axeViolations(page: Page): Promise<string[]> {
  // page.addScriptTag({ content }) is an inline script: the pages' CSP refuses it (as it
  // should), and with JavaScript off it would not run. Evaluating through the DevTools
  // protocol works in both cases and leaves the page's own policy untouched.
  await page.evaluate(axe.source);
  // A string: the tests compile without the DOM library.
  const results = await page.evaluate<axe.AxeResults>(
    "axe.run(document, { resultTypes: ['violations'] })",
  );
  return results.violations.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}

/**
 * axe on a page whose own scripts cannot run (JavaScript off: its timers never
 * fire, so axe.run would never finish there): the same markup, scripts
 * removed, served at the same URL to `auditor`, a JavaScript-enabled page, so
 * the app's stylesheet applies as it did.
 */
async function axeViolationsOfCopy(page: Page, auditor: Page): Promise<string[]> {
  const url = page.url();
  const markup = (await page.content()).replace(/<script\b[^>]*>\s*<\/script>/g, '');
  await auditor.route(
    url,
    (route) =>
      route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: markup }),
    { times: 1 },
  );
  await auditor.goto(url);
  return axeViolations(auditor);
}

describe.skipIf(!available)('Web pages in a real browser (Chromium)', () => {
  let database: EngineDatabase;
  let sink: SmtpSink;
  let server: ServerProcess;
  let browser: Browser;

  beforeAll(async () => {
    sink = await startSmtpSink();
    database = await pglite.open();
    server = await startServer(
      { ...database.env, SMTP_URL: sink.url, BCRYPT_COST: '4', LOG_LEVEL: 'warn' },
      { name: 'web-pages' },
    );
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await sink?.close();
    await database?.dispose();
  });

  for (const javaScript of [true, false]) {
    const label = javaScript ? 'JavaScript on' : 'JavaScript off';

    it(`register -> code from the mail -> wrong code -> activate -> success, axe clean at each step (${label})`, async () => {
      const context = await browser.newContext({
        javaScriptEnabled: javaScript,
        viewport: { width: 720, height: 860 },
        locale: 'en-GB',
        timezoneId: 'UTC',
      });
      const page = await context.newPage();
      const auditing = javaScript ? null : await browser.newContext({ locale: 'en-GB' });
      const auditor = await auditing?.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() !== 'error' && message.type() !== 'warning') return;
        // The wrong code's page comes with its 400, which Chromium notes in the console.
        if (message.text().endsWith('status of 400 (Bad Request)')) return;
        problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      const violations: Record<string, string[]> = {};
      const step = async (name: string) => {
        violations[name] = auditor
          ? await axeViolationsOfCopy(page, auditor)
          : await axeViolations(page);
        if (SCREENSHOTS && javaScript) {
          mkdirSync(SCREENSHOTS, { recursive: true });
          await page.screenshot({ path: resolve(SCREENSHOTS, `${name}.png`), fullPage: true });
        }
      };
      const focused = () =>
        page.evaluate<string>('document.activeElement ? document.activeElement.id : ""');
      const email = uniqueEmail(javaScript ? 'browser-js' : 'browser-nojs');
      const password = 'correct horse battery';

      try {
        // 1. Register.
        await page.goto(`${server.url}/`);
        await expect.poll(() => page.title()).toBe('Create your account – signup');
        expect(await page.getAttribute('html', 'lang')).toBe('en');
        await step('register');
        await page.getByLabel('Email').fill(email);
        await page.getByLabel('Password').fill(password);
        await page.getByRole('button', { name: 'Register' }).click();

        // 2. The code page, for that email, with both deadlines.
        await page.waitForURL(/\/activate\?email=/);
        expect(await page.title()).toBe('Enter your activation code – signup');
        await expect.poll(() => page.locator('main').textContent()).toContain(email);
        const code = page.getByLabel('Activation code');
        expect(await code.getAttribute('inputmode')).toBe('numeric');
        expect(await code.getAttribute('autocomplete')).toBe('one-time-code');
        expect(await page.getByLabel('Password').inputValue()).toBe('');
        expect(await page.locator('#code-timer').textContent()).toMatch(/The code expires in/);
        expect(await page.locator('#resend-timer').textContent()).toMatch(
          /You can ask for a new code in/,
        );
        await page.getByRole('button', { name: 'Send a new code' }).waitFor();
        if (javaScript) {
          // The script counts down from what the server rendered.
          const countdown = page.locator('#code-timer .countdown');
          const first = await countdown.textContent();
          await expect.poll(() => countdown.textContent(), { timeout: 3000 }).not.toBe(first);
          expect(await page.locator('#code-timer time').textContent()).toMatch(/^\d\d:\d\d:\d\d$/);
        }
        await step('code');

        // 3. A wrong code: the message on the code field, attempts left, focus on the summary.
        const right = await sink.codeFor(email);
        await code.fill(right === '0000' ? '1111' : '0000');
        await page.getByLabel('Password').fill(password);
        await page.getByRole('button', { name: 'Activate' }).click();
        await page.locator('#code-error').waitFor();
        expect(await page.title()).toBe('Error: Enter your activation code – signup');
        expect(await page.locator('#code-error').textContent()).toContain(
          'That code is not correct. 4 attempts left.',
        );
        expect(await code.getAttribute('aria-invalid')).toBe('true');
        expect(await code.getAttribute('aria-describedby')).toContain('code-error');
        await expect.poll(focused).toBe('error-summary');
        expect(await page.getByLabel('Password').inputValue()).toBe('');
        expect(await page.content()).not.toContain(password);
        await step('error');

        // 4. The right code: the success page.
        await code.fill(right);
        await page.getByLabel('Password').fill(password);
        await page.getByRole('button', { name: 'Activate' }).click();
        await page.waitForURL(/\/activated$/);
        expect(await page.title()).toBe('Account activated – signup');
        expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
          'Your account is active',
        );
        await step('success');
      } finally {
        await context.close();
        await auditing?.close();
      }

      expect(violations).toEqual({ register: [], code: [], error: [], success: [] });
      expect(problems).toEqual([]);
      expect(page.url()).not.toContain(encodeURIComponent(password));
    });
  }

  it('a cross-site form post gets the readable 403 page', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      // A page on another origin (a data: URL is cross-site) that posts to the service.
      await page.goto(
        `data:text/html,<form method="post" action="${server.url}/"><input name="email" value="${uniqueEmail('csrf')}"><input name="password" value="correct horse battery"><button>Go</button></form>`,
      );
      const [response] = await Promise.all([
        page.waitForNavigation(),
        page.getByRole('button', { name: 'Go' }).click(),
      ]);
      expect(response?.status()).toBe(403);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
        'This form came from another site',
      );
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
