import { afterAll, beforeAll, describe } from 'vitest';
import { ENGINES, type Engine } from './engines.js';
import { startHarness, type Harness } from './harness.js';

let skipPrinted = false;

/**
 * Runs `body` once per database engine (PGlite in a temp dir, PostgreSQL from
 * TEST_DATABASE_URL), each over a fresh database of its own.
 */
export function describeEngines(
  title: string,
  body: (harness: () => Harness, engine: Engine) => void,
  env: Record<string, string> = {},
): void {
  for (const engine of ENGINES) {
    if (engine.skip) {
      if (!skipPrinted) console.warn(engine.skip);
      skipPrinted = true;
      describe.skip(`${title} [${engine.name}]`, () => body(() => undefined as never, engine));
      continue;
    }
    describe(`${title} [${engine.name}]`, () => {
      let harness: Harness | undefined;
      beforeAll(async () => {
        harness = await startHarness(engine, env);
      });
      afterAll(async () => {
        await harness?.close();
      });
      body(() => {
        if (!harness) throw new Error('the harness is not started yet');
        return harness;
      }, engine);
    });
  }
}
