import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { httpProblems } from './http-problems.js';
import { PROBLEM_CONTENT_TYPE, type Problem } from './problem.js';
import { REQUEST_ID_HEADER } from './request-id.js';

/** Request headers larger than this get 431 headers_too_large (node's parser stops there). */
export const MAX_HEADER_BYTES = 16 * 1024;

/** A response written straight to the socket: node's parser never made it a request. */
function rawResponse(status: number, headers: Record<string, string>, body = ''): string {
  const lines = Object.entries({
    ...headers,
    'Content-Length': String(Buffer.byteLength(body)),
    Connection: 'close',
  }).map(([name, value]) => `${name}: ${value}`);
  return `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${lines.join('\r\n')}\r\n\r\n${body}`;
}

function problemResponse(problem: Problem, requestId: string): string {
  return rawResponse(
    problem.status,
    {
      'Content-Type': `${PROBLEM_CONTENT_TYPE}; charset=utf-8`,
      'Cache-Control': 'no-store',
      [REQUEST_ID_HEADER]: requestId,
    },
    JSON.stringify(problem),
  );
}

/** What node itself answers to the other client errors (its default when no listener is set). */
function defaultResponse(code: string | undefined): string {
  switch (code) {
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return rawResponse(413, {});
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return rawResponse(408, {});
    default:
      return rawResponse(400, {});
  }
}

/**
 * Answers the errors node's HTTP parser raises before express sees a
 * request. Headers over MAX_HEADER_BYTES get 431 as problem+json
 * `headers_too_large`, with a fresh X-Request-Id (the caller's is somewhere
 * in the headers that were not read) that the warning logged here carries
 * too; every other client error gets node's own bare answer.
 */
export function answerClientErrors(server: Server, logger: Logger): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (socket.writable && !inFlight?.headersSent) {
      if (error.code === 'HPE_HEADER_OVERFLOW') {
        const requestId = randomUUID();
        logger.warn(
          { requestId, code: error.code, limitBytes: MAX_HEADER_BYTES },
          'request headers too large: 431',
        );
        socket.write(problemResponse(httpProblems.headersTooLarge(), requestId));
      } else if (error.code !== 'ECONNRESET') {
        socket.write(defaultResponse(error.code));
      }
    }
    socket.destroy();
  });
}
