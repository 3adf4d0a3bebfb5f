#!/usr/bin/env node
// The `signup` binary: the compiled CLI in ../dist (run `npm run build` first).
try {
  await import('../dist/main.js');
} catch (error) {
  if (
    error?.code !== 'ERR_MODULE_NOT_FOUND' ||
    !String(error.message).includes("main.js' imported from")
  )
    throw error;
  process.stderr.write('signup: the CLI is not built yet: run "npm run build" first\n');
  process.exitCode = 3;
}
