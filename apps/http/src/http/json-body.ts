import express, { type RequestHandler } from 'express';
import { requireBodyType } from './body-type.js';

export const BODY_LIMIT_BYTES = 16 * 1024;

const JSON_TYPES = ['application/json', 'application/*+json'];

/** 415 for a body that is not JSON; an absent or empty body passes (resend takes none). */
export const requireJsonBody: RequestHandler = requireBodyType(JSON_TYPES);

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
