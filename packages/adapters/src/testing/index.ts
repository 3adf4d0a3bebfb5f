/** Test helpers, exported as "@signup/adapters/testing" (imports vitest). */
export * from './test-database.js';
export * from './describe-with-postgres.js';
