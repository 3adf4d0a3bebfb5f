import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** The system Chromium the browser tests drive (playwright-core brings no browser). */
export const CHROMIUM = '/usr/bin/chromium';

/** Whether CHROMIUM is installed; when it is not, warns that `what` is skipped. */
export function chromiumAvailable(what: string): boolean {
  const available = existsSync(CHROMIUM);
  if (!available)
    console.warn(`${what} skipped: ${CHROMIUM} is not installed (apt-get install chromium)`);
  return available;
}

/** CHROMIUM, headless, without a sandbox or anything that reaches out on its own. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
