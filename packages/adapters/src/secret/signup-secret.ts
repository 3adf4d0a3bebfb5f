import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SecretKeyring, type Keyring } from '@signup/domain';
import type { DatabaseSettings, SecretSettings } from '../config/config.js';

/** Where the embedded database keeps its generated secret. */
export const SECRET_FILE = 'signup-secret';

/**
 * The keyring over `SIGNUP_SECRET`. On the embedded database, when unset, the
 * secret is generated once (32 random bytes, hex) into `DATA_DIR/signup-secret`
 * with mode 0600 and read from there by every later process (the server, the
 * CLI). With `DATABASE_URL` the configuration already refused a missing one.
 */
export async function openKeyring(
  secret: SecretSettings,
  database: DatabaseSettings,
): Promise<Keyring> {
  const current = secret.current ?? (await embeddedSecret(database));
  return new SecretKeyring(current, secret.previous ? [secret.previous] : []);
}

async function embeddedSecret(database: DatabaseSettings): Promise<string> {
  if (database.databaseUrl) {
    throw new Error(
      'SIGNUP_SECRET is required with DATABASE_URL (make one with `openssl rand -hex 32`).',
    );
  }
  await mkdir(database.dataDir, { recursive: true });
  const file = join(database.dataDir, SECRET_FILE);
  const generated = randomBytes(32).toString('hex');
  try {
    // 'wx': only the first process creates it; a second one reads what the first wrote.
    await writeFile(file, `${generated}\n`, { flag: 'wx', mode: 0o600 });
    return generated;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  for (let tries = 0; ; tries += 1) {
    const text = (await readFile(file, 'utf8')).trim();
    if (text.length >= 64 || tries >= 20) return text;
    await new Promise((resolve) => setTimeout(resolve, 10)); // another process is mid-write
  }
}
