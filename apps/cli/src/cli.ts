import { CommanderError } from 'commander';
import { ExitCode, exitCodeFor } from './exit-codes.js';
import { toFailure } from './failure.js';
import type { CliIo } from './io.js';
import { buildProgram } from './program.js';
import { Session } from './session.js';

/** Runs one command line to its exit code; never throws, never prints a stack. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const session = new Session(io);
  const program = buildProgram(session);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ExitCode.Done;
  } catch (error) {
    // --help and --version end through the same override, with code 0.
    if (error instanceof CommanderError && error.exitCode === 0) return ExitCode.Done;
    if (argv.includes('--json')) session.output.json = true;
    const failure = toFailure(error);
    // Commander already printed its own message (through outputError) or the help.
    session.output.failure(failure, { alreadyOnStderr: error instanceof CommanderError });
    return exitCodeFor(failure.reason);
  } finally {
    await session.close();
  }
}
