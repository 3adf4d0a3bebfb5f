import { UsageError } from './errors.js';
import type { CliIo } from './io.js';

/** Never more than this much of stdin is read looking for the first line. */
const MAX_LINE_BYTES = 4096;

/**
 * The password for `register`: the first line of stdin with
 * `--password-stdin`, else a hidden prompt (asked twice) on a terminal.
 */
export async function readPassword(io: CliIo, fromStdin: boolean): Promise<string> {
  if (fromStdin) {
    const line = await readFirstLine(io.stdin);
    if (line === null) {
      throw new UsageError('--password-stdin: stdin is empty; pipe the password as its first line');
    }
    return line;
  }
  if (!io.stdin.isTTY || !io.stdin.setRawMode) {
    throw new UsageError(
      'no password: pipe it with --password-stdin, or run in a terminal to be prompted for it',
    );
  }
  // Raw mode before the first prompt and until the last answer: a line-mode
  // terminal would echo whatever is typed in between.
  io.stdin.setRawMode(true);
  try {
    const first = await promptHidden(io, 'Password: ');
    const second = await promptHidden(io, 'Repeat password: ');
    if (first !== second) throw new UsageError('the two passwords do not match');
    return first;
  } finally {
    io.stdin.setRawMode(false);
    io.stdin.pause();
  }
}

/** Reads up to the first newline (CRLF tolerated); null when stdin ends empty. */
export function readFirstLine(stream: CliIo['stdin']): Promise<string | null> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const finish = (outcome: () => void) => {
      stream.removeListener('data', onData);
      stream.removeListener('end', onEnd);
      stream.removeListener('error', onError);
      stream.pause();
      outcome();
    };
    const onData = (chunk: string) => {
      buffer += chunk;
      const newline = buffer.indexOf('\n');
      if (newline >= 0) return finish(() => resolve(buffer.slice(0, newline).replace(/\r$/, '')));
      if (buffer.length > MAX_LINE_BYTES) {
        finish(() =>
          reject(new UsageError('--password-stdin: the first line of stdin is too long')),
        );
      }
    };
    const onEnd = () => finish(() => resolve(buffer === '' ? null : buffer.replace(/\r$/, '')));
    const onError = (error: Error) => finish(() => reject(error));
    stream.setEncoding('utf8');
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.resume();
  });
}

/** Reads one line from a terminal already in raw mode, echoing nothing. */
function promptHidden(io: CliIo, prompt: string): Promise<string> {
  const { stdin, stderr } = io;
  stderr.write(prompt);
  stdin.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (outcome: () => void) => {
      stdin.removeListener('data', onData);
      stdin.pause();
      stderr.write('\n');
      outcome();
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return finish(() => resolve(value));
        if (char === '\u0003' || (char === '\u0004' && value === '')) {
          return finish(() => reject(new UsageError('cancelled: no password entered')));
        }
        if (char === '\u007f' || char === '\b') value = [...value].slice(0, -1).join('');
        else if (char >= ' ') value += char;
      }
    };
    stdin.on('data', onData);
    stdin.resume();
  });
}
