import { defineConfig } from 'vitest/config';
import { projects } from './vitest.workspace.js';

export default defineConfig({
  test: {
    projects,
    pool: 'forks',
    // `npm test` runs with --coverage: it prints the domain's line coverage and
    // fails below the threshold (about 2 % added to the run time). A run of
    // one project or file leaves it off, as the domain's tests may not be in it.
    coverage: {
      provider: 'v8',
      include: ['packages/domain/src/**/*.ts'],
      exclude: ['packages/domain/src/testing/contracts/**'],
      reporter: ['text-summary', 'text'],
      thresholds: { 'packages/domain/src/**': { lines: 95 } },
    },
  },
});
