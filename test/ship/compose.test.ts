import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '..', '..');

/** `docker compose` (v2 plugin) or `docker-compose` (v1): both parse files without an engine. */
function composeCommand(): string[] | null {
  if (spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0) {
    return ['docker', 'compose'];
  }
  if (spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0) {
    return ['docker-compose'];
  }
  return null;
}

interface ComposeService {
  image?: string;
  build?: { target?: string };
  ports?: Port[];
  environment?: Record<string, string>;
  healthcheck?: { test?: string[] | string };
  depends_on?: Record<string, { condition?: string }>;
  volumes?: unknown[];
  command?: string[] | string;
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

const compose = composeCommand();
const describeCompose = compose ? describe : describe.skip;
if (!compose)
  console.log(
    'compose file test skipped: neither `docker compose` nor `docker-compose` is installed',
  );

/** The merged configuration of `files` as compose sees it (empty when compose is absent: the suites are skipped). */
function config(...files: string[]): ComposeFile {
  if (!compose) return { services: {} };
  const [cmd, ...args] = compose;
  const fileArgs = files.flatMap((f) => ['-f', join(root, f)]);
  const out = execFileSync(cmd as string, [...args, ...fileArgs, 'config'], {
    cwd: root,
    encoding: 'utf8',
    // the file takes SIGNUP_SECRET from the environment (or .env); a `${SIGNUP_SECRET:?...}`
    // there would stop `config` without one
    env: { ...process.env, SIGNUP_SECRET: 'compose-test-secret-'.padEnd(64, '0') },
  });
  return parse(out) as ComposeFile;
}

type Port = string | { host_ip?: string; published?: string | number; target?: number };

/** `host_ip:published` of each port ('0.0.0.0' when no address is given), short or long syntax. */
const bindings = (ports: readonly Port[] | undefined) =>
  (ports ?? []).map((p) => {
    if (typeof p !== 'string') return `${p.host_ip ?? '0.0.0.0'}:${String(p.published ?? '')}`;
    const parts = p.split(':');
    return parts.length === 3 ? `${parts[0]}:${parts[1]}` : `0.0.0.0:${parts[0]}`;
  });

const publishedPorts = (service: ComposeService | undefined) =>
  bindings(service?.ports).map((b) => b.split(':')[1]);

describeCompose('docker-compose.yml (production image alone)', () => {
  const file = config('docker-compose.yml');

  it('has api, postgres and mailpit', () => {
    expect(Object.keys(file.services).sort()).toEqual(['api', 'mailpit', 'postgres']);
  });

  it('runs the runtime stage of the image, on port 8000, wired to postgres and mailpit', () => {
    const api = file.services.api;
    expect(api?.build?.target).toBe('runtime');
    expect(publishedPorts(api)).toContain('8000');
    expect(api?.environment?.DATABASE_URL).toMatch(/^postgres:\/\/.*@postgres:5432\//);
    expect(api?.environment?.SMTP_URL).toBe('smtp://mailpit:1025');
    expect(api?.environment?.HOST).toBe('0.0.0.0');
    expect(api?.healthcheck?.test).toBeDefined();
    expect(JSON.stringify(api?.healthcheck?.test)).toContain('/livez');
  });

  it('waits for a healthy database, checked with pg_isready, on a named volume', () => {
    expect(file.services.api?.depends_on?.postgres?.condition).toBe('service_healthy');
    expect(JSON.stringify(file.services.postgres?.healthcheck?.test)).toContain('pg_isready');
    expect(Object.keys(file.volumes ?? {})).toContain('pgdata');
  });

  it('publishes Mailpit SMTP 1025 and web UI 8025, and PostgreSQL 5432, on 127.0.0.1 only', () => {
    expect(bindings(file.services.mailpit?.ports).sort()).toEqual([
      '127.0.0.1:1025',
      '127.0.0.1:8025',
    ]);
    expect(bindings(file.services.postgres?.ports)).toEqual(['127.0.0.1:5432']);
  });
});

describe('docker-compose.yml as written (no compose needed)', () => {
  const file = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8')) as ComposeFile;

  it('publishes Mailpit and PostgreSQL on 127.0.0.1, never on every interface', () => {
    expect(bindings(file.services.mailpit?.ports).sort()).toEqual([
      '127.0.0.1:1025',
      '127.0.0.1:8025',
    ]);
    expect(bindings(file.services.postgres?.ports)).toEqual(['127.0.0.1:5432']);
  });

  it("uses the original service's database: registration_db, user `user`, password `password`", () => {
    const pg = file.services.postgres?.environment;
    expect([pg?.POSTGRES_DB, pg?.POSTGRES_USER, pg?.POSTGRES_PASSWORD]).toEqual([
      'registration_db',
      'user',
      'password',
    ]);
    expect(file.services.api?.environment?.DATABASE_URL).toBe(
      'postgres://user:password@postgres:5432/registration_db',
    );
  });

  it('takes SIGNUP_SECRET (required with DATABASE_URL) from the environment, never a literal one', () => {
    const api = file.services.api;
    expect(api?.environment?.DATABASE_URL).toBeDefined();
    expect(api?.environment?.SIGNUP_SECRET).toMatch(/^\$\{SIGNUP_SECRET(:?[-?][^}]*)?\}$/);
  });
});

describe('docker-compose.override.yml as written (no compose needed)', () => {
  const file = parse(
    readFileSync(join(root, 'docker-compose.override.yml'), 'utf8'),
  ) as ComposeFile;

  it('gives SIGNUP_SECRET a development default the API accepts (at least 32 bytes), a .env one winning', () => {
    const value = file.services.api?.environment?.SIGNUP_SECRET ?? '';
    const fallback = /^\$\{SIGNUP_SECRET:-([^}]*)\}$/.exec(value)?.[1];
    expect(fallback, value).toBeDefined();
    expect(Buffer.byteLength(fallback ?? '')).toBeGreaterThanOrEqual(32);
  });
});

