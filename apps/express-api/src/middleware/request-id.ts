import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';

// A caller's id is echoed only when it is short and plain: it ends up in every log line.
const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

// #region guide:request-id
/** `x-request-id`: the caller's, when it looks like one, or a new UUID; echoed on the response. */
export const requestId: RequestHandler = (req, res, next) => {
  const id = requestIdOf(req.get('x-request-id'));
  req.id = id;
  res.setHeader('x-request-id', id);
  next();
};
// #endregion guide:request-id

/** The id a request gets from its `x-request-id` header (also used for upgrade refusals). */
export function requestIdOf(incoming: string | string[] | undefined): string {
  return typeof incoming === 'string' && ACCEPTABLE_ID.test(incoming) ? incoming : randomUUID();
}
