import 'reflect-metadata';
import { runCli } from './cli.js';

const code = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
process.exitCode = code;
// Everything is closed by now; should a socket linger (an SMTP server that
// never answered), leave anyway instead of hanging.
setTimeout(() => process.exit(code), 200).unref();
