import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { onCleanup } from './cleanup.mjs';

export function adminDatabaseUrl() {
  return (
    process.env.BENCH_DATABASE_URL ||
    process.env.TEST_DATABASE_URL ||
    'postgres://postgres@127.0.0.1:5432/postgres'
  );
}

export async function withClient(url, fn) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates `signup_bench_<random>` next to the admin URL's database; drops it on cleanup. */
export async function createBenchDatabase(adminUrl) {
  const name = `signup_bench_${randomBytes(5).toString('hex')}`;
  const version = await withClient(adminUrl, async (c) => {
    const v = (await c.query('SHOW server_version')).rows[0].server_version;
    await c.query(`CREATE DATABASE ${name}`);
    return v;
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const drop = async () => {
    await withClient(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  };
  const unregister = onCleanup(`drop database ${name}`, drop);
  return {
    name,
    url: url.toString(),
    version,
    async drop() {
      unregister();
      await drop();
    },
  };
}
