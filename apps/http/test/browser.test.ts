import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from './support/chromium.js';
import { uniqueEmail } from './support/harness.js';
import { startInProcess, type InProcessServer } from './support/in-process-server.js';

const available = chromiumAvailable('Swagger UI browser test');

describe.skipIf(!available)('Swagger UI in a real browser', () => {
  let server: InProcessServer | undefined;
  let browser: Browser | undefined;
  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('opens /docs, tries out register, and sees 201', async () => {
    server = await startInProcess();
    browser = await launchChromium();
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));

    await page.goto(`${server.running.url}/docs`);
    const operation = page.locator('#operations-accounts-register');
    await operation.locator('.opblock-summary').click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    const email = uniqueEmail('browser');
    await operation
      .locator('textarea.body-param__text')
      .fill(JSON.stringify({ email, password: 'correct horse battery' }));
    await operation.getByRole('button', { name: 'Execute' }).click();

    const status = operation
      .locator('.live-responses-table .response .response-col_status')
      .first();
    await expect
      .poll(async () => (await status.textContent())?.trim(), { timeout: 15_000 })
      .toBe('201');
    expect(
      await operation.locator('.live-responses-table .microlight').first().textContent(),
    ).toContain(email);
    expect(problems.filter((p) => /Content Security Policy|Refused/i.test(p))).toEqual([]);
    expect(
      server.mailer.sent.length + (await server.infrastructure.outbox.stats(new Date())).pending,
    ).toBe(1);
  });
});
