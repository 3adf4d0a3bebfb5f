import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

/**
 * The server's V8 heap flags (bench/lib/server.mjs says why, with figures) are
 * the same wherever it is started for production: `npm start`, the Docker
 * image, and the bench that measures them.
 */
describe('node flags of the production server', () => {
  const start = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts[
    'start'
  ]!;
  const startFlags = start.split(/\s+/).filter((word) => word.startsWith('--'));
  const cmd = /^CMD (\[.*\])\s*$/m.exec(read('Dockerfile').split('FROM ').at(-1)!)?.[1];
  const dockerFlags = (JSON.parse(cmd ?? '[]') as string[]).filter((w) => w.startsWith('--'));
  const benchFlags = [
    ...(
      /PRODUCTION_NODE_FLAGS = \[([^\]]*)\]/.exec(read('bench/lib/server.mjs'))?.[1] ?? ''
    ).matchAll(/'([^']+)'/g),
  ].map((m) => m[1]);

  it('caps the young and the old generation', () => {
    expect(startFlags).toEqual(['--max-semi-space-size=2', '--max-old-space-size=512']);
  });

  it('npm start, the Docker image and the bench start it alike', () => {
    expect(dockerFlags).toEqual(startFlags);
    expect(benchFlags).toEqual(startFlags);
  });
});
