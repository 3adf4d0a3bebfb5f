import type { Config } from '../config/config.js';
import { openPgliteSqlClient } from '../embedded/pglite-sql-client.js';
import { silentLogger, type Logger } from '../logger.js';
import { createPgSqlClient } from '../postgres/pg-sql-client.js';
import type { SqlClient } from './sql-client.js';

/** PostgreSQL when DATABASE_URL is set, else the embedded PGlite in DATA_DIR. */
export function openSqlClient(config: Config, logger: Logger = silentLogger): Promise<SqlClient> {
  if (config.databaseUrl) {
    return Promise.resolve(
      createPgSqlClient({
        connectionString: config.databaseUrl,
        poolMax: config.databasePoolMax,
        logger,
      }),
    );
  }
  return openPgliteSqlClient({ dataDir: config.dataDir, logger });
}
