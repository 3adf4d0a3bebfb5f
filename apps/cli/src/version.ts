import { createRequire } from 'node:module';

/** The CLI's version, from its package.json (one level above dist/ and src/). */
export const version = (createRequire(import.meta.url)('../package.json') as { version: string })
  .version;
