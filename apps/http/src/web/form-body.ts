import express, { type Request, type RequestHandler } from 'express';
import { httpProblems } from '../http/http-problems.js';
import { BODY_LIMIT_BYTES } from '../http/json-body.js';
import { sendProblem } from '../http/problem.js';

const FORM_TYPE = 'application/x-www-form-urlencoded';

/** A body is present when it is chunked or announces a non-zero length. */
function hasBody(req: Request): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = Number(req.headers['content-length']);
  return Number.isFinite(length) && length > 0;
}

/** 415 for a page post whose body is not a urlencoded form (what an HTML form without enctype sends). */
export const requireFormBody: RequestHandler = (req, res, next) => {
  if (hasBody(req) && !req.is(FORM_TYPE)) {
    sendProblem(res, httpProblems.unsupportedMediaType());
    return;
  }
  next();
};

/** The form, up to 16 KiB like the API's JSON; flat `name=value` pairs only. */
export const parseFormBody: RequestHandler = express.urlencoded({
  extended: false,
  limit: BODY_LIMIT_BYTES,
  parameterLimit: 20,
  type: FORM_TYPE,
});

/** One field of the posted form: its text, or '' when absent or sent more than once. */
export function formField(req: Request, name: string): string {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null) return '';
  if (!Object.hasOwn(body, name)) return '';
  const value: unknown = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : '';
}
