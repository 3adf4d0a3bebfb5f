import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSharedConfig } from '@signup/adapters';
import { startServer } from '@signup/testkit';
import { describe, expect, it } from 'vitest';
import { formatRecord } from '../src/observability/pretty-log.js';

const line = (record: Record<string, unknown>) =>
  JSON.stringify({
    level: 30,
    time: Date.UTC(2026, 0, 1, 12, 0, 5),
    service: 'signup-http',
    ...record,
  });

describe('LOG_FORMAT=pretty: readable lines for a person at a terminal', () => {
  it('prints the console email as a block with the code sentence on its own line, no HTML', () => {
    const text =
      'Hello,\n\nYour activation code is 0042.\n\nIt expires at 2026-01-01T12:01:05.000Z (UTC).\n';
    const out = formatRecord(
      line({
        email: {
          to: 'ada@example.com',
          subject: 'Your activation code',
          text,
          html: '<p>Your activation code is 0042.</p>',
        },
        msg: 'activation email for ada@example.com (console mail transport)',
      }),
    );
    expect(out.split('\n')).toContain('│ Your activation code is 0042.');
    expect(out).toContain('│ To: ada@example.com');
    expect(out).toContain('│ Subject: Your activation code');
    expect(out).not.toContain('<p>');
  });

  it('prints a request as one line with its status and id, and any other record as level + message + fields', () => {
    const request = formatRecord(
      line({
        req: { method: 'POST', url: '/api/v1/register' },
        res: { statusCode: 201 },
        requestId: 'r-1',
        msg: 'POST /api/v1/register 201',
      }),
    );
    expect(request).toMatch(/^\d\d:\d\d:\d\d INFO {2}POST \/api\/v1\/register 201 requestId=r-1$/);
    expect(formatRecord(line({ level: 50, msg: 'boom\nstack', attempt: 2 }))).toMatch(
      /ERROR boom attempt=2$/,
    );
    expect(formatRecord('not json')).toBe('not json');
  });

  it('is chosen with LOG_FORMAT (pretty|json); unset, the terminal decides; anything else is refused', () => {
    expect(loadSharedConfig({ LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
    expect(loadSharedConfig({ LOG_FORMAT: 'json' }).logFormat).toBe('json');
    expect(loadSharedConfig({}).logFormat).toBeUndefined();
    expect(() => loadSharedConfig({ LOG_FORMAT: 'yaml' })).toThrow(
      /LOG_FORMAT must be one of pretty, json/,
    );
  });
});

describe('the built server at start-up', () => {
  it('a port that is taken: one readable line on stderr, no stack trace, exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'signup-terminal-'));
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const server = await startServer(
        {
          HOST: '127.0.0.1',
          PORT: String(port),
          DATA_DIR: dir,
          BCRYPT_COST: '4',
          LOG_FORMAT: 'json',
        },
        { waitFor: 'nothing' },
      );
      expect((await server.exited).code).toBe(1);
      const stderr = server.stderr.filter((l) => l.trim() !== '');
      expect(stderr).toEqual([
        `signup: could not start: 127.0.0.1:${port} is already in use by another process (set PORT to a free port)`,
      ]);
      expect(server.stdout.join('\n')).not.toMatch(/\n\s+at /); // no stack trace in the log either
    } finally {
      taken.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('LOG_FORMAT=pretty: the banner names the database, the mail transport and the URLs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'signup-terminal-'));
    try {
      const server = await startServer(
        { HOST: '127.0.0.1', PORT: '0', DATA_DIR: dir, BCRYPT_COST: '4', LOG_FORMAT: 'pretty' },
        { waitFor: 'nothing' },
      );
      await server.waitForLine((l) => l.text.includes('Ctrl+C stops it'), 30_000); // rejects when absent
      const out = server.stdout.join('\n');
      expect(out).toMatch(/signup is running at http:\/\/127\.0\.0\.1:\d+/);
      expect(out).toMatch(/web page {3}http:\/\/127\.0\.0\.1:\d+\//);
      expect(out).toMatch(/docs {7}http:\/\/127\.0\.0\.1:\d+\/docs/);
      expect(out).toContain(`database   embedded PostgreSQL (PGlite) in ${dir}`);
      expect(out).toContain('mail       console: each activation email is printed here');
      await server.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
