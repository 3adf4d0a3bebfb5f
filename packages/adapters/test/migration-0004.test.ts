import { copyFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testKeyring } from '@signup/domain/testing';
import { tempDir } from '@signup/testkit';
import { describeOnEngines } from '@signup/testkit/vitest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrate, pendingMigrations } from '../src/postgres/migrations.js';
import { PgUserRepository } from '../src/postgres/pg-user-repository.js';
import type { SqlClient } from '../src/sql/sql-client.js';

const MIGRATIONS = fileURLToPath(new URL('../migrations/', import.meta.url));
const M0004 = '0004_proof_of_email_control.sql';

// Fixed ids and a code that none of them (nor the timestamps) contains.
const PENDING = 'aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa';
const SENT = 'bbbbbbbb-2222-4222-8222-bbbbbbbbbbbb';
const ACTIVE = 'cccccccc-3333-4333-8333-cccccccccccc';
const PLAIN = '7395';
const DIGEST = 'd'.repeat(64); // the old unkeyed sha256 hex: any 64 hex digits will do
const ISSUED = new Date(Date.now() - 10_000);
const EXPIRES = new Date(ISSUED.getTime() + 60_000);

/** Rows as the schema of 0001-0003 held them: a pending user with an unsent plain code, and others. */
async function seedBefore0004(sql: SqlClient): Promise<void> {
  await sql.transaction(async (tx) => {
    const user = (id: string, email: string, status: string, activatedAt: Date | null) =>
      tx.query(
        `INSERT INTO users (id, email, password_hash, status, created_at, activated_at)
         VALUES ($1, $2, 'hash', $3, $4, $5)`,
        [id, email, status, ISSUED, activatedAt],
      );
    await user(PENDING, 'pending@example.test', 'pending', null);
    await user(SENT, 'sent@example.test', 'pending', null);
    await user(ACTIVE, 'active@example.test', 'active', ISSUED);
    await tx.query(
      `INSERT INTO activation_codes (user_id, id, digest, issued_at, expires_at, attempts)
       VALUES ($1, 'aaaaaaaa-9999-4999-8999-aaaaaaaaaaaa', $2, $3, $4, 2)`,
      [PENDING, DIGEST, ISSUED, EXPIRES],
    );
    const message = (id: string, userId: string, code: string | null, sentAt: Date | null) =>
      tx.query(
        `INSERT INTO outbox (id, user_id, recipient, code, code_expires_at, created_at, due_at, sent_at, attempts)
         VALUES ($1, $2, 'x@example.test', $3, $4, $5, $5, $6, $7)`,
        [id, userId, code, EXPIRES, ISSUED, sentAt, sentAt ? 1 : 0],
      );
    await message('aaaaaaaa-5555-4555-8555-aaaaaaaaaaaa', PENDING, PLAIN, null);
    await message('bbbbbbbb-6666-4666-8666-bbbbbbbbbbbb', SENT, null, ISSUED);
  });
}

describeOnEngines(
  (engine) => `migration 0004 over data from 0001-0003 [${engine.name}]`,
  (database) => {
    let dir: Awaited<ReturnType<typeof tempDir>>;
    beforeAll(async () => {
      dir = await tempDir();
    });
    afterAll(async () => {
      await dir?.remove();
    });

    it('drops and erases unsent plain codes, versions users 1, marks old digests unkeyed', async () => {
      const files = (await readdir(MIGRATIONS)).filter((f) => f.endsWith('.sql')).sort();
      expect(files).toContain(M0004);
      const before = files.filter((f) => f < M0004);
      expect(before).toEqual([
        '0001_users_and_codes.sql',
        '0002_outbox.sql',
        '0003_rate_limits.sql',
      ]);
      for (const f of before) await copyFile(join(MIGRATIONS, f), join(dir.path, f));

      await database().withSql(async (sql) => {
        expect((await migrate(sql, undefined, dir.path)).applied).toEqual(before);
        await seedBefore0004(sql);

        await copyFile(join(MIGRATIONS, M0004), join(dir.path, M0004));
        expect((await migrate(sql, undefined, dir.path)).applied).toEqual([M0004]);
        // the same files as shipped: nothing else is pending against the real directory
        expect(await pendingMigrations(sql)).toEqual(files.filter((f) => f > M0004));

        // The unsent message is dropped and its plain code is gone with the column.
        const { rows: messages } = await sql.query<{
          user_id: string;
          sealed_code: string | null;
          dropped: boolean;
          sent: boolean;
          leased_until: Date | null;
          last_error: string | null;
        }>(
          `SELECT user_id, sealed_code, dropped_at IS NOT NULL AS dropped, sent_at IS NOT NULL AS sent,
                  leased_until, last_error
             FROM outbox ORDER BY user_id`,
        );
        expect(messages).toEqual([
          {
            user_id: PENDING,
            sealed_code: null,
            dropped: true,
            sent: false,
            leased_until: null,
            last_error: 'dropped when codes became sealed (migration 0004)',
          },
          // an already-sent message is left as it was
          {
            user_id: SENT,
            sealed_code: null,
            dropped: false,
            sent: true,
            leased_until: null,
            last_error: null,
          },
        ]);
        const { rows: columns } = await sql.query<{ column_name: string }>(
          `SELECT column_name FROM information_schema.columns WHERE table_name = 'outbox'`,
        );
        expect(columns.map((c) => c.column_name)).not.toContain('code');
        expect(columns.map((c) => c.column_name)).toContain('sealed_code');
        const { rows: text } = await sql.query<{ row: string }>(
          'SELECT o::text AS row FROM outbox o',
        );
        expect(text).toHaveLength(2);
        for (const { row } of text) expect(row).not.toContain(PLAIN);

        // Every user is at version 1; the pending one keeps its code, keyed 'unkeyed'.
        const { rows: versions } = await sql.query<{ id: string; version: number }>(
          'SELECT id, version FROM users ORDER BY id',
        );
        expect(versions).toEqual([
          { id: PENDING, version: 1 },
          { id: SENT, version: 1 },
          { id: ACTIVE, version: 1 },
        ]);
        const users = new PgUserRepository(sql);
        const pending = await users.findById(PENDING);
        expect(pending?.version).toBe(1);
        const code = pending?.activationCode;
        expect(code?.toPrimitives()).toMatchObject({
          keyId: 'unkeyed',
          digest: DIGEST,
          attempts: 2,
        });
        // No keyring holds 'unkeyed': the old code can only expire, whatever is typed.
        expect(code?.check(PENDING, PLAIN, ISSUED, 5, testKeyring)).toBe('expired');
        expect((await users.findById(ACTIVE))?.toPrimitives()).toMatchObject({
          status: 'active',
          version: 1,
          activationCode: null,
        });

        // The new table starts empty, and new writes no longer get defaults.
        const { rows: mailboxes } = await sql.query<{ n: number }>(
          'SELECT count(*)::integer AS n FROM mailboxes',
        );
        expect(mailboxes).toEqual([{ n: 0 }]);
        await expect(
          sql.query(
            `INSERT INTO users (id, email, password_hash, status, created_at)
             VALUES ('dddddddd-4444-4444-8444-dddddddddddd', 'new@example.test', 'h', 'pending', now())`,
          ),
        ).rejects.toThrow(/version/);
        // A sealed code on a settled message is refused by the schema itself.
        await expect(
          sql.query(`UPDATE outbox SET sealed_code = 'k.x' WHERE user_id = $1`, [SENT]),
        ).rejects.toThrow(/outbox_sealed_code_unsettled/);
      });
    });
  },
  { migrated: false },
);
