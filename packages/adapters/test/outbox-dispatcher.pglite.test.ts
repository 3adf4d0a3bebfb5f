import { afterAll, describe } from 'vitest';
import { dispatcherSuite } from './support/dispatcher-suite.js';
import { openTempPglite } from '@signup/testkit';

describe('PGlite', () => {
  let opened: Awaited<ReturnType<typeof openTempPglite>> | undefined;
  afterAll(async () => {
    await opened?.dispose();
  });
  dispatcherSuite('PGlite', async () => {
    opened ??= await openTempPglite();
    return opened.sql;
  });
});
