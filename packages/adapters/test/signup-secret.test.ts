import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SecretKeyring } from '@signup/domain';
import { TEST_SECRET, testKeyring } from '@signup/domain/testing';
import { tempDir } from '@signup/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import type { DatabaseSettings } from '../src/config/config.js';
import { openKeyring, SECRET_FILE } from '../src/secret/signup-secret.js';

const NO_SECRET = { current: undefined, previous: undefined };
const NEW_SECRET = 'a-new-secret-after-rotation-0123456789abcdef';

describe('openKeyring', () => {
  const dirs: Awaited<ReturnType<typeof tempDir>>[] = [];
  async function embedded(): Promise<DatabaseSettings> {
    const dir = await tempDir();
    dirs.push(dir);
    // a directory that does not exist yet: the first start creates it
    return { databaseUrl: undefined, dataDir: join(dir.path, 'data'), poolMax: 1 };
  }
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((d) => d.remove()));
  });

  it('generates DATA_DIR/signup-secret once, mode 0600; later opens read the same key', async () => {
    const database = await embedded();
    const first = await openKeyring(NO_SECRET, database);
    const file = join(database.dataDir, SECRET_FILE);
    const text = await readFile(file, 'utf8');
    expect(text).toMatch(/^[0-9a-f]{64}\n$/); // 32 random bytes, hex
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600);

    const second = await openKeyring(NO_SECRET, database);
    expect(second.currentKeyId).toBe(first.currentKeyId);
    expect(await readFile(file, 'utf8')).toBe(text); // not regenerated
    expect(first.currentKeyId).toBe(new SecretKeyring(text.trim()).currentKeyId);
    expect(second.open(first.seal('0042'))).toBe('0042');
    expect(first.currentKeyId).not.toBe(testKeyring.currentKeyId);
  });

  it('each data directory gets a secret of its own', async () => {
    const [a, b] = await Promise.all([embedded(), embedded()]);
    const [ka, kb] = await Promise.all([openKeyring(NO_SECRET, a), openKeyring(NO_SECRET, b)]);
    expect(ka.currentKeyId).not.toBe(kb.currentKeyId);
  });

  it('concurrent first opens of one directory agree on one secret', async () => {
    const database = await embedded();
    const keyrings = await Promise.all(
      Array.from({ length: 5 }, () => openKeyring(NO_SECRET, database)),
    );
    expect(new Set(keyrings.map((k) => k.currentKeyId)).size).toBe(1);
  });

  it('SIGNUP_SECRET wins over the file, and none is generated when it is set', async () => {
    const database = await embedded();
    const keyring = await openKeyring({ current: TEST_SECRET, previous: undefined }, database);
    expect(keyring.currentKeyId).toBe(testKeyring.currentKeyId);
    expect(existsSync(join(database.dataDir, SECRET_FILE))).toBe(false);

    const generated = await openKeyring(NO_SECRET, database); // now the file exists
    const again = await openKeyring({ current: TEST_SECRET, previous: undefined }, database);
    expect(again.currentKeyId).toBe(testKeyring.currentKeyId);
    expect(again.currentKeyId).not.toBe(generated.currentKeyId);
  });

  it('SIGNUP_SECRET_PREVIOUS is accepted for reading: old seals open, old digests match', async () => {
    const database = await embedded();
    const rotated = await openKeyring({ current: NEW_SECRET, previous: TEST_SECRET }, database);
    expect(rotated.currentKeyId).not.toBe(testKeyring.currentKeyId);
    expect(rotated.keyIds).toEqual([rotated.currentKeyId, testKeyring.currentKeyId]);
    expect(rotated.open(testKeyring.seal('7391'))).toBe('7391');
    expect(rotated.digestWith(testKeyring.currentKeyId, 'mailbox', 'ada@example.test')).toBe(
      testKeyring.digest('mailbox', 'ada@example.test').value,
    );
    // new writes use the new key only
    expect(rotated.digest('mailbox', 'ada@example.test').keyId).toBe(rotated.currentKeyId);
    expect(testKeyring.open(rotated.seal('7391'))).toBeNull();
  });

  it('with DATABASE_URL and no SIGNUP_SECRET it refuses rather than generating one', async () => {
    const database = await embedded();
    await expect(
      openKeyring(NO_SECRET, { ...database, databaseUrl: 'postgres://127.0.0.1/signup' }),
    ).rejects.toThrow(/SIGNUP_SECRET.*openssl rand -hex 32/);
    expect(existsSync(join(database.dataDir, SECRET_FILE))).toBe(false);
  });

  it('refuses a SIGNUP_SECRET shorter than 32 bytes even when called directly', async () => {
    const database = await embedded();
    await expect(
      openKeyring({ current: 'x'.repeat(31), previous: undefined }, database),
    ).rejects.toThrow(/32 bytes/);
  });
});
