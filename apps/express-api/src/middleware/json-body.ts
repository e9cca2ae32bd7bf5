import { AppError } from '@switchyard/api-spec';
import express, { type Request, type RequestHandler } from 'express';

/**
 * A body is there when the request says so: chunked, or a Content-Length above 0. An empty body
 * is no body (docs/api-behaviour.md: it is `undefined` and fails validation).
 */
function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** A body in any other type than application/json (any charset) is a 415. */
const requireJson: RequestHandler = (req, _res, next) => {
  if (hasBody(req) && !req.is('application/json')) {
    throw new AppError('SWY_ERR_UNSUPPORTED_MEDIA_TYPE');
  }
  next();
};

/**
 * body-parser turns an empty JSON body into `{}`; this API treats it as no body. `verify` sees
 * the raw bytes before they are parsed, so it can tell an empty body from a literal `{}`.
 */
const emptyBodies = new WeakSet<Request>();

const markEmpty = (req: Request, _res: unknown, raw: Buffer): void => {
  if (raw.length === 0) emptyBodies.add(req);
};

const emptyIsUndefined: RequestHandler = (req, _res, next) => {
  if (emptyBodies.has(req)) req.body = undefined;
  next();
};

/**
 * The body step of the pipeline, for routes with a body schema only: 415, then parsing with
 * `express.json` (413 over the limit, 400 when it does not parse; the error handler maps
 * body-parser's error types to the API's codes). `strict: false` lets any JSON value through,
 * so `"abc"` or `[]` reach validation like in the Fastify app.
 */
export function jsonBody(limit: number): RequestHandler[] {
  const parse = express.json({
    strict: false,
    limit,
    type: 'application/json',
    verify: markEmpty as (req: unknown, res: unknown, buf: Buffer) => void,
  });
  return [requireJson, parse, emptyIsUndefined];
}
