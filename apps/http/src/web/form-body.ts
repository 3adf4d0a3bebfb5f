import express, { type Request, type RequestHandler } from 'express';
import { requireBodyType } from '../http/body-type.js';
import { BODY_LIMIT_BYTES } from '../http/json-body.js';

const FORM_TYPE = 'application/x-www-form-urlencoded';

/** 415 for a page post whose body is not a urlencoded form (what an HTML form without enctype sends). */
export const requireFormBody: RequestHandler = requireBodyType(FORM_TYPE);

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
