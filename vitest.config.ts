import { defineConfig } from 'vitest/config';
import { projects } from './vitest.workspace.js';

export default defineConfig({
  test: {
    projects,
    pool: 'forks',
    coverage: {
      provider: 'v8',
      include: ['packages/domain/src/**/*.ts'],
      exclude: ['packages/domain/src/testing/contracts/**'],
      reporter: ['text-summary', 'text'],
      thresholds: { 'packages/domain/src/**': { lines: 95 } },
    },
  },
});
