import type { ServerResponse } from 'node:http';

/**
 * Whether the client went away before its answer was sent. A request that fails because of
 * that (its upstream call or query aborted with the client) is not the app's fault: both apps
 * log it as such instead of as an internal error, and the answer goes nowhere anyway.
 */
export function clientLeft(res: ServerResponse): boolean {
  return !res.writableFinished && res.destroyed;
}
