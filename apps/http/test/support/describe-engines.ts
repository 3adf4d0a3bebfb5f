import { describeEachEngine } from '@signup/testkit/vitest';
import type { Engine } from '@signup/testkit';
import { afterAll, beforeAll } from 'vitest';
import { startHarness, type Harness } from './harness.js';

/**
 * Runs `body` once per database engine (PGlite in a temp dir, PostgreSQL from
 * TEST_DATABASE_URL), each over a harness on a fresh database of its own.
 */
export function describeEngines(
  title: string,
  body: (harness: () => Harness, engine: Engine) => void,
  env: Record<string, string> = {},
): void {
  describeEachEngine(title, (engine) => {
    if (engine.skip) return body(() => undefined as never, engine);
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
