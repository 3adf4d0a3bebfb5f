import type { Request, RequestHandler } from 'express';
import { noticePage } from './notice-page.js';

/** `host[:port]` of a URL, default port dropped; null when it is not an http(s) URL. */
function hostOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.host : null;
  } catch {
    return null;
  }
}

/** The host the request was sent to (X-Forwarded-Host only under TRUST_PROXY), normalized like hostOf. */
function ownHost(req: Request): string | null {
  const host = req.host;
  return host ? hostOf(`${req.protocol}://${host}`) : null;
}

const one = (value: string | string[] | undefined) =>
  typeof value === 'string' ? value : undefined;

/**
 * Whether a form post comes from one of this site's own pages, by what the
 * browser says, in order of trust:
 * 1. `Sec-Fetch-Site` (every current browser, on https and localhost):
 *    `same-origin`, or `none` (the user's own action, e.g. a reload), passes;
 *    `same-site` and `cross-site` do not;
 * 2. else `Origin`: its host must be the request's own host (`null`, sent
 *    from sandboxed or no-referrer contexts, fails);
 * 3. else `Referer`: the same test.
 * A post with none of the three is refused: a browser always sends one of
 * them with a form post from our pages (they set Referrer-Policy
 * same-origin), so only a non-browser client lacks them, and the pages are
 * for browsers (scripts use /api/v1).
 */
function isSameOrigin(req: Request): boolean {
  const site = one(req.headers['sec-fetch-site']);
  if (site !== undefined) return site === 'same-origin' || site === 'none';
  const own = ownHost(req);
  const origin = one(req.headers.origin);
  if (origin !== undefined) return own !== null && hostOf(origin) === own;
  const referer = one(req.headers.referer);
  if (referer !== undefined) return own !== null && hostOf(referer) === own;
  return false;
}

/** 403 with a readable page for a cross-site (or unprovable) form post, before anything is read or counted. */
export const sameOriginOnly: RequestHandler = (req, res, next) => {
  if (isSameOrigin(req)) {
    next();
    return;
  }
  res
    .status(403)
    .type('html')
    .send(
      noticePage('This form came from another site', [
        'For your safety, this service only accepts forms sent from its own pages, and this one was sent from somewhere else (or your browser did not say where from).',
        'Nothing was registered or changed. Start again from the registration page.',
      ]).text,
    );
};
