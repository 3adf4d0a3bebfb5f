/** The vitest side of the kit, exported as "@signup/testkit/vitest" (imports vitest). */
import { afterAll, beforeAll, describe } from 'vitest';
import { postgres, type Engine, type EngineDatabase, ENGINES } from './engines.js';

let skipPrinted = false;

/** Prints why an engine is skipped, once per test file. */
function printSkip(reason: string): void {
  if (skipPrinted) return;
  skipPrinted = true;
  console.warn(reason);
}

/**
 * A describe block per engine, titled `title(engine)` or `<title> [<engine>]`;
 * an engine that cannot run here is skipped with one printed line saying why.
 */
export function describeEachEngine(
  title: string | ((engine: Engine) => string),
  body: (engine: Engine) => void,
  engines: readonly Engine[] = ENGINES,
): void {
  for (const engine of engines) {
    const name = typeof title === 'string' ? `${title} [${engine.name}]` : title(engine);
    if (engine.skip) {
      printSkip(engine.skip);
      describe.skip(name, () => body(engine)); // lists the skipped tests
    } else {
      describe(name, () => body(engine));
    }
  }
}

export interface DescribeOnEnginesOptions {
  /** Default: ENGINES (PGlite, PostgreSQL). */
  readonly engines?: readonly Engine[];
  /** Passed to Engine.open(). */
  readonly migrated?: boolean;
}

/**
 * describeEachEngine, each block over a database of its own: opened in
 * beforeAll, disposed in afterAll.
 */
export function describeOnEngines(
  title: string | ((engine: Engine) => string),
  body: (database: () => EngineDatabase, engine: Engine) => void,
  options: DescribeOnEnginesOptions = {},
): void {
  describeEachEngine(
    title,
    (engine) => {
      if (engine.skip) return body(() => undefined as never, engine);
      let database: EngineDatabase | undefined;
      beforeAll(async () => {
        database = await engine.open(
          options.migrated === undefined ? {} : { migrated: options.migrated },
        );
      });
      afterAll(async () => {
        await database?.dispose();
      });
      body(() => {
        if (!database)
          throw new Error('the test database is not open yet (use it inside hooks or tests)');
        return database;
      }, engine);
    },
    options.engines,
  );
}

/**
 * A describe block that runs against a fresh PostgreSQL database of its own
 * (created in beforeAll, dropped in afterAll). Without TEST_DATABASE_URL or a
 * container runtime it prints the reason once and skips the block.
 */
export function describeWithPostgres(name: string, fn: (getUrl: () => string) => void): void {
  describeOnEngines(
    () => name,
    (database) => fn(() => database().env.DATABASE_URL!),
    { engines: [postgres] },
  );
}
