import { writeSync } from 'node:fs';
import type { DestinationStream } from 'pino';

const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO ',
  40: 'WARN ',
  50: 'ERROR',
  60: 'FATAL',
};

/** Fields every line has, or that the message already says. */
const QUIET = new Set(['level', 'time', 'msg', 'service', 'pid', 'hostname', 'email', 'config']);

type Record_ = Record<string, unknown>;

function clock(time: unknown): string {
  const date = typeof time === 'number' ? new Date(time) : new Date();
  return date.toTimeString().slice(0, 8);
}

function value(v: unknown): string {
  if (typeof v === 'string') return /\s/.test(v) ? JSON.stringify(v) : v;
  if (v instanceof Object && 'message' in v && typeof v.message === 'string')
    return JSON.stringify(v.message);
  return JSON.stringify(v);
}

/** The activation email of the console transport, as a person reads it: the plain text only. */
function emailBlock(email: Record_): string {
  const rule = '─'.repeat(64);
  return [
    `┌${rule}`,
    `│ activation email (console mail transport: set SMTP_URL to send it)`,
    `│ To: ${String(email.to)}`,
    `│ Subject: ${String(email.subject)}`,
    '│',
    ...(typeof email.text === 'string' ? email.text : '')
      .trimEnd()
      .split('\n')
      .map((line) => `│ ${line}`),
    `└${rule}`,
  ].join('\n');
}

/** One readable line (or block) for one pino record. */
export function formatRecord(line: string): string {
  let record: Record_;
  try {
    record = JSON.parse(line) as Record_;
  } catch {
    return line.trimEnd();
  }
  const head = `${clock(record.time)} ${LEVELS[record.level as number] ?? String(record.level)}`;
  if (record.email && typeof record.email === 'object') {
    return `${head} activation email for ${String((record.email as Record_).to)}\n${emailBlock(record.email as Record_)}`;
  }
  const message = (typeof record.msg === 'string' ? record.msg : '').split('\n')[0];
  const extras = Object.entries(record)
    .filter(([key, v]) => !QUIET.has(key) && v !== undefined && !(key === 'req' || key === 'res'))
    .map(([key, v]) => `${key}=${value(v)}`);
  return [head, message, ...extras].join(' ').trimEnd();
}

/**
 * A pino destination that prints readable lines for a person at a terminal
 * (LOG_FORMAT=pretty, the default on a TTY), synchronously, like the JSON one.
 * Redaction happens before: this only formats what pino already censored.
 */
export function prettyDestination(fd = 1): DestinationStream {
  return {
    write(line: string) {
      try {
        writeSync(fd, `${formatRecord(line)}\n`);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EPIPE') throw error;
      }
    },
  };
}
