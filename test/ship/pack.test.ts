import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

interface PackResult {
  name: string;
  files: { path: string }[];
}

function packedFiles(workspace: string): string[] {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--workspace', workspace], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const [result] = JSON.parse(out) as PackResult[];
  return (result?.files ?? []).map((f) => f.path).sort();
}

type Exports = Record<string, string | Record<string, string>>;

/** The built files the package's `exports` name (not the source condition, which is not shipped). */
function exportedFiles(directory: string): string[] {
  const manifest = JSON.parse(
    readFileSync(join(root, 'packages', directory, 'package.json'), 'utf8'),
  ) as { exports: Exports };
  return Object.values(manifest.exports)
    .flatMap((target) =>
      typeof target === 'string'
        ? [target]
        : Object.entries(target)
            .filter(([condition]) => condition !== 'signup-source')
            .map(([, path]) => path),
    )
    .map((path) => path.replace(/^\.\//, ''));
}

describe.each([
  {
    name: '@signup/domain',
    allowed: /^(package\.json|README\.md|LICENSE|dist\/.+\.(js|d\.ts|js\.map|d\.ts\.map))$/,
    required: ['dist/index.js', 'dist/index.d.ts', 'dist/testing/index.js', 'README.md'],
    directory: 'domain',
  },
  {
    name: '@signup/adapters',
    allowed:
      /^(package\.json|README\.md|LICENSE|migrations\/\d+_[a-z0-9_]+\.sql|dist\/.+\.(js|d\.ts|js\.map|d\.ts\.map))$/,
    // No ./testing export any more: its tests use @signup/testkit.
    required: [
      'dist/index.js',
      'dist/index.d.ts',
      'migrations/0004_proof_of_email_control.sql',
      'README.md',
    ],
    directory: 'adapters',
  },
])('npm pack $name', ({ name, allowed, required, directory }) => {
  const files = packedFiles(name);

  it('ships only built code, types, migrations and the README', () => {
    expect(files.filter((f) => !allowed.test(f))).toEqual([]);
    expect(
      files.some((f) => f.includes('.test.') || f.startsWith('src/') || f.startsWith('test/')),
    ).toBe(false);
  });

  it('ships the entry points its exports name', () => {
    for (const file of [...required, ...exportedFiles(directory)]) expect(files).toContain(file);
  });
});
