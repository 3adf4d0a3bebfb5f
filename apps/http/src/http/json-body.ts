import express, { type RequestHandler } from 'express';
import { httpProblems } from './http-problems.js';
import { sendProblem } from './problem.js';

export const BODY_LIMIT_BYTES = 16 * 1024;

const JSON_TYPES = ['application/json', 'application/*+json'];

/** A body is present when it is chunked or announces a non-zero length. */
function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  if (headers['transfer-encoding'] !== undefined) return true;
  const length = Number(headers['content-length']);
  return Number.isFinite(length) && length > 0;
}

/** 415 for a body that is not JSON; an absent or empty body passes (resend takes none). */
export const requireJsonBody: RequestHandler = (req, res, next) => {
  if (hasBody(req.headers) && !req.is(JSON_TYPES)) {
    sendProblem(res, httpProblems.unsupportedMediaType());
    return;
  }
  next();
};

/**
 * JSON up to 16 KiB. Not `strict`: any JSON value parses, and a value that is
 * not an object (array, null, string, number) is then refused by the schema
 * with 422, because it is well-formed JSON of the wrong shape.
 */
export const parseJsonBody: RequestHandler = express.json({
  limit: BODY_LIMIT_BYTES,
  strict: false,
  type: JSON_TYPES,
});
