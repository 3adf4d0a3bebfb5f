import { execFileSync } from 'node:child_process';
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

describe.each([
  {
    name: '@signup/domain',
    allowed: /^(package\.json|README\.md|LICENSE|dist\/.+\.(js|d\.ts|js\.map|d\.ts\.map))$/,
    required: ['dist/index.js', 'dist/index.d.ts', 'dist/testing/index.js', 'README.md'],
  },
  {
    name: '@signup/adapters',
    allowed:
      /^(package\.json|README\.md|LICENSE|migrations\/\d+_[a-z0-9_]+\.sql|dist\/.+\.(js|d\.ts|js\.map|d\.ts\.map))$/,
    required: ['dist/index.js', 'dist/index.d.ts', 'dist/testing/index.js', 'README.md'],
  },
])('npm pack $name', ({ name, allowed, required }) => {
  const files = packedFiles(name);

  it('ships only built code, types, migrations and the README', () => {
    expect(files.filter((f) => !allowed.test(f))).toEqual([]);
    expect(
      files.some((f) => f.includes('.test.') || f.startsWith('src/') || f.startsWith('test/')),
    ).toBe(false);
  });

  it('ships the entry points its exports name', () => {
    for (const file of required) expect(files).toContain(file);
  });
});
