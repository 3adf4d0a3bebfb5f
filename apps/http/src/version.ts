import { readFileSync } from 'node:fs';

/** The version of @signup/http, from its package.json (src/ and dist/ sit beside it). */
export function appVersion(): string {
  try {
    const manifest = JSON.parse(
      readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
    ) as {
      version?: unknown;
    };
    return typeof manifest.version === 'string' ? manifest.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
