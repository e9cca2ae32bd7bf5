import { decodeUnreserved } from '@switchyard/http-kit';
import type { RequestHandler } from 'express';

/**
 * Routes `/v1/%62ots` as `/v1/bots`: percent-encoded unreserved characters are the same URI
 * (RFC 3986 §2.3), and Fastify's router matches them alike, where Express's matches the raw
 * path. Only req.url changes: req.originalUrl keeps the target as sent (the proxy reads it).
 */
export const unreservedPath: RequestHandler = (req, _res, next) => {
  req.url = decodeUnreserved(req.url);
  next();
};
