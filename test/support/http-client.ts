import http from 'node:http';

export interface HttpResult {
  /** 0 when no response came (connection refused, reset, timeout). */
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
  /** Milliseconds from sending to the end of the response (or the error). */
  readonly ms: number;
  readonly startedAt: number;
  readonly error?: string;
}

export interface HttpRequest {
  readonly method?: string;
  readonly path: string;
  readonly headers?: Record<string, string | string[]>;
  /** An object is sent as JSON with Content-Type application/json unless one is given. */
  readonly body?: string | Buffer | object;
  readonly agent?: http.Agent;
  readonly timeoutMs?: number;
}

/** A keep-alive agent for load and fuzzing. */
export function keepAliveAgent(maxSockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets });
}

/** One HTTP request that never throws: network failures come back as status 0 with `error`. */
export function send(baseUrl: string, request: HttpRequest): Promise<HttpResult> {
  const startedAt = Date.now();
  const headers: Record<string, string | string[]> = { ...request.headers };
  let payload: Buffer | undefined;
  if (request.body !== undefined) {
    if (typeof request.body === 'string' || Buffer.isBuffer(request.body)) {
      payload = Buffer.from(request.body);
    } else {
      payload = Buffer.from(JSON.stringify(request.body));
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
        headers['content-type'] = 'application/json';
      }
    }
    headers['content-length'] = String(payload.length);
  }
  return new Promise((resolve) => {
    const done = (result: Omit<HttpResult, 'ms' | 'startedAt'>) =>
      resolve({ ...result, ms: Date.now() - startedAt, startedAt });
    let req: http.ClientRequest;
    try {
      req = http.request(`${baseUrl}${request.path}`, {
        method: request.method ?? 'GET',
        headers,
        agent: request.agent ?? false,
      });
    } catch (error) {
      done({ status: 0, headers: {}, text: '', error: `unsendable: ${(error as Error).message}` });
      return;
    }
    const timeout = setTimeout(
      () => req.destroy(new Error('client timeout')),
      request.timeoutMs ?? 15_000,
    );
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        clearTimeout(timeout);
        done({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString('utf8'),
        });
      });
      res.on('error', (error) => {
        clearTimeout(timeout);
        done({ status: 0, headers: res.headers, text: '', error: error.message });
      });
    });
    req.on('error', (error) => {
      clearTimeout(timeout);
      done({ status: 0, headers: {}, text: '', error: error.message });
    });
    req.end(payload);
  });
}

export function json<T = Record<string, unknown>>(result: HttpResult): T {
  try {
    return JSON.parse(result.text) as T;
  } catch {
    throw new Error(`not JSON (status ${result.status}): ${result.text.slice(0, 200)}`);
  }
}

export function basicAuth(email: string, password: string): string {
  return `Basic ${Buffer.from(`${email}:${password}`, 'utf8').toString('base64')}`;
}

/** Runs `task(i)` for i in [0, total) with at most `concurrency` at a time. */
export async function pool<T>(
  total: number,
  concurrency: number,
  task: (i: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = new Array<T>(total);
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return results;
}

/** Runs `task` in `concurrency` loops until `stop()` returns true; returns every result. */
export async function loadUntil<T>(
  concurrency: number,
  stop: () => boolean,
  task: (i: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const worker = async () => {
    while (!stop()) results.push(await task(next++));
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

/** Polls `check` every `everyMs` until it returns a value other than undefined; rejects at the deadline. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: Error | undefined;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error as Error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last.message}` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
