import type { CliIo } from './io.js';
import type { Failure } from './failure.js';

/**
 * Everything a run prints. stdout carries exactly one result (human text, or
 * one JSON document with --json); stderr carries errors (one line each),
 * notices and progress.
 */
export class Output {
  json = false;
  private resultPrinted = false;

  constructor(private readonly io: CliIo) {}

  result(data: unknown, human: readonly string[]): void {
    this.resultPrinted = true;
    this.io.stdout.write(this.json ? `${JSON.stringify(data, null, 2)}\n` : lines(human));
  }

  /** Per-batch progress: only for a person watching a terminal. */
  progress(line: string): void {
    if (this.io.stderr.isTTY) this.io.stderr.write(`${line}\n`);
  }

  /** Something a person should see that is not the result (e.g. a prompt's hint). */
  notice(line: string): void {
    this.io.stderr.write(`${line}\n`);
  }

  failure(failure: Failure, options: { alreadyOnStderr: boolean }): void {
    if (!options.alreadyOnStderr) this.io.stderr.write(`signup: ${oneLine(failure.message)}\n`);
    if (this.json && !this.resultPrinted) {
      const error = { code: failure.reason, message: failure.message, ...failure.details };
      this.io.stdout.write(`${JSON.stringify({ error }, null, 2)}\n`);
    }
  }
}

function lines(text: readonly string[]): string {
  return text.map((line) => `${line}\n`).join('');
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}
