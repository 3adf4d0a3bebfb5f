/**
 * The repository's test kit (private, never published): one SMTP sink, one
 * way to start the built server, one database engine matrix. Plain Node ESM
 * (the bench imports it too); the vitest helpers are in "@signup/testkit/vitest".
 */
export * from './smtp-sink.js';
export * from './server-process.js';
export * from './ports.js';
export * from './postgres.js';
export * from './pglite.js';
export * from './engines.js';
export * from './flood.js';
