import { AppError } from '@switchyard/api-spec';
import { refusedJsonBody } from '@switchyard/http-kit';
import express, { type Request, type RequestHandler } from 'express';

/**
 * A body is there when the request says so: chunked, or a Content-Length above 0. An empty body
 * is no body (docs/api-behaviour.md: it is `undefined` and fails validation).
 */
function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * A body that is not application/json, has a charset other than UTF-8 or a Content-Encoding
 * other than identity is a 415, before a byte of it is read (refusedJsonBody in
 * @switchyard/http-kit: the one rule of every app).
 */
const requireJson: RequestHandler = (req, _res, next) => {
  const refused = hasBody(req) ? refusedJsonBody(req.headers) : undefined;
  if (refused) throw refused;
  next();
};

/**
 * body-parser turns an empty JSON body into `{}`; this API treats it as no body. `verify` sees
 * the raw bytes before they are parsed, so it can tell an empty body from a literal `{}`. It
 * also turns a body of a byte order mark alone into `{}` (it drops the mark, then sees nothing):
 * that body is not empty and holds no JSON text, a 400 as in fastify-api.
 */
const emptyBodies = new WeakSet<Request>();
const markOnlyBodies = new WeakSet<Request>();
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

const markEmpty = (req: Request, _res: unknown, raw: Buffer): void => {
  if (raw.length === 0) emptyBodies.add(req);
  else if (raw.equals(BOM)) markOnlyBodies.add(req);
};

const emptyIsUndefined: RequestHandler = (req, _res, next) => {
  if (markOnlyBodies.has(req)) throw new AppError('SWY_ERR_MALFORMED_JSON');
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
    // requireJson has refused any coding already; body-parser must never inflate one.
    inflate: false,
    verify: markEmpty as (req: unknown, res: unknown, buf: Buffer) => void,
  });
  return [requireJson, parse, emptyIsUndefined];
}
