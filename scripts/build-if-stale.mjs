#!/usr/bin/env node
// `npm start` runs this before the server: it runs `tsc -b` only when a source
// or config file is newer than the build it would produce. `tsc -b` alone
// decides the same thing but needs seconds to load TypeScript; this compares
// file times in milliseconds. Anything unusual (a missing build) builds.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { references } = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8'));
const projects = references.map((r) => join(root, r.path));

/** Newest modification time of the files below `dir`, 0 when it does not exist. */
function newest(dir) {
  let latest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

const mtime = (path) => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
};

function stale() {
  const shared = Math.max(
    mtime(join(root, 'tsconfig.base.json')),
    mtime(join(root, 'tsconfig.json')),
  );
  for (const project of projects) {
    const built = mtime(join(project, 'dist', '.tsbuildinfo'));
    if (built === 0) return `${project} is not built`;
    const inputs = Math.max(
      shared,
      newest(join(project, 'src')),
      mtime(join(project, 'tsconfig.json')),
      mtime(join(project, 'package.json')),
    );
    if (inputs > built) return `${project} changed since its build`;
  }
  return null;
}

const reason = stale();
if (reason) {
  console.error(`building (${reason.replace(`${root}/`, '')})`);
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-b'], { cwd: root, stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
