import type { TestProjectInlineConfiguration } from 'vitest/config';

/**
 * The test projects: one per package of the hexagon, then shipping
 * (examples, compose, the newcomer path) and the reliability suite. Vitest 4 no longer reads
 * this file by itself: `vitest.config.ts` imports it into `test.projects`.
 * Run one with `npx vitest run --project domain`.
 */
export const projects: TestProjectInlineConfiguration[] = [
  {
    extends: true,
    test: {
      name: 'domain',
      include: ['packages/domain/test/**/*.test.ts'],
    },
  },
  {
    extends: true,
    test: {
      name: 'testkit',
      include: ['packages/testkit/test/**/*.test.ts'],
      testTimeout: 60_000,
      hookTimeout: 120_000,
    },
  },
  {
    extends: true,
    test: {
      name: 'adapters',
      include: ['packages/adapters/test/**/*.test.ts'],
      testTimeout: 60_000,
      hookTimeout: 120_000,
    },
  },
  {
    extends: true,
    test: {
      name: 'http',
      include: ['apps/http/test/**/*.test.ts'],
      setupFiles: ['apps/http/test/setup.ts'],
      testTimeout: 60_000,
      hookTimeout: 120_000,
    },
  },
  {
    extends: true,
    test: {
      name: 'cli',
      include: ['apps/cli/test/**/*.test.ts'],
      testTimeout: 60_000,
      hookTimeout: 120_000,
    },
  },
  {
    extends: true,
    test: {
      name: 'ship',
      include: ['test/ship/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
      testTimeout: 300_000,
      hookTimeout: 300_000,
    },
  },
  {
    extends: true,
    test: {
      name: 'reliability',
      include: ['test/reliability/**/*.test.ts'],
      exclude: ['test/reliability/flood.test.ts'],
      testTimeout: 300_000,
      hookTimeout: 180_000,
      fileParallelism: false,
      // One file at a time, in the last group (2), after the flood (1).
      sequence: { groupOrder: 2 },
    },
  },
  {
    extends: true,
    test: {
      // The flood measures latency (and holds probes and shed answers to the contract's p99), so
      // it runs alone: vitest runs the groups one after another, the parallel projects in 0,
      // the flood in 1, the reliability files in 2. Before reliability, not after: run after
      // it, the flood measured slower (the PostgreSQL work reliability leaves behind).
      name: 'overload',
      include: ['test/reliability/flood.test.ts'],
      testTimeout: 300_000,
      hookTimeout: 180_000,
      sequence: { groupOrder: 1 },
    },
  },
];

export default projects;
