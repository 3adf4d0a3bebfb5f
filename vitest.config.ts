import { defineConfig } from 'vitest/config';
import { projects } from './vitest.workspace.js';

export default defineConfig({
  test: {
    projects,
    pool: 'forks',
    // On in every run, so `npm test` prints the domain's line coverage and
    // fails below the threshold (measured: about 2 % added to the run time).
    coverage: {
      enabled: true,
      provider: 'v8',
      include: ['packages/domain/src/**/*.ts'],
      exclude: ['packages/domain/src/testing/contracts/**'],
      reporter: ['text-summary', 'text'],
      thresholds: { 'packages/domain/src/**': { lines: 95 } },
    },
  },
});
