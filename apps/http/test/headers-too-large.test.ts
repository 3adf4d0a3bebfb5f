import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcess, type InProcessServer } from './support/in-process-server.js';

/** Sends `head` on a fresh connection and reads until the server closes it. */
function exchange(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined); // a reset after the answer still counts
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.setTimeout(5000, () => reject(new Error('no answer in 5 s')));
    socket.write(head);
  });
}

const requestWith = (headerBytes: number, extra = '') =>
  `GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${'a'.repeat(headerBytes)}\r\n${extra}Connection: close\r\n\r\n`;

describe('request headers over 16 KiB', () => {
  let server: InProcessServer;
  beforeAll(async () => {
    server = await startInProcess();
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('431 as problem+json headers_too_large with X-Request-Id, on the real server', async () => {
    const raw = await exchange(server.running.port, requestWith(17 * 1024));
    const [head = '', body = ''] = raw.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    expect(head).toMatch(/\r\nContent-Type: application\/problem\+json; charset=utf-8/i);
    expect(head).toMatch(/\r\nX-Request-Id: [0-9a-f-]{36}(\r\n|$)/i);
    expect(head).toMatch(/\r\nConnection: close/i);
    const length = Number(/\r\nContent-Length: (\d+)/i.exec(head)?.[1]);
    expect(Buffer.byteLength(body)).toBe(length);
    expect(JSON.parse(body)).toEqual({
      type: 'tag:signup,2026:problem:headers_too_large',
      title: 'Request header fields too large',
      status: 431,
      detail: 'The request headers exceed 16 KiB.',
      code: 'headers_too_large',
    });
  });

  it('fetch sees the same 431 (a client that stops after its headers)', async () => {
    const res = await fetch(`${server.running.url}/api/v1/health`, {
      headers: { 'X-Padding': 'a'.repeat(20 * 1024) },
    });
    expect(res.status).toBe(431);
    expect(res.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await res.json()).toMatchObject({ code: 'headers_too_large', status: 431 });
  });

  it('headers under 16 KiB are served as usual', async () => {
    const raw = await exchange(server.running.port, requestWith(15 * 1024));
    expect(raw).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  });

  it('other malformed requests still get a plain 400, and the server keeps serving', async () => {
    const raw = await exchange(server.running.port, 'NOT HTTP AT ALL\r\n\r\n');
    expect(raw).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect((await fetch(`${server.running.url}/livez`)).status).toBe(200);
  });
});