describeCompose('docker-compose.yml + docker-compose.override.yml (development)', () => {
  const file = config('docker-compose.yml', 'docker-compose.override.yml');

  it('builds the dev stage, mounts the whole checkout (tests included) and hot-reloads with tsx watch', () => {
    const api = file.services.api;
    expect(api?.build?.target).toBe('dev');
    const targets = (api?.volumes ?? []).map((v) =>
      typeof v === 'string'
        ? v
            .split(':')
            .filter((part) => part !== 'rw' && part !== 'ro')
            .at(-1)
        : (v as { target?: string }).target,
    );
    expect(targets).toContain('/app');
    expect(targets).toContain('/app/node_modules'); // the image's modules, not the host's
    expect(api?.environment?.TEST_DATABASE_URL).toBe(
      'postgres://user:password@postgres:5432/registration_db',
    );
    expect(JSON.stringify(api?.command)).toContain('tsx');
    expect(JSON.stringify(api?.command)).toContain('watch');
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const runtime = stages.find((s) => /^\S+ AS runtime\b/.test(s)) ?? '';

  it('copies every workspace package.json before npm ci, so the lockfile installs', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      workspaces: string[];
    };
    const install = stages[0] ?? '';
    for (const workspace of manifest.workspaces) {
      if (workspace.includes('*')) {
        expect(install).toMatch(
          new RegExp(`COPY ${workspace.replace('*', '[^/]+')}/package\\.json`),
        );
      } else {
        expect(install).toContain(`COPY ${workspace}/package.json ${workspace}/`);
      }
    }
  });

  it('is multi-stage, with npm ci and tsc -b in the build', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    expect(dockerfile).toContain('npm ci');
    expect(dockerfile).toContain('tsc -b');
  });

  it('runs the runtime stage as a non-root user with production dependencies only', () => {
    const users = [...runtime.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]);
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
    expect(dockerfile).toMatch(/npm (ci|prune) --omit=dev/);
  });

  it('binds 0.0.0.0, checks /livez and lets node handle SIGTERM', () => {
    expect(runtime).toMatch(/HOST=0\.0\.0\.0/);
    expect(runtime).toMatch(/HEALTHCHECK[\s\S]*\/livez/);
    expect(runtime).toMatch(/CMD \["node", ("--[^"]+", )*"apps\/http\/dist\/main\.js"\]/);
  });

  it('keeps data, dependencies, tests and secrets out of the build context', () => {
    const ignore = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['.data', '**/node_modules', '**/test', '.env', '.git']) {
      expect(ignore).toContain(entry);
    }
  });
});
