import { allowedMethods, envelope } from '@switchyard/api-spec';
import type { RequestHandler } from 'express';

/**
 * No route answered: a path the API knows with another method is a 405 with `Allow`, any other
 * path a 404. It needs no token, so a client without one cannot tell less than one with one.
 */
export const notFound: RequestHandler = (req, res) => {
  const allow = allowedMethods(req.path);
  if (allow) {
    res.status(405).set('Allow', allow).json(envelope('SWY_ERR_METHOD_NOT_ALLOWED'));
    return;
  }
  res.status(404).json(envelope('SWY_ERR_NOT_FOUND'));
};
