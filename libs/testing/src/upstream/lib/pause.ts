import type { ServerResponse } from 'node:http';

/**
 * Waits `ms`, unless the response closes first (the client went away, or the server is
 * closing and destroyed the socket). Resolves `true` when the wait ran its course, `false` when
 * nobody is left to answer, so no timer outlives its request.
 */
export function pause(response: ServerResponse, ms: number): Promise<boolean> {
  if (response.destroyed) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onClose = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      response.off('close', onClose);
      resolve(true);
    }, ms);
    response.once('close', onClose);
  });
}
