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
      // Its own group, one file at a time, after the parallel projects (group 0). Left at
      // groupOrder 0, vitest would run these files in a group of their own after every
      // numbered group, that is after the flood.
      sequence: { groupOrder: 1 },
    },
  },
  {
    extends: true,
    test: {
      // The flood asserts latency bounds (probes p99 <= 100 ms, shed answers <= 50 ms): it
      // runs alone, after every other project has finished, so that no other suite shares
      // the two cores with it (groupOrder 2: vitest runs the groups one after another, the
      // parallel projects in 0, reliability in 1).
      name: 'overload',
      include: ['test/reliability/flood.test.ts'],
      testTimeout: 300_000,
      hookTimeout: 180_000,
      sequence: { groupOrder: 2 },
    },
  },
];

export default projects;
