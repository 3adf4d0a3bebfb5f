import type { RequestHandler } from 'express';

/**
 * The pages' own Content-Security-Policy, stricter than helmet's default in
 * every directive: scripts, styles, images and form posts from this origin
 * only, no inline code, no framing. Without upgrade-insecure-requests, like
 * /docs, so `npm start` on plain http://localhost works (the browser would
 * otherwise turn the asset loads and form posts into https requests that
 * nothing answers); behind TLS, HSTS does that job.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/**
 * Set on every page response, over the app-wide helmet headers. Referrer
 * `same-origin` (helmet's is `no-referrer`): under `no-referrer` a browser
 * sends `Origin: null` with its own form posts, which the same-origin check
 * could not tell from a cross-site post; nothing leaves the site either way.
 * `no-store`: the code page names an email address.
 */
export const pageHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('Content-Security-Policy', PAGE_CSP);
  res.setHeader('Referrer-Policy', 'same-origin');
  res.setHeader('Cache-Control', 'no-store');
  next();
};
