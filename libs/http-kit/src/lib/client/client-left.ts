import type { ServerResponse } from 'node:http';

/** Whether the client went away before its answer was sent. */
export function clientLeft(res: ServerResponse): boolean {
  return !res.writableFinished && res.destroyed;
}

/**
 * Whether `error` is the request's own abort because its client went away: the bot call or the
 * proxied request stopped with the client (`AbortError`). That is not the app's fault, and both
 * apps log it as such instead of as an internal error. Any other error, even with the client
 * gone (a server-side cut at shutdown, a real bug), is logged as what it is.
 */
export function abortedByClient(error: unknown, res: ServerResponse): boolean {
  const e = error as { name?: unknown; cause?: { name?: unknown } } | null;
  const abort = e?.name === 'AbortError' || e?.cause?.name === 'AbortError';
  return abort && clientLeft(res);
}
