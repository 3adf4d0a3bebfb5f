import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { SIGNUP_CSS } from './signup-css.js';
import { SIGNUP_JS } from './signup-js.js';

const SIGNUP_ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1d4ed8"/><path d="M4 8.5l2.5 2.5L12 5.5" stroke="#fff" stroke-width="2" fill="none"/></svg>';

interface Asset {
  readonly path: string;
  /** The path with a content hash: the pages link this, so it can be cached for good. */
  readonly url: string;
  readonly type: string;
  readonly body: Buffer;
}

function asset(path: string, type: string, text: string): Asset {
  const body = Buffer.from(text, 'utf8');
  const version = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return { path, url: `${path}?v=${version}`, type, body };
}

/** The pages' only assets, served by the app itself (no external host, no inline code). */
export const ASSETS = {
  css: asset('/assets/signup.css', 'text/css; charset=utf-8', SIGNUP_CSS),
  js: asset('/assets/signup.js', 'text/javascript; charset=utf-8', SIGNUP_JS),
  /** So the browser does not ask for /favicon.ico (a 404 in its console). */
  icon: asset('/assets/signup.svg', 'image/svg+xml', SIGNUP_ICON),
} as const;

/** GET one asset; the versioned URL changes with the content, so a year of caching is safe. */
export function serveAsset(served: Asset): RequestHandler {
  return (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    res.type(served.type).send(served.body);
  };
}
