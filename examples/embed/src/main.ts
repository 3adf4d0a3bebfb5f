import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ActivationMailer } from '@signup/domain';
import { openSignupModule } from './signup-module.js';

/**
 * `npm start -w @signup/example-embed`: registers and activates one user with
 * the embedded database in a temp folder, the code read from "your" mailer.
 */
const inbox = new Map<string, string>();
const mailer: ActivationMailer = {
  send({ to, code }) {
    inbox.set(to, code);
    return Promise.resolve();
  },
};

const module = await openSignupModule({
  dataDir: mkdtempSync(join(tmpdir(), 'signup-embed-')),
  mailer,
  bcryptCost: 10,
});
try {
  const email = 'ada@example.com';
  const password = 'correct horse battery';
  const { expiresAt } = await module.signUp(email, password);
  await module.flushMail();
  const code = inbox.get(email);
  if (!code) throw new Error('no activation email arrived');
  console.log(`registered ${email}; code expires at ${expiresAt.toISOString()}`);
  const user = await module.confirm(email, password, code);
  console.log(`activated ${user.email}: ${user.status}`);
} finally {
  await module.close();
}
